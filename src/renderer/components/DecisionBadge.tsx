/** ALLOW / HOLD / DENY / SILENCE as a coloured word. */
export function DecisionBadge({ decision }: { decision: string }) {
  return <span className={`decision decision-${decision.toLowerCase()}`}>{decision}</span>;
}
