import type { ClientsList } from '../../../shared/host-api/index.js';
import { VisibleText } from '../../components/VisibleText.js';
import { homePath } from './clients-text.js';

type Client = ClientsList['clients'][number];
type ListedServer = Client['files'][number]['servers'][number];

function RouteBadge({ status }: { status: ListedServer['status'] }) {
  return <span className={`route-badge route-${status}`}>{status}</span>;
}

function where(server: ListedServer): string {
  if (server.status === 'routed') return `through Airlock server "${server.airlockServer ?? '?'}"`;
  return server.transport === 'remote' ? `remote ${server.url ?? ''}`.trim() : (server.commandLine ?? server.command ?? '(no command)');
}

function ServerRow({ server }: { server: ListedServer }) {
  return (
    <tr>
      <th scope="row">
        <VisibleText text={server.name} />
      </th>
      <td>
        <RouteBadge status={server.status} />
      </td>
      <td>
        <code>
          <VisibleText text={where(server)} />
        </code>
        {server.status === 'bypassing' && server.reason !== undefined && <div className="client-reason">cannot be routed: {server.reason}</div>}
        {server.disabled === true && <div className="muted client-disabled">disabled in the client</div>}
      </td>
    </tr>
  );
}

/** One AI client: its config files and, per MCP server in them, whether it runs through Airlock. */
export function ClientCard({ client, userHome }: { client: Client; userHome: string }) {
  return (
    <section className="panel client-card" aria-label={client.name}>
      <h3>
        {client.name} <span className="muted">({client.id})</span>
      </h3>
      {client.files.map((file) => (
        <div key={file.path} className="client-file">
          <p>
            <code>{homePath(file.path, userHome)}</code> <span className="muted">{file.scope === 'project' ? `project${file.project !== undefined ? ` ${homePath(file.project, userHome)}` : ''}` : 'user settings'}</span>
          </p>
          {file.error !== undefined && <p className="client-file-error">could not read this file: {file.error}</p>}
          {file.error === undefined && file.servers.length === 0 && <p className="muted">no MCP servers</p>}
          {file.servers.length > 0 && (
            <table aria-label={`MCP servers in ${homePath(file.path, userHome)}`}>
              <thead>
                <tr>
                  <th scope="col">Server</th>
                  <th scope="col">Airlock</th>
                  <th scope="col">Runs</th>
                </tr>
              </thead>
              <tbody>
                {file.servers.map((server) => (
                  <ServerRow key={server.name} server={server} />
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </section>
  );
}

/** How many servers bypass Airlock, and how many of them could be routed. */
export function bypassSummary(list: ClientsList): string {
  const servers = list.clients.flatMap((c) => c.files.flatMap((f) => f.servers));
  const bypassing = servers.filter((s) => s.status === 'bypassing');
  if (servers.length === 0) return 'No MCP server found in any client.';
  if (bypassing.length === 0) return 'Every server found runs through Airlock.';
  const routable = bypassing.filter((s) => s.routable !== false).length;
  return `${bypassing.length} server${bypassing.length === 1 ? '' : 's'} bypass${bypassing.length === 1 ? 'es' : ''} Airlock${routable > 0 ? `; ${routable} can be routed through it` : ''}.`;
}
