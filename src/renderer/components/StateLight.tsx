import type { ServerState } from '../../shared/host-api/index.js';

const LABEL: Record<ServerState, string> = {
  GREEN: 'serving what you approved',
  AMBER: 'changes wait for your review',
  RED: 'quarantined: every call denied',
};

/** A server's traffic light, with its meaning in text for screen readers and tooltips. */
export function StateLight({ state }: { state: ServerState }) {
  return (
    <span className={`light light-${state.toLowerCase()}`} title={LABEL[state]} aria-label={`${state}: ${LABEL[state]}`} role="img">
      {state}
    </span>
  );
}
