import { decisionLabel } from './decision-label.js';

/** ALLOW / HOLD / DENY / DROPPED (the gate's SILENCE, named in the tooltip) as a coloured word. */
export function DecisionBadge({ decision }: { decision: string }) {
  const label = decisionLabel(decision);
  return (
    <span className={`decision decision-${decision.toLowerCase()}`} title={label === decision ? undefined : `${decision}: the message was dropped without an answer`}>
      {label}
    </span>
  );
}
