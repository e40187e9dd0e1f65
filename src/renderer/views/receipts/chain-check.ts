import type { AuditVerifyStep, HostApi } from '../../../shared/host-api/index.js';

export const CHAIN_STEP_SIZE = 2000;

export type ChainCheckOutcome = { intact: true; checked: number; head: string } | { intact: false; checked: number; brokenSeq: number | null; reason: string };

/**
 * Runs the Host's resumable chain check to the end: each step checks up to `CHAIN_STEP_SIZE`
 * events and hands back where it stopped (`checked`, `head`) for the next one. Returns null when
 * `stopped()` says the user left or stopped it.
 */
export async function checkAuditChain(api: Pick<HostApi, 'auditVerifyStep'>, onStep: (step: AuditVerifyStep) => void, stopped: () => boolean): Promise<ChainCheckOutcome | null> {
  let checked = 0;
  let head: string | undefined;
  for (;;) {
    const step = await api.auditVerifyStep({ checked, limit: CHAIN_STEP_SIZE, ...(head !== undefined ? { head } : {}) });
    if (stopped()) return null;
    onStep(step);
    if (!step.ok) return { intact: false, checked: step.checked, brokenSeq: step.brokenSeq, reason: reasonText(step) };
    if (step.done) return { intact: true, checked: step.checked, head: step.head };
    // A step that does not move forward would loop for ever: stop and say so instead.
    if (step.checked <= checked) throw new Error(`the Host's chain check stopped moving at event ${step.checked} of ${step.total}. Try again`);
    checked = step.checked;
    head = step.head;
  }
}

/** The Host's reason, without the "event N: " it starts with when the sentence around it already names event N. */
function reasonText(step: AuditVerifyStep): string {
  const reason = step.reason ?? 'the Host gave no reason';
  const prefix = `event ${step.brokenSeq}: `;
  return step.brokenSeq !== null && reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
}
