import { useState } from 'react';
import type { ClientsRestorePreview } from '../../../shared/host-api/index.js';
import { useHostApi } from '../../host-api-context.js';
import { homePath, restoreEntryText, restoreFileText } from './clients-text.js';
import { UnifiedDiff } from './UnifiedDiff.js';

type Step = { at: 'idle' } | { at: 'preview'; plan: ClientsRestorePreview } | { at: 'done'; files: string[] };

function PlanView({ plan, userHome, clientName }: { plan: ClientsRestorePreview; userHome: string; clientName: (id: string) => string }) {
  return (
    <>
      {plan.files.length === 0 && plan.problems.length === 0 && <p>Airlock has changed no client file (or has given them all back already); nothing to restore.</p>}
      {plan.files.map((file) => (
        <section key={file.path} className="client-plan-file" aria-label={`${clientName(file.client)}: ${homePath(file.path, userHome)}`}>
          <h4>
            {clientName(file.client)}: <code>{homePath(file.path, userHome)}</code>
          </h4>
          <p>{restoreFileText(file.exact)}</p>
          {file.entries.length > 0 && (
            <ul>
              {file.entries.map((entry) => (
                <li key={entry.name}>{restoreEntryText(entry)}</li>
              ))}
            </ul>
          )}
          <UnifiedDiff diff={file.diff} label={`changes to ${homePath(file.path, userHome)}`} />
        </section>
      ))}
      {plan.problems.length > 0 && (
        <>
          <h4>Problems</h4>
          <ul aria-label="Problems">
            {plan.problems.map((p) => (
              <li key={`${p.path}\u0000${p.problem}`}>
                <code>{homePath(p.path, userHome)}</code>: {p.problem}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** Giving client files back as they were before Airlock changed them: preview, then apply by `planId`. */
export function RestorePanel({ userHome, clientName, onChanged }: { userHome: string; clientName: (id: string) => string; onChanged: () => void }) {
  const api = useHostApi();
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const preview = () => run(async () => setStep({ at: 'preview', plan: await api.clientsRestorePreview({}) }));
  const apply = (planId: string) =>
    run(async () => {
      try {
        setStep({ at: 'done', files: (await api.clientsRestoreApply({ planId })).files });
      } catch (e) {
        setStep({ at: 'idle' });
        throw e;
      } finally {
        onChanged();
      }
    });

  return (
    <section className="panel client-action" aria-label="Restore client files">
      <h3>Restore client files</h3>
      {step.at === 'idle' && (
        <>
          <p className="muted">Puts back the client entries Airlock changed. Airlock's servers stay registered.</p>
          <div className="toolbar">
            <button type="button" onClick={() => void preview()} disabled={busy}>
              Preview restore
            </button>
          </div>
        </>
      )}
      {step.at === 'preview' && (
        <>
          <PlanView plan={step.plan} userHome={userHome} clientName={clientName} />
          <div className="toolbar">
            <button type="button" className="primary" onClick={() => void apply(step.plan.planId)} disabled={busy || step.plan.files.length === 0}>
              Apply
            </button>
            <button type="button" onClick={() => setStep({ at: 'idle' })} disabled={busy}>
              Cancel
            </button>
          </div>
        </>
      )}
      {step.at === 'done' && (
        <div role="status">
          <p>
            Restored {step.files.length} file{step.files.length === 1 ? '' : 's'}:
          </p>
          <ul>
            {step.files.map((f) => (
              <li key={f}>
                <code>{homePath(f, userHome)}</code>
              </li>
            ))}
          </ul>
          <p className="muted">Restart the clients to use their own entries again. Airlock's servers stay registered.</p>
          <div className="toolbar">
            <button type="button" onClick={() => setStep({ at: 'idle' })}>
              Done
            </button>
          </div>
        </div>
      )}
      {busy && (
        <p className="muted" role="status">
          Asking the Airlock host…
        </p>
      )}
      {error !== null && (
        <p className="client-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
