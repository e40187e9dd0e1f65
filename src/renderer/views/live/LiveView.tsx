import { useEffect, useMemo, useState } from 'react';
import type { CallRow } from '../../../shared/host-api/index.js';
import { EmptyState, ErrorState, Loading } from '../../components/states.js';
import { useHostApi, useHostEvents } from '../../host-api-context.js';
import { CallDetailPane } from './CallDetailPane.js';
import { CallFilters } from './CallFilters.js';
import { CallsChart } from './CallsChart.js';
import { CallsTable } from './CallsTable.js';
import { callsPerMinute, filterCalls, mergeCall, mergeCalls, serversOf, type CallFilter } from './live-calls.js';

type LoadState = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready' };

/** The clock the chart's window follows, so quiet minutes still move it along. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Every call through Airlock as it happens: the recent ones first, then each event as it comes. */
export function LiveView() {
  const api = useHostApi();
  const [rows, setRows] = useState<CallRow[]>([]);
  const [load, setLoad] = useState<LoadState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [filter, setFilter] = useState<CallFilter>({ server: '', decision: '' });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const now = useNow(30_000);

  useEffect(() => {
    let live = true;
    api.recentCalls({}).then(
      (calls) => {
        if (!live) return;
        // Events may have arrived while this loaded: merge, never replace.
        setRows((current) => mergeCalls(current, calls));
        setLoad({ status: 'ready' });
      },
      (error: unknown) => live && setLoad({ status: 'error', error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, attempt]);

  useHostEvents((event) => {
    if (event.type === 'call.started' || event.type === 'call.finished') setRows((current) => mergeCall(current, event.call));
  });

  const shown = useMemo(() => filterCalls(rows, filter), [rows, filter]);
  const servers = useMemo(() => serversOf(rows), [rows]);
  const buckets = useMemo(() => callsPerMinute(rows, now), [rows, now]);
  const selected = selectedId === null ? undefined : rows.find((r) => r.id === selectedId);

  const retry = () => {
    setLoad({ status: 'loading' });
    setAttempt((a) => a + 1);
  };
  const loadError = load.status === 'error' ? <ErrorState error={`Could not load recent calls: ${load.error}`} retry={retry} /> : null;
  if (load.status === 'loading' && rows.length === 0) return <Loading what="recent calls" />;
  if (loadError && rows.length === 0) return loadError;
  if (rows.length === 0) return <EmptyState title="No calls yet. Calls appear here as your AI clients use their servers." />;

  return (
    <div className="live-view">
      <h2>Live calls</h2>
      {loadError}
      <CallsChart buckets={buckets} />
      <CallFilters servers={servers} filter={filter} onChange={setFilter} shown={shown.length} total={rows.length} />
      <div className={selected ? 'live-layout live-layout-detail' : 'live-layout'}>
        {shown.length === 0 ? (
          <EmptyState title="No calls match these filters.">
            <button type="button" onClick={() => setFilter({ server: '', decision: '' })}>
              Show all calls
            </button>
          </EmptyState>
        ) : (
          <CallsTable rows={shown} selectedId={selected ? selected.id : null} onSelect={setSelectedId} />
        )}
        {selected && <CallDetailPane call={selected} onClose={() => setSelectedId(null)} />}
      </div>
    </div>
  );
}
