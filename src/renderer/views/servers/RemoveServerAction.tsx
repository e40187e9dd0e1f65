import { useState } from 'react';
import type { ClientsList, RoutingEntry } from '../../../shared/host-api/index.js';
import { useHostApi } from '../../host-api-context.js';

type Step = { at: 'idle' } | { at: 'checking' } | { at: 'confirming'; routedBy: RoutingEntry[] | string } | { at: 'sending'; routedBy: RoutingEntry[] | string } | { at: 'failed'; error: string };

/** The client entries that start `server` through Airlock, from the Clients view's scan. */
function routingEntries(list: ClientsList, server: string): RoutingEntry[] {
  return list.clients.flatMap((client) =>
    client.files.flatMap((file) => file.servers.filter((s) => s.status === 'routed' && s.airlockServer === server).map((s) => ({ client: client.name, path: file.path, entry: s.name }))),
  );
}

function entryText(e: RoutingEntry): string {
  return `${e.client}: "${e.entry}" in ${e.path}`;
}

/**
 * `airlock servers remove` in the window, in two steps: first what removing does, including the
 * AI client entries that would be left pointing at nothing.
 */
export function RemoveServerAction({ server, secretKeys, onRemoved }: { server: string; secretKeys: readonly string[]; onRemoved: (notice: string) => void }) {
  const api = useHostApi();
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const ask = async () => {
    setStep({ at: 'checking' });
    try {
      setStep({ at: 'confirming', routedBy: routingEntries(await api.clientsList({}), server) });
    } catch (error) {
      setStep({ at: 'confirming', routedBy: error instanceof Error ? error.message : String(error) });
    }
  };
  const confirm = async (routedBy: RoutingEntry[] | string) => {
    setStep({ at: 'sending', routedBy });
    try {
      const removed = await api.removeServer({ server });
      const left = removed.stillRoutedBy.length === 0 ? '' : ` These AI client entries still start it and will fail until you add it again: ${removed.stillRoutedBy.map(entryText).join('; ')}.`;
      onRemoved(`Removed "${server}" and its secrets. Its approved versions and its audit history are kept.${left}`);
    } catch (error) {
      setStep({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
  if (step.at === 'idle' || step.at === 'checking' || step.at === 'failed') {
    return (
      <div className="action">
        <button type="button" disabled={step.at === 'checking'} onClick={() => void ask()}>
          Remove server…
        </button>
        {step.at === 'failed' && (
          <p className="action-error" role="alert">
            Could not remove "{server}": {step.error}
          </p>
        )}
      </div>
    );
  }
  const { routedBy } = step;
  return (
    <div className="approval-summary" role="region" aria-label={`Remove "${server}"?`}>
      <p>
        <strong>Remove "{server}" from Airlock?</strong> Airlock forgets how to start "{server}"{secretKeys.length > 0 ? <> and deletes its secrets ({secretKeys.join(', ')})</> : null}. Its approved versions and its history in the audit log are kept: if you add a
        server named "{server}" again, what it lists is checked against what you approved before.
      </p>
      {typeof routedBy === 'string' ? (
        <p className="approval-warning">Could not check which AI clients use it ({routedBy}): any client entry that starts it through Airlock will fail until you add it again.</p>
      ) : routedBy.length === 0 ? (
        <p>No AI client config found here starts it through Airlock.</p>
      ) : (
        <>
          <p className="approval-warning">These AI client entries start it through Airlock and will fail until you add it again, or restore those clients in the Clients view:</p>
          <ul aria-label="AI client entries that use it">
            {routedBy.map((e) => (
              <li key={`${e.path}\u0000${e.entry}`}>{entryText(e)}</li>
            ))}
          </ul>
        </>
      )}
      <div className="toolbar">
        <button type="button" className="danger" disabled={step.at === 'sending'} onClick={() => void confirm(routedBy)}>
          Confirm remove
        </button>
        <button type="button" disabled={step.at === 'sending'} onClick={() => setStep({ at: 'idle' })}>
          Cancel
        </button>
      </div>
    </div>
  );
}
