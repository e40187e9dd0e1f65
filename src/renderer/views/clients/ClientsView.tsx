import { useState } from 'react';
import type { BypassingServer, HostApiEvent } from '../../../shared/host-api/index.js';
import { EmptyState, ErrorState, Loading } from '../../components/states.js';
import { useHostEvents, useHostQuery } from '../../host-api-context.js';
import { BypassBanner } from './BypassBanner.js';
import { bypassSummary, ClientCard } from './ClientList.js';
import { bypassId } from './clients-text.js';
import { InstallPanel } from './InstallPanel.js';
import { RestorePanel } from './RestorePanel.js';
import { TokensPanel } from './TokensPanel.js';

const reloadOn = (e: HostApiEvent) => e.type === 'clients.bypassing';

/**
 * The AI clients on this machine and whether each of their MCP servers runs through Airlock;
 * routing them through it, and giving their files back, each as a preview first.
 */
export function ClientsView() {
  const query = useHostQuery((api) => api.clientsList({}), reloadOn);
  const [appeared, setAppeared] = useState<BypassingServer[]>([]);
  useHostEvents((event) => {
    if (event.type !== 'clients.bypassing') return;
    const gone = new Set(event.gone.map(bypassId));
    setAppeared((now) => {
      const kept = now.filter((s) => !gone.has(bypassId(s)));
      const seen = new Set(kept.map(bypassId));
      return [...kept, ...event.appeared.filter((s) => !seen.has(bypassId(s)))];
    });
  });

  if (query.status === 'loading') return <Loading what="the AI clients and their MCP servers" />;
  if (query.status === 'error') return <ErrorState error={query.error} retry={query.reload} />;
  const list = query.data;
  const found = list.clients.filter((c) => c.found);
  const missing = list.clients.filter((c) => !c.found);
  const clientName = (id: string) => list.clients.find((c) => c.id === id)?.name ?? id;
  return (
    <section className="clients-view" aria-label="Clients">
      <div className="toolbar">
        <h2 className="clients-title">AI clients</h2>
        <button type="button" onClick={query.reload}>
          Reload
        </button>
      </div>
      <BypassBanner servers={appeared} onDismiss={() => setAppeared([])} />
      {found.length === 0 ? (
        <EmptyState title="No AI client configuration found on this machine.">Set up an MCP server in an AI client, then Reload.</EmptyState>
      ) : (
        <p>{bypassSummary(list)}</p>
      )}
      <div className="clients-list">
        {found.map((client) => (
          <ClientCard key={client.id} client={client} userHome={list.userHome} />
        ))}
      </div>
      {missing.length > 0 && (
        <ul className="clients-missing" aria-label="Clients without a config file">
          {missing.map((c) => (
            <li key={c.id}>
              {c.name}: <span className="muted">no config file found</span>
            </li>
          ))}
        </ul>
      )}
      <div className="clients-actions">
        <InstallPanel clients={found.map((c) => ({ id: c.id, name: c.name }))} userHome={list.userHome} onChanged={query.reload} />
        <RestorePanel userHome={list.userHome} clientName={clientName} onChanged={query.reload} />
      </div>
      <TokensPanel />
    </section>
  );
}
