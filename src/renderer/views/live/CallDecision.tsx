import type { CallRow } from '../../../shared/host-api/index.js';
import { DecisionBadge } from '../../components/DecisionBadge.js';

/** The gate's decision; for a held call also the answer ("HOLD → DENY") or that it still waits. */
export function CallDecision({ call }: { call: CallRow }) {
  if (call.decision !== 'HOLD') return <DecisionBadge decision={call.decision} />;
  if (call.finalDecision === null) {
    return (
      <>
        <DecisionBadge decision="HOLD" /> <span className="muted">waiting for you</span>
      </>
    );
  }
  return (
    <>
      <DecisionBadge decision="HOLD" /> → <DecisionBadge decision={call.finalDecision} />
    </>
  );
}

export function latencyText(call: CallRow): string {
  return call.latencyMs === null ? 'running' : `${Math.round(call.latencyMs)} ms`;
}
