import { z } from 'zod';

/** Severities rank and explain a finding; they never decide on their own (policy does). */
export const SEVERITIES = Object.freeze(['info', 'low', 'medium', 'high', 'critical'] as const);
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/** The overall severity of a report: "none" when there is no finding at all. */
export type OverallSeverity = Severity | 'none';

export function severityRank(severity: OverallSeverity): number {
  return severity === 'none' ? -1 : SEVERITIES.indexOf(severity);
}

export function worstSeverity(severities: Iterable<Severity>): OverallSeverity {
  let worst: OverallSeverity = 'none';
  for (const s of severities) if (severityRank(s) > severityRank(worst)) worst = s;
  return worst;
}
