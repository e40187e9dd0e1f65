import { useState } from 'react';
import { EmptyState, ErrorState, Loading } from '../../components/states.js';
import { useHostQuery } from '../../host-api-context.js';
import { changesServers } from './server-events.js';
import { ServerDetailPanel } from './ServerDetailPanel.js';
import { ServerList } from './ServerList.js';

/** The servers Airlock fronts: their state, what was approved when, and the two big levers. */
export function ServersView() {
  const servers = useHostQuery((api) => api.servers({}), (e) => changesServers(e));
  const [selected, setSelected] = useState<string | null>(null);

  if (servers.status === 'loading') return <Loading what="servers" />;
  if (servers.status === 'error') return <ErrorState error={`Could not load the servers: ${servers.error}`} retry={servers.reload} />;
  if (servers.data.length === 0) {
    return (
      <EmptyState title="No servers yet.">
        Servers appear here once an AI client's servers are routed through Airlock: see the Clients view.
      </EmptyState>
    );
  }
  return (
    <div className="split">
      <section aria-labelledby="servers-title">
        <h2 id="servers-title">Servers</h2>
        <ServerList servers={servers.data} selected={selected} onSelect={setSelected} />
      </section>
      {selected === null ? (
        <EmptyState title="Select a server">Its command, tools, approvals and actions appear here.</EmptyState>
      ) : (
        <ServerDetailPanel key={selected} server={selected} onChanged={servers.reload} />
      )}
    </div>
  );
}
