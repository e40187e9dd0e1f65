import { SeveritySchema, type Finding } from '../shared/host-api/index.js';

const rank = (finding: Finding): number => SeveritySchema.options.indexOf(finding.severity);

/** The most severe finding (the first of equals), or undefined when there is none. */
export function worstFinding(findings: Iterable<Finding>): Finding | undefined {
  let worst: Finding | undefined;
  for (const f of findings) if (worst === undefined || rank(f) > rank(worst)) worst = f;
  return worst;
}
