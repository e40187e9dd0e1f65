import { useState } from 'react';
import type { ServerProgram } from '../../../shared/host-api/index.js';
import { Loading } from '../../components/states.js';
import { useHostApi, useHostQuery } from '../../host-api-context.js';
import { changesServers } from './server-events.js';

const PIN_WORDS: Record<ServerProgram['pinned'], string> = {
  pinned: 'pinned: the command names this exact version',
  unpinned: 'not pinned: the command may run another version next time (Airlock then holds it for review)',
  'not-a-package': 'pinned by its fingerprint: a change is held for review',
};

/**
 * The program a server runs (issue 17): the package and version, file hash, image digest or URL
 * that was approved, whether the command pins it, and Pin, which rewrites an unpinned package
 * command to the approved exact version (the same as `airlock servers pin`).
 */
export function ProvenanceRow({ server, onDone }: { server: string; onDone: (notice: string) => void }) {
  const api = useHostApi();
  const program = useHostQuery((a) => a.serverProgram({ server }), (e) => changesServers(e, server), [server]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (program.status === 'loading') return <Loading what={`the program of "${server}"`} />;
  // Not an alert: the program row is information beside the server, and its actions still work without it.
  if (program.status === 'error') return <p className="muted">Could not load the program of "{server}": {program.error}</p>;
  const { line, pinned, pinTo, cannotPin } = program.data;
  const pin = async () => {
    setSending(true);
    setError(null);
    try {
      const result = await api.pinServer({ server });
      program.reload();
      onDone(`Pinned "${server}": ${result.from} → ${result.to}. It runs exactly that version from its next start.`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setSending(false);
    }
  };
  return (
    <>
      <h3>Program</h3>
      <dl className="remote-endpoint" aria-label="Program">
        <dt>Approved</dt>
        <dd className="mono">{line}</dd>
        <dt>Version</dt>
        <dd>{PIN_WORDS[pinned]}</dd>
      </dl>
      {pinned === 'unpinned' && (
        <div className="server-actions">
          <button type="button" disabled={sending || pinTo === null} onClick={() => void pin()} title={cannotPin ?? `rewrite the command to ${pinTo ?? ''}`}>
            {pinTo === null ? 'Pin to the approved version' : `Pin to ${pinTo}`}
          </button>
          {pinTo === null && cannotPin !== null && <span className="muted"> {cannotPin}</span>}
        </div>
      )}
      {error !== null && (
        <p className="action-error" role="alert">
          Could not pin "{server}": {error}
        </p>
      )}
    </>
  );
}
