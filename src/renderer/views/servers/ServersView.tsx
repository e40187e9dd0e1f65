import { useState } from 'react';
import { EmptyState, ErrorState, Loading } from '../../components/states.js';
import { useHostQuery } from '../../host-api-context.js';
import { AddServerForm } from './AddServerForm.js';
import { changesServers } from './server-events.js';
import { ServerDetailPanel } from './ServerDetailPanel.js';
import { ServerList } from './ServerList.js';

/** What the right-hand side shows: nothing chosen, a server, or the Add server form. */
type Pane = { at: 'none' } | { at: 'server'; name: string } | { at: 'add' };

/** The servers Airlock fronts: their state, what was approved when, the two big levers, and adding or removing one. */
export function ServersView() {
  const servers = useHostQuery((api) => api.servers({}), (e) => changesServers(e));
  const [pane, setPane] = useState<Pane>({ at: 'none' });
  const [notice, setNotice] = useState<string | null>(null);

  if (servers.status === 'loading') return <Loading what="servers" />;
  if (servers.status === 'error') return <ErrorState error={`Could not load the servers: ${servers.error}`} retry={servers.reload} />;
  // A notice belongs to what was just done: it goes when the user moves on.
  const show = (next: Pane) => {
    setNotice(null);
    setPane(next);
  };
  const changed = (next: Pane, message: string) => {
    setNotice(message);
    setPane(next);
    servers.reload();
  };
  const form = <AddServerForm onAdded={(name, message) => changed({ at: 'server', name }, message)} onCancel={() => show({ at: 'none' })} />;
  const addButton = (
    <button type="button" className="primary" onClick={() => show({ at: 'add' })} disabled={pane.at === 'add'}>
      Add server…
    </button>
  );
  const noticeLine = notice !== null && (
    <p className="notice" role="status">
      {notice}
    </p>
  );
  if (servers.data.length === 0) {
    return pane.at === 'add' ? (
      form
    ) : (
      <>
        {noticeLine}
        <EmptyState title="No servers yet.">
          <p>
            Add one here, as <code>airlock servers add</code> does, or route an AI client's servers through Airlock in the Clients view.
          </p>
          <div className="toolbar">{addButton}</div>
        </EmptyState>
      </>
    );
  }
  const selected = pane.at === 'server' ? pane.name : null;
  return (
    <div className="split">
      <section aria-labelledby="servers-title">
        <div className="pane-head">
          <h2 id="servers-title">Servers</h2>
          {addButton}
        </div>
        {noticeLine}
        <ServerList servers={servers.data} selected={selected} onSelect={(name) => show({ at: 'server', name })} />
      </section>
      {pane.at === 'add' ? (
        form
      ) : selected === null ? (
        <EmptyState title="Select a server">Its command, tools, approvals and actions appear here.</EmptyState>
      ) : (
        <ServerDetailPanel key={selected} server={selected} onChanged={servers.reload} onRemoved={(message) => changed({ at: 'none' }, message)} />
      )}
    </div>
  );
}
