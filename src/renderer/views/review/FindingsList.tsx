import { SeverityBadge } from '../../components/SeverityBadge.js';
import { findingsWorstFirst, type Finding } from '../../../shared/host-api/index.js';
import { VisibleText } from '../../components/VisibleText.js';

/** What the drift engine found, worst first, each with where in the definition it is. */
export function FindingsList({ findings }: { findings: readonly Finding[] }) {
  if (findings.length === 0) return <p className="muted">No finding: the change matched no rule, so review the definitions below.</p>;
  return (
    <ul className="review-findings" aria-label="Findings">
      {findingsWorstFirst(findings).map((f, i) => (
        <li key={`${f.code}-${f.path}-${i}`}>
          <SeverityBadge severity={f.severity} /> <VisibleText text={f.message} />{' '}
          <code className="muted" title={`finding ${f.code}`}>
            {f.path === '' ? '(whole item)' : f.path}
          </code>
          {f.why ? <div className="finding-why">{f.why}</div> : null}
        </li>
      ))}
    </ul>
  );
}
