import type { CallRow } from '../../../shared/host-api/index.js';
import { durationText } from '../../../shared/duration-text.js';
import { DecisionBadge } from '../../components/DecisionBadge.js';
import { holdAnswerText } from '../../components/hold-answer-text.js';

/** The gate's decision; for a held call also the answer ("HOLD → DENY, timed out after 2 min") or that it still waits. */
export function CallDecision({ call }: { call: CallRow }) {
  if (call.decision !== 'HOLD') return <DecisionBadge decision={call.decision} />;
  if (call.finalDecision === null) {
    return (
      <>
        {/* A call from before the Host started is not waiting: that Host ended every hold as it stopped. */}
        <DecisionBadge decision="HOLD" /> <span className="muted">{call.restored ? 'its answer is not in the audit log' : 'waiting for you'}</span>
      </>
    );
  }
  const answer = holdAnswerText(call);
  return (
    <>
      <DecisionBadge decision="HOLD" /> → <DecisionBadge decision={call.finalDecision} />
      {answer !== null && (
        <>
          {' '}
          <span className="muted hold-answer" title={call.finalReason ?? undefined}>
            {answer}
          </span>
        </>
      )}
    </>
  );
}

/** How long the call took, in human units; a silenced notification has no latency, nor does a call from before the Host started whose end the log does not give. */
export function latencyText(call: CallRow): string {
  if (call.latencyMs !== null) return durationText(call.latencyMs);
  return call.decision === 'SILENCE' || call.restored ? '—' : 'running';
}
