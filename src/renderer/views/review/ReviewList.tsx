import { SeverityBadge } from '../../components/SeverityBadge.js';
import { worstSeverity } from './review-order.js';
import { VisibleText } from '../../components/VisibleText.js';
import { itemId, itemLabel, membersText, type ReviewEntry, type ReviewItem } from '../../../shared/host-api/index.js';

const STATUS: Record<ReviewItem['status'], string> = { changed: 'changed', added: 'new', removed: 'removed' };

export function optionId(index: number): string {
  return `review-item-${index}`;
}

/** The items waiting for an answer, worst first; one is focused and shown in detail. */
export function ReviewList({ items, focused, onFocus }: { items: readonly ReviewEntry[]; focused: number; onFocus: (index: number) => void }) {
  return (
    <ul className="review-list" role="listbox" aria-label="Items waiting for review" tabIndex={0} aria-activedescendant={optionId(focused)}>
      {items.map((item, i) => {
        const worst = worstSeverity(item);
        const calls = item.pendingCalls.length;
        return (
          <li key={itemId(item)} id={optionId(i)} role="option" aria-selected={i === focused} className={i === focused ? 'review-option selected' : 'review-option'} onClick={() => onFocus(i)}>
            <div className="review-option-name">
              {item.members !== undefined ? (
                <>
                  {item.server} / <strong>new server</strong>: {membersText(item.members)}
                </>
              ) : (
                <>
                  {item.server} / {item.key === item.kind ? <strong>{itemLabel(item.kind, item.key)}</strong> : <>{item.kind} <strong><VisibleText text={item.key} /></strong></>}
                </>
              )}
            </div>
            <div className="review-option-facts">
              <span className={`review-status review-status-${item.status}`}>{STATUS[item.status]}</span>
              {worst === null ? <span className="muted">no finding</span> : <SeverityBadge severity={worst} />}
              {item.quarantined && <span className="review-quarantined">quarantined</span>}
              {calls > 0 && (
                <span className="review-waiting">
                  {calls} call{calls === 1 ? '' : 's'} waiting
                </span>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
