import { itemLabel, type ReviewItem } from '../../../shared/host-api/index.js';
import { StateLight } from '../../components/StateLight.js';
import { DefinitionDiff } from './DefinitionDiff.js';
import { AnswerEvidence } from './AnswerEvidence.js';
import { VisibleText } from '../../components/VisibleText.js';

const STATUS_TEXT: Record<ReviewItem['status'], string> = {
  changed: 'changed since you approved it',
  added: 'new: not in what you approved',
  removed: 'removed: the server no longer lists it',
};

/** What each answer does to this item, in one line. */
function answerText(item: ReviewItem): string {
  const calls = item.pendingCalls.length;
  const once = calls === 0 ? '' : ` Allow once (o) lets the ${calls === 1 ? 'waiting call' : `${calls} waiting calls`} through and nothing more: the next call is held again.`;
  return answerTextWithoutOnce(item) + once;
}

function answerTextWithoutOnce(item: ReviewItem): string {
  const quarantine = 'Quarantine (n) denies every call to it until you approve it.';
  if (item.status === 'removed') {
    return item.surfaceHash === null
      ? `What "${item.server}" offers now is not known yet, so the removal cannot be approved yet. ${quarantine}`
      : `Approving a removal approves everything "${item.server}" offers now: this removal and every other current item (y). ${quarantine}`;
  }
  return `Approve (y) serves the live definition from now on. ${quarantine}`;
}

export interface DetailProps {
  item: ReviewItem;
  busy: boolean;
  error: string | null;
  onApprove: () => void;
  onQuarantine: () => void;
  onAllowOnce: () => void;
  /** The answers wait: focus just moved here after an answer, and the user has not looked yet. */
  settling?: boolean;
}

/** One item in full: who, what changed, how dangerous, who waits on it, and the two answers. */
export function ReviewDetail({ item, busy, error, onApprove, onQuarantine, onAllowOnce, settling = false }: DetailProps) {
  const canApprove = item.hash !== null || item.surfaceHash !== null;
  // A dangerous change must not put Approve under a hurried click: it loses its primary colour then.
  const risky = item.findings.some((f) => f.severity === 'high' || f.severity === 'critical');
  const waiting = busy || settling;
  return (
    <article className="review-detail" aria-label="Focused item">
      <header className="review-detail-header">
        <h3>
          {item.server} <StateLight state={item.state} />{' '}
          {item.key === item.kind ? itemLabel(item.kind, item.key) : (
            <>
              <span className="muted">{item.kind}</span> <VisibleText text={item.key} />
            </>
          )}
        </h3>
        <p>
          <span className={`review-status review-status-${item.status}`}>{STATUS_TEXT[item.status]}</span>
          {item.quarantined && <span className="review-quarantined">quarantined: its calls are denied</span>}
        </p>
      </header>
      <div className="toolbar">
        <button type="button" onClick={onAllowOnce} disabled={waiting || item.pendingCalls.length === 0} aria-keyshortcuts="o" aria-label="Allow once" title="Let the waiting call through this once; the item stays unapproved">
          Allow once <kbd>o</kbd>
        </button>
        <button type="button" className={risky ? undefined : 'primary'} onClick={onApprove} disabled={waiting || !canApprove} aria-keyshortcuts="y" aria-label="Approve">
          Approve <kbd>y</kbd>
        </button>
        <button type="button" className="danger" onClick={onQuarantine} disabled={waiting} aria-keyshortcuts="n" aria-label="Quarantine">
          Quarantine <kbd>n</kbd>
        </button>
        {busy && (
          <span className="muted" role="status">
            sending your answer…
          </span>
        )}
      </div>
      <p className="muted review-answer-hint">{answerText(item)}</p>
      <AnswerEvidence error={error} findings={item.findings} pendingCalls={item.pendingCalls} />
      <h4>Approved and live definition</h4>
      <DefinitionDiff item={item} />
    </article>
  );
}
