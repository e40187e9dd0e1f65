import type { ItemRef, ServerState } from '../../../shared/host-api/index.js';
import { SeverityBadge } from '../../components/SeverityBadge.js';
import { ShortHash } from '../../components/ShortHash.js';
import { VisibleText } from '../../components/VisibleText.js';
import { DefinitionDiff } from '../review/DefinitionDiff.js';
import { FindingsList } from '../review/FindingsList.js';
import { worstSeverity } from '../review/review-order.js';
import type { ApprovalRow, ApprovalSummary } from './approval-summary.js';

const CHANGE_TEXT: Record<ApprovalRow['change'], string> = {
  changed: 'changed',
  added: 'new',
  removed: 'removed',
  unchanged: 'unchanged',
};

const KIND_TEXT: Record<ApprovalRow['kind'], string> = {
  'server-info': 'server info',
  instructions: 'instructions',
  tool: 'tool',
  prompt: 'prompt',
  resource: 'resource',
  'resource-template': 'resource template',
  provenance: 'program',
};

/** Up to this many items, their diffs start open; more start folded so the summary stays readable. */
const OPEN_DIFFS = 4;

/** How an item is named: the kind, and the key where it adds something (instructions and server info have one of each). */
function ItemName({ kind, keyText }: { kind: ApprovalRow['kind']; keyText: string }) {
  if (kind === 'instructions' || kind === 'server-info') return <>{KIND_TEXT[kind]}</>;
  return (
    <>
      <span className="muted">{KIND_TEXT[kind]}</span> <VisibleText text={keyText} />
    </>
  );
}

const DIFF_TEXT: Record<ApprovalRow['change'], string> = {
  changed: 'changed: approved and live definition',
  added: 'new: its definition',
  removed: 'removed: its approved definition',
  unchanged: 'unchanged',
};

export const rowId = (r: ItemRef): string => `${r.kind}\u0000${r.key}`;

export interface ApprovalSummaryProps {
  server: string;
  state: ServerState;
  nextGeneration: number;
  surfaceHash: string;
  summary: ApprovalSummary;
  released: ReadonlySet<string>;
  onRelease: (row: ApprovalRow, release: boolean) => void;
}

/** What approving the whole server does, item by item, before the user confirms it. */
export function ApprovalSummaryView({ server, state, nextGeneration, surfaceHash, summary, released, onRelease }: ApprovalSummaryProps) {
  const { rows, worst, counts } = summary;
  const changes = counts.changed + counts.added + counts.removed;
  const withDiffs = rows.filter((row) => row.item !== null);
  return (
    <>
      <h3 id="approval-summary-title">
        Approve what "{server}" offers now as approved version {nextGeneration}?
      </h3>
      <p>
        <span className="muted" title="the live surface hash">fingerprint</span> <ShortHash hash={surfaceHash} />{' '}
        <span className="muted">
          · {counts.changed} changed · {counts.added} new · {counts.removed} removed · {counts.quarantined} quarantined by you
        </span>
      </p>
      {state === 'RED' && <p className="approval-warning">The server is quarantined (RED): approving ends that, and its calls are judged against this newly approved version.</p>}
      <p className="approval-worst">
        Worst finding:{' '}
        {worst === null ? (
          <span className="muted">none{changes > 0 ? ': the changes matched no rule, so read the definitions below' : ''}</span>
        ) : (
          <>
            <SeverityBadge severity={worst.finding.severity} /> <VisibleText text={worst.finding.message} />{' '}
            <span className="muted">
              (
              {worst.finding.itemKind === null ? 'the whole server' : <ItemName kind={worst.finding.itemKind} keyText={worst.finding.itemKey ?? worst.row.key} />})
            </span>
          </>
        )}
      </p>
      {rows.length === 0 ? (
        <p className="muted">No item changes: the approval only records what the server offers now as approved.</p>
      ) : (
        <table className="approval-items" aria-label="Items this approval changes">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Change</th>
              <th scope="col">Worst finding</th>
              <th scope="col">Quarantine</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const severity = row.item ? worstSeverity(row.item) : null;
              return (
                <tr key={rowId(row)}>
                  <td>
                    <ItemName kind={row.kind} keyText={row.key} />
                  </td>
                  <td>
                    <span className={`review-status review-status-${row.change}`}>{CHANGE_TEXT[row.change]}</span>
                  </td>
                  <td>{severity === null ? <span className="muted">none</span> : <SeverityBadge severity={severity} />}</td>
                  <td>
                    {row.quarantine === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <label className="approval-release">
                        <input type="checkbox" checked={released.has(rowId(row))} onChange={(e) => onRelease(row, e.target.checked)} />
                        release from quarantine
                        <span className="muted"> (quarantined: {row.quarantine.reason})</span>
                      </label>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {counts.quarantined > 0 && <p className="muted">An item you quarantined stays quarantined in the newly approved version (not served, its calls denied) unless you tick it.</p>}
      {withDiffs.map((row) => (
          <details key={rowId(row)} className="approval-diff" open={withDiffs.length <= OPEN_DIFFS}>
            <summary>
              <ItemName kind={row.kind} keyText={row.key} />, {DIFF_TEXT[row.change]}
            </summary>
            <FindingsList findings={row.item!.findings} />
            <DefinitionDiff item={row.item!} />
          </details>
        ))}
    </>
  );
}
