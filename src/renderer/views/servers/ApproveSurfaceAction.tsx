import { useState } from 'react';
import { ShortHash } from '../../components/ShortHash.js';
import { useHostApi } from '../../host-api-context.js';

type Sent = { at: 'idle' } | { at: 'sending' } | { at: 'failed'; error: string };

/**
 * Approves the whole live surface as the new baseline. The approval is bound to the exact hash
 * shown here: if the surface changed since, the Host refuses it and says so.
 */
export function ApproveSurfaceAction({ server, surfaceHash, onDone }: { server: string; surfaceHash: string | null; onDone: (notice: string) => void }) {
  const api = useHostApi();
  const [sent, setSent] = useState<Sent>({ at: 'idle' });

  if (surfaceHash === null) {
    return <p className="muted action">The server has not listed its tools yet, so there is no live surface to approve. It lists when a client connects.</p>;
  }
  const approve = async () => {
    setSent({ at: 'sending' });
    try {
      const result = await api.approve({ server, hash: surfaceHash });
      setSent({ at: 'idle' });
      onDone(`Approved the live surface of "${server}": it is ${result.state} at generation ${result.generation}.`);
    } catch (error) {
      setSent({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <div className="action">
      <button type="button" className="primary" disabled={sent.at === 'sending'} onClick={() => void approve()}>
        Approve live surface (new baseline)
      </button>{' '}
      <span className="muted">live surface</span> <ShortHash hash={surfaceHash} />
      {sent.at === 'failed' && (
        <p className="action-error" role="alert">
          Could not approve "{server}": {sent.error}
        </p>
      )}
    </div>
  );
}
