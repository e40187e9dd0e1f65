import { useState } from 'react';
import type { ServerDetail } from '../../../shared/host-api/index.js';
import { LocalTime } from '../../components/LocalTime.js';
import { SeverityBadge } from '../../components/SeverityBadge.js';
import { ShortHash } from '../../components/ShortHash.js';
import { StateLight } from '../../components/StateLight.js';
import { ErrorState, Loading } from '../../components/states.js';
import { useHostQuery } from '../../host-api-context.js';
import { ApproveSurfaceAction } from './ApproveSurfaceAction.js';
import { ClientAccess } from './ClientAccess.js';
import { QuarantineAction } from './QuarantineAction.js';
import { RemoveServerAction } from './RemoveServerAction.js';
import { RevertAction } from './RevertAction.js';
import { ProvenanceRow } from './ProvenanceRow.js';
import { SIGN_IN_WORDS, SignInAction } from './SignInAction.js';
import { changesServers } from './server-events.js';

/** One server in full: how it starts, what it offers, what was approved, and what you can do about it. */
export function ServerDetailPanel({ server, onChanged, onRemoved }: { server: string; onChanged: () => void; onRemoved: (notice: string) => void }) {
  const detail = useHostQuery((api) => api.serverDetail({ server }), (e) => changesServers(e, server), [server]);
  const [notice, setNotice] = useState<string | null>(null);
  if (detail.status === 'loading') return <Loading what={`server "${server}"`} />;
  if (detail.status === 'error') return <ErrorState error={`Could not load server "${server}": ${detail.error}`} retry={detail.reload} />;
  const changed = (message: string) => {
    setNotice(message);
    detail.reload();
    onChanged();
  };
  const { summary } = detail.data;
  return (
    <section className="panel server-detail" aria-labelledby="server-detail-title">
      <h2 id="server-detail-title">
        {summary.name} <StateLight state={summary.state} />
      </h2>
      <p className="muted">
        <span title={`generation ${summary.generation}`}>{summary.generation === 0 ? 'Nothing approved yet' : `Approved version ${summary.generation}`}</span> · {summary.held} held · {summary.pendingCalls} {summary.pendingCalls === 1 ? 'call waits' : 'calls wait'}
      </p>
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="server-actions">
        {(summary.state !== 'GREEN' || detail.data.quarantinedItems.length > 0) && (
          <ApproveSurfaceAction
            server={server}
            state={summary.state}
            generation={summary.generation}
            surfaceHash={detail.data.liveSurfaceHash}
            quarantinedItems={detail.data.quarantinedItems}
            onDone={changed}
          />
        )}
        {summary.state !== 'RED' && <QuarantineAction server={server} onDone={changed} />}
        {detail.data.url && <SignInAction server={server} state={detail.data.signInState ?? 'not-needed'} onDone={changed} />}
        {detail.data.command !== null && <RemoveServerAction server={server} secretKeys={detail.data.secretKeys} onRemoved={onRemoved} />}
      </div>
      <ServerLaunch detail={detail.data} />
      {detail.data.command !== null && <ProvenanceRow server={server} onDone={changed} />}
      <ClientAccess server={server} tools={detail.data.tools.map((t) => t.tool)} />
      <h3>Tools</h3>
      {detail.data.tools.length === 0 ? (
        <p className="muted">No tools pinned for this server.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">Status</th>
              <th scope="col">Gate</th>
              <th scope="col">Severity</th>
            </tr>
          </thead>
          <tbody>
            {detail.data.tools.map((t) => (
              <tr key={t.tool}>
                <td className="mono">{t.tool}</td>
                <td>{t.status}</td>
                <td>{t.gate}</td>
                <td>
                  <SeverityBadge severity={t.severity} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Approved versions</h3>
      {detail.data.generations.length === 0 ? (
        <p className="muted">Nothing approved yet.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col" title="generation">Version</th>
              <th scope="col" title="surface hash">Fingerprint</th>
              <th scope="col">Approved at</th>
              <th scope="col">By</th>
              <th scope="col">Way back</th>
            </tr>
          </thead>
          <tbody>
            {detail.data.generations.map((g) => (
              <tr key={g.generation}>
                <td>{g.generation}</td>
                <td>
                  <ShortHash hash={g.surfaceHash} />
                </td>
                <td>
                  <LocalTime iso={g.approvedAt} />
                </td>
                <td>{g.approvedBy}</td>
                <td>{g.generation < summary.generation && <RevertAction server={server} generation={g.generation} onDone={changed} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The command with its arguments (secret-looking ones as ***) and the names of its variables; variable values never reach the window. */
function ServerLaunch({ detail }: { detail: ServerDetail }) {
  if (detail.url) return <RemoteEndpoint detail={detail} />;
  const secret = new Set(detail.secretKeys);
  const names = [...new Set([...detail.envKeys, ...detail.secretKeys])].sort();
  return (
    <>
      <h3>Command</h3>
      {detail.command === null ? <p className="muted">Removed: Airlock no longer starts this server. Its approved versions and history are kept, and apply again if you add a server of this name.</p> : <pre className="json-block">{detail.commandLine ?? detail.command}</pre>}
      <h3>Variables</h3>
      {names.length === 0 ? (
        <p className="muted">No environment variables.</p>
      ) : (
        <ul className="var-list" aria-label="Environment variable names">
          {names.map((name) => (
            <li key={name}>
              <code>{name}</code>
              {secret.has(name) && <span className="tag"> secret (kept in Airlock's secret store, value never shown)</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A remote server: its address, how it is reached, its header names (values stay in the secret store) and its sign-in. */
function RemoteEndpoint({ detail }: { detail: ServerDetail }) {
  return (
    <>
      <h3>Address</h3>
      <dl className="remote-endpoint" aria-label="Remote server">
        <dt>URL</dt>
        <dd className="mono">{detail.url}</dd>
        <dt>Transport</dt>
        <dd>{detail.transport === 'sse' ? 'HTTP+SSE (the older transport)' : 'Streamable HTTP'}</dd>
        <dt>Sign-in</dt>
        <dd>{SIGN_IN_WORDS[detail.signInState ?? 'not-needed']}</dd>
        <dt>Headers</dt>
        <dd>
          {detail.secretKeys.length === 0
            ? 'none'
            : detail.secretKeys.map((name) => (
                <code key={name} title="kept in Airlock's secret store, value never shown">
                  {name}: ***{' '}
                </code>
              ))}
        </dd>
      </dl>
    </>
  );
}
