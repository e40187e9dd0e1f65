import type { CallRow } from '../../../shared/host-api/index.js';
import { durationText } from '../../../shared/duration-text.js';
import { DecisionBadge } from '../../components/DecisionBadge.js';

/** Who or what ended a hold, in the user's words; the Host's own sentence is the tooltip. */
function answerText(call: CallRow): string | null {
  const denied = call.finalDecision === 'DENY';
  switch (call.answeredBy) {
    case 'timeout':
      return `timed out after ${call.latencyMs === null ? 'its wait' : durationText(call.latencyMs)}, denied`;
    case 'you':
      return denied ? 'denied by you' : 'allowed by you';
    case 'client-left':
      return 'denied: the client disconnected';
    case 'server-quarantined':
      return 'denied: the server was quarantined';
    case 'server-changed':
      return 'denied: the server no longer offers it';
    default:
      return null;
  }
}

/** The gate's decision; for a held call also the answer ("HOLD → DENY, timed out after 2 min") or that it still waits. */
export function CallDecision({ call }: { call: CallRow }) {
  if (call.decision !== 'HOLD') return <DecisionBadge decision={call.decision} />;
  if (call.finalDecision === null) {
    return (
      <>
        <DecisionBadge decision="HOLD" /> <span className="muted">waiting for you</span>
      </>
    );
  }
  const answer = answerText(call);
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

/** How long the call took, in human units; a silenced notification has no latency. */
export function latencyText(call: CallRow): string {
  if (call.latencyMs !== null) return durationText(call.latencyMs);
  return call.decision === 'SILENCE' ? '—' : 'running';
}
