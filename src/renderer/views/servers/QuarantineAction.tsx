import { useState } from 'react';
import { useHostApi } from '../../host-api-context.js';

type Step = { at: 'idle' } | { at: 'confirming' } | { at: 'sending' } | { at: 'failed'; error: string };

/** Two steps on purpose: quarantine denies every call to the server until you approve it again. */
export function QuarantineAction({ server, onDone }: { server: string; onDone: (notice: string) => void }) {
  const api = useHostApi();
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const confirm = async () => {
    setStep({ at: 'sending' });
    try {
      const result = await api.quarantine({ server });
      setStep({ at: 'idle' });
      onDone(`Quarantined "${server}" (${result.state}): every call to it is denied until you approve it again.`);
    } catch (error) {
      setStep({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <div className="action">
      {step.at === 'confirming' || step.at === 'sending' ? (
        <>
          <span>Deny every call to "{server}" until you approve it again?</span>{' '}
          <button type="button" className="danger" disabled={step.at === 'sending'} onClick={() => void confirm()}>
            Confirm quarantine
          </button>{' '}
          <button type="button" disabled={step.at === 'sending'} onClick={() => setStep({ at: 'idle' })}>
            Cancel
          </button>
        </>
      ) : (
        <button type="button" onClick={() => setStep({ at: 'confirming' })}>
          Quarantine server
        </button>
      )}
      {step.at === 'failed' && (
        <p className="action-error" role="alert">
          Could not quarantine "{server}": {step.error}
        </p>
      )}
    </div>
  );
}
