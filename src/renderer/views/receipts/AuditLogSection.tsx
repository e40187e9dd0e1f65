import { useEffect, useMemo, useState } from 'react';
import type { AuditPage } from '../../../shared/host-api/index.js';
import { DecisionBadge } from '../../components/DecisionBadge.js';
import { LocalTime } from '../../components/LocalTime.js';
import { EmptyState, ErrorState, Loading } from '../../components/states.js';
import { useHostApi } from '../../host-api-context.js';
import { auditPageParams, hasOlder, newerCursors, olderCursors, pageRange, type AuditCursors } from './audit-paging.js';
import { ServerSelect } from './ServerSelect.js';

type Answer = { key: string; page: AuditPage } | { key: string; error: string };

/** The audit log, newest first, a page at a time. */
export function AuditLogSection({ servers }: { servers: readonly string[] }) {
  const api = useHostApi();
  const [server, setServer] = useState('');
  const [cursors, setCursors] = useState<AuditCursors>([]);
  const [attempt, setAttempt] = useState(0);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const params = useMemo(() => auditPageParams(cursors, server), [cursors, server]);
  // Answers are matched to the request they answer, so a slow old page never shows as the new one.
  const key = JSON.stringify(params);

  useEffect(() => {
    let live = true;
    api.auditPage(params).then(
      (page) => live && setAnswer({ key, page }),
      (error: unknown) => live && setAnswer({ key, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [api, params, key, attempt]);

  const busy = answer === null || answer.key !== key;
  const retry = () => setAttempt((a) => a + 1);
  const changeServer = (next: string) => {
    setServer(next);
    setCursors([]);
  };

  let body;
  if (answer === null) body = <Loading what="the audit log" />;
  else if ('error' in answer) body = answer.key === key ? <ErrorState error={`Could not load the audit log: ${answer.error}`} retry={retry} /> : <Loading what="the audit log" />;
  else body = <AuditPageTable page={answer.page} cursors={cursors} server={server} busy={busy} onOlder={() => setCursors(olderCursors(cursors, answer.page))} onNewer={() => setCursors(newerCursors(cursors))} />;

  return (
    <section className="panel receipts-section" aria-labelledby="audit-log-title">
      <h3 id="audit-log-title">Audit log</h3>
      <div className="toolbar">
        <ServerSelect label="Server" servers={servers} value={server} onChange={changeServer} />
        <button type="button" onClick={retry} disabled={busy}>
          Refresh
        </button>
      </div>
      {body}
    </section>
  );
}

function AuditPageTable({ page, cursors, server, busy, onOlder, onNewer }: { page: AuditPage; cursors: AuditCursors; server: string; busy: boolean; onOlder: () => void; onNewer: () => void }) {
  const range = pageRange(cursors, page);
  const paging = (
    <div className="toolbar">
      <button type="button" onClick={onNewer} disabled={busy || cursors.length === 0}>
        Newer
      </button>
      <button type="button" onClick={onOlder} disabled={busy || !hasOlder(cursors, page)}>
        Older
      </button>
      <span className="muted" role="status">
        {page.events.length === 0 ? `0 of ${page.total} events` : `Events ${range.first}–${range.last} of ${page.total}, newest first`}
      </span>
    </div>
  );
  if (page.events.length === 0) {
    const title = cursors.length > 0 ? 'No older events.' : server !== '' ? `No audit events for "${server}" yet.` : 'No audit events yet.';
    return (
      <>
        <EmptyState title={title}>Airlock writes an event for every decision, approval and quarantine.</EmptyState>
        {cursors.length > 0 && paging}
      </>
    );
  }
  return (
    <>
      <div className="table-scroll audit-scroll" aria-busy={busy}>
        <table className="audit-table">
          <thead>
            <tr>
              <th scope="col">Seq</th>
              <th scope="col">Time</th>
              <th scope="col">Type</th>
              <th scope="col">Server</th>
              <th scope="col">Tool</th>
              <th scope="col">Decision</th>
              <th scope="col">Rule</th>
              <th scope="col">Findings</th>
            </tr>
          </thead>
          <tbody>
            {page.events.map((e) => (
              <tr key={e.seq}>
                <td title={e.hash}>{e.seq}</td>
                <td>
                  <LocalTime iso={e.ts} />
                </td>
                <td className="mono">{e.type}</td>
                <td>{e.server ?? '—'}</td>
                <td className="mono">{e.tool ?? '—'}</td>
                <td>{e.decision === null ? '—' : <DecisionBadge decision={e.decision} />}</td>
                <td>{e.rule ?? '—'}</td>
                <td className="mono">{e.findings.length === 0 ? '—' : e.findings.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {paging}
    </>
  );
}
