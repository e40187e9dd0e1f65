import { useEffect, useState } from 'react';
import { useHostApi, useHostQuery } from './host-api-context.js';
import { CrashReportNotice } from './components/CrashReportNotice.js';
import { groupFirstSeen, isUndecided } from '../shared/host-api/index.js';
import { ClientsView } from './views/clients/ClientsView.js';
import { LiveView } from './views/live/LiveView.js';
import { ReceiptsView } from './views/receipts/ReceiptsView.js';
import { changesReview } from './views/review/review-events.js';
import { ReviewView } from './views/review/ReviewView.js';
import { ServersView } from './views/servers/ServersView.js';

export const VIEWS = [
  { id: 'live', label: 'Live' },
  { id: 'review', label: 'Review' },
  { id: 'servers', label: 'Servers' },
  { id: 'clients', label: 'Clients' },
  { id: 'receipts', label: 'Receipts' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

/** The view named by the location hash (`#/review`), Live by default. */
export function viewFromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '').split(/[?&]/)[0];
  return VIEWS.some((v) => v.id === id) ? (id as ViewId) : 'live';
}

export function App() {
  const [view, setView] = useState<ViewId>(() => viewFromHash(window.location.hash));
  const [connection, setConnection] = useState<{ connected: boolean; hint?: string | undefined }>({ connected: true });
  const review = useHostQuery((api) => api.review({}), changesReview);
  // Entries, as Review lists them: a first-seen server is one decision, however many tools it has.
  const pending = review.status === 'ready' ? groupFirstSeen(review.data.filter(isUndecided)).length : 0;

  useEffect(() => {
    const onHash = () => setView(viewFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const api = useHostApi();
  useEffect(() => api.subscribe(() => undefined, (connected, hint) => setConnection({ connected, hint })), [api]);

  const go = (id: ViewId) => {
    window.location.hash = `#/${id}`;
    setView(id);
  };

  return (
    <div className="app">
      <header className="app-header">
        <h1 className="app-title">Airlock</h1>
        <nav aria-label="Views">
          <ul className="tabs" role="tablist">
            {VIEWS.map((v) => (
              <li key={v.id} role="presentation">
                <button type="button" role="tab" aria-selected={view === v.id} className={view === v.id ? 'tab tab-active' : 'tab'} onClick={() => go(v.id)}>
                  {v.label}
                  {v.id === 'review' && pending > 0 && (
                    <span className="tab-badge" aria-label={`${pending} waiting for review`}>
                      {pending}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <ConnectionDot connected={connection.connected} hint={connection.hint} />
      </header>
      <main className="app-main" role="tabpanel" aria-label={VIEWS.find((v) => v.id === view)?.label}>
        <CrashReportNotice />
        {view === 'live' && <LiveView />}
        {view === 'review' && <ReviewView />}
        {view === 'servers' && <ServersView />}
        {view === 'clients' && <ClientsView />}
        {view === 'receipts' && <ReceiptsView />}
      </main>
    </div>
  );
}

/** `hint`: what the user can do when waiting will not help (the Host came back elsewhere, or refused the token). */
function ConnectionDot({ connected, hint }: { connected: boolean; hint?: string | undefined }) {
  return (
    <span className={connected ? 'conn conn-up' : 'conn conn-down'} role="status">
      {connected ? 'connected to the Airlock host' : (hint ?? 'reconnecting to the Airlock host…')}
    </span>
  );
}
