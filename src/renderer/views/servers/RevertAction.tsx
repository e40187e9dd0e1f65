import { useState } from 'react';
import type { RevertPlan } from '../../../shared/host-api/index.js';
import { useHostApi } from '../../host-api-context.js';
import { VisibleText } from '../../components/VisibleText.js';

type Step = { at: 'idle' } | { at: 'loading' } | { at: 'shown'; plan: RevertPlan } | { at: 'sending'; plan: RevertPlan } | { at: 'failed'; error: string; plan: RevertPlan | null };

const CHANGE_TEXT: Record<string, string> = { changed: 'changes back', added: 'comes back', removed: 'is no longer approved' };

/** A definition's description, the part a person reads first; the rest is in the Review view once held. */
function descriptionOf(value: unknown): string | null {
  return typeof value === 'object' && value !== null && typeof (value as { description?: unknown }).description === 'string' ? (value as { description: string }).description : null;
}

/**
 * The way back from an approval: approve an earlier version again, as a new one (history is
 * never rewritten). What changes is shown first; the revert is bound to that version's hash.
 */
export function RevertAction({ server, generation, onDone }: { server: string; generation: number; onDone: (notice: string) => void }) {
  const api = useHostApi();
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const show = async () => {
    setStep({ at: 'loading' });
    try {
      setStep({ at: 'shown', plan: await api.revertPlan({ server, to: generation }) });
    } catch (error) {
      setStep({ at: 'failed', error: error instanceof Error ? error.message : String(error), plan: null });
    }
  };
  const confirm = async (plan: RevertPlan) => {
    setStep({ at: 'sending', plan });
    try {
      const result = await api.revert({ server, to: plan.to, hash: plan.hash });
      setStep({ at: 'idle' });
      onDone(`Reverted "${server}" to version ${plan.to}: approved again as version ${result.generation}; it is ${result.state}. What it lists now and differs is held for review.`);
    } catch (error) {
      setStep({ at: 'failed', error: error instanceof Error ? error.message : String(error), plan });
    }
  };
  const plan = step.at === 'shown' || step.at === 'sending' ? step.plan : step.at === 'failed' ? step.plan : null;
  if (plan === null && step.at !== 'failed') {
    return (
      <button type="button" disabled={step.at === 'loading'} onClick={() => void show()}>
        Revert to version {generation}…
      </button>
    );
  }
  return (
    <div className="approval-summary" role="region" aria-label={`Revert "${server}" to version ${generation}?`}>
      {plan !== null && (
        <>
          <p>
            Approves version {plan.to} (surface <code>{plan.hash}</code>) again, as version {plan.from + 1}. What the server lists now and differs from it is held for your review.
          </p>
          {plan.changes.length === 0 ? (
            <p>It approves exactly what is approved now.</p>
          ) : (
            <ul aria-label="What the revert changes">
              {plan.changes.map((c) => (
                <li key={`${c.kind}\u0000${c.key}`}>
                  {c.kind} <VisibleText text={c.key} />: {CHANGE_TEXT[c.status] ?? c.status}
                  {descriptionOf(c.then) !== null && descriptionOf(c.then) !== descriptionOf(c.now) && (
                    <>
                      {' '}
                      (description: <q><VisibleText text={descriptionOf(c.then) ?? ''} /></q>)
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
          <div className="toolbar">
            <button type="button" className="primary" disabled={step.at === 'sending'} onClick={() => void confirm(plan)}>
              Confirm revert
            </button>
            <button type="button" disabled={step.at === 'sending'} onClick={() => setStep({ at: 'idle' })}>
              Cancel
            </button>
          </div>
        </>
      )}
      {step.at === 'failed' && (
        <p className="action-error" role="alert">
          Could not revert "{server}" to version {generation}: {step.error}
        </p>
      )}
    </div>
  );
}
