import type { CallRow, HostApiEvent } from '../../../shared/host-api/index.js';
import { DecisionBadge } from '../../components/DecisionBadge.js';
import { holdAnswerText } from '../../components/hold-answer-text.js';
import { LocalTime } from '../../components/LocalTime.js';
import { VisibleText } from '../../components/VisibleText.js';
import { useHostQuery } from '../../host-api-context.js';

/** The section lists this many answers; the Live view has every recent call. */
export const MAX_HISTORY_ROWS = 50;

/** Held calls that have their answer, newest first (recentCalls is newest first already). */
export function answeredHolds(rows: readonly CallRow[]): CallRow[] {
  return rows.filter((r) => r.decision === 'HOLD' && r.finalDecision !== null);
}

/** A hold's answer reaches the call's row at once (hold.resolved), its end with call.finished. */
function changesHistory(event: HostApiEvent): boolean {
  return event.type === 'hold.resolved' || (event.type === 'call.finished' && event.call.decision === 'HOLD');
}

/**
 * Held calls already answered, each with who or what answered: a call that timed out stays
 * listed here after it leaves the inbox. From the Host's recent calls, which it reads back from
 * the audit log when it starts, so the history survives a restart.
 */
export function HoldHistorySection() {
  const query = useHostQuery((a) => a.recentCalls({}), changesHistory);
  if (query.status !== 'ready') return null;
  const answered = answeredHolds(query.data);
  if (answered.length === 0) return null;
  const shown = answered.slice(0, MAX_HISTORY_ROWS);
  return (
    <section className="hold-history-section" aria-label="History">
      <h2>History ({answered.length})</h2>
      <p className="muted">Held calls that were answered, newest first{answered.length > shown.length ? `; the newest ${shown.length} are shown, the Live view lists the rest` : ''}.</p>
      <ul className="hold-history-list">
        {shown.map((call) => (
          <li key={call.id} aria-label={`${call.key} on ${call.server}`}>
            <LocalTime iso={call.startedAt} /> {call.server} / <VisibleText text={call.key} /> <span className="muted">from {call.client ?? 'an unnamed client'}</span>: <DecisionBadge decision={call.finalDecision ?? 'DENY'} />{' '}
            <span className="hold-answer" title={call.finalReason ?? undefined}>
              {holdAnswerText(call) ?? (call.finalDecision === 'ALLOW' ? 'allowed' : 'denied')}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
