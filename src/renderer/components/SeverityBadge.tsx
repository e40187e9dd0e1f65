/** A finding's severity as a coloured word (the word carries the meaning, the colour only helps). */
export function SeverityBadge({ severity }: { severity: string }) {
  return <span className={`severity severity-${severity}`}>{severity}</span>;
}
