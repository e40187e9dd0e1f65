import { SeverityBadge } from '../../components/SeverityBadge.js';
import { StateLight } from '../../components/StateLight.js';
import { VisibleText } from '../../components/VisibleText.js';
import { AnswerEvidence } from './AnswerEvidence.js';
import { liveDescription, membersText, type ReviewEntry, type ReviewItem } from '../../../shared/host-api/index.js';
import { worstSeverity } from './review-order.js';

export interface FirstSeenProps {
  group: ReviewEntry & { members: ReviewItem[] };
  busy: boolean;
  settling: boolean;
  error: string | null;
  onApproveAll: () => void;
  onQuarantineServer: () => void;
  onAllowOnce: () => void;
  onApproveMember: (member: ReviewItem) => void;
}

/** A server never approved: all it offers, as one decision, or approved item by item. */
export function FirstSeenDetail({ group, busy, settling, error, onApproveAll, onQuarantineServer, onAllowOnce, onApproveMember }: FirstSeenProps) {
  const waiting = busy || settling;
  return (
    <article className="review-detail" aria-label="Focused item">
      <header className="review-detail-header">
        <h3>
          {group.server} <StateLight state={group.state} /> <span className="muted">new server</span>
        </h3>
        <p>
          <span className="review-status review-status-added">first seen: nothing of it is approved yet</span> {membersText(group.members)}
        </p>
      </header>
      <div className="toolbar">
        <button type="button" onClick={onAllowOnce} disabled={waiting || group.pendingCalls.length === 0} aria-keyshortcuts="o" aria-label="Allow once">
          Allow once <kbd>o</kbd>
        </button>
        <button type="button" onClick={onApproveAll} disabled={waiting || group.surfaceHash === null} aria-keyshortcuts="y" aria-label="Approve all">
          Approve all <kbd>y</kbd>
        </button>
        <button type="button" className="danger" onClick={onQuarantineServer} disabled={waiting} aria-keyshortcuts="n" aria-label="Quarantine server">
          Quarantine server <kbd>n</kbd>
        </button>
        {busy && (
          <span className="muted" role="status">
            sending your answer…
          </span>
        )}
      </div>
      <p className="muted review-answer-hint">
        {group.surfaceHash === null ? (
          'What this server offers is not known yet, so it cannot be approved whole.'
        ) : (
          <>
            Approve all (y) approves exactly what is listed below, by its surface hash <code>{group.surfaceHash}</code>. Quarantine server (n) denies every call to it.
          </>
        )}
      </p>
      <AnswerEvidence error={error} findings={group.findings} pendingCalls={group.pendingCalls} />
      <h4>What it offers</h4>
      <ul className="review-members" aria-label="What it offers">
        {group.members.map((m) => {
          // The server-wide "first seen" finding rides on every item and is shown once above: rate each by its own.
          const worst = worstSeverity({ ...m, findings: m.findings.filter((f) => f.itemKind !== null) });
          const text = liveDescription(m.live);
          return (
            <li key={`${m.kind}\u0000${m.key}`}>
              <span className="muted">{m.kind.replace('-', ' ')}</span> <strong><VisibleText text={m.key} /></strong> {worst === null ? <span className="muted">no finding of its own</span> : <SeverityBadge severity={worst} />}{' '}
              {m.hash !== null && (
                <button type="button" onClick={() => onApproveMember(m)} disabled={waiting} aria-label={`Approve ${m.kind} ${m.key}`}>
                  Approve this one
                </button>
              )}
              {text !== null && (
                <div className="muted">
                  <VisibleText text={text} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </article>
  );
}
