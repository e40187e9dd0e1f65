import { useEffect, useMemo, useRef, useState } from 'react';
import { entryIndexOf, groupFirstSeen, isUndecided, itemId, itemLabel, type HostApiEvent, type ReviewEntry, type ReviewItem } from '../../../shared/host-api/index.js';
import { EmptyState, ErrorState, Loading } from '../../components/states.js';
import { useHostApi, useHostQuery } from '../../host-api-context.js';
import { itemIdFromHash, reviewOrder } from './review-order.js';
import { ReviewDetail } from './ReviewDetail.js';
import { FirstSeenDetail } from './FirstSeenDetail.js';
import { changesReview } from './review-events.js';
import { optionId, ReviewList } from './ReviewList.js';
import { QuarantinedSection } from './QuarantinedSection.js';
import { HoldHistorySection } from './HoldHistorySection.js';
import { SignInNeededSection } from './SignInNeededSection.js';
import { isTextEntry, reviewKeyAction } from './review-keys.js';

const reloadOn = (e: HostApiEvent) => changesReview(e);

/** After an answer moves focus to the next item, its answers wait this long (or until the user moves focus), so a double press never answers an item unseen. */
export const ANSWER_GUARD_MS = 800;

function itemName(item: ReviewEntry): string {
  if (item.members !== undefined) return `new server "${item.server}"`;
  return `${itemLabel(item.kind, item.key)} on "${item.server}"`;
}

/**
 * Every item waiting for the user's answer. Keys: ↑/↓ (or k/j) move, o allows the waiting calls
 * once, y approves, n quarantines, exactly as the buttons do. An answer is bound to the item as it is shown: its hash goes out
 * as rendered, never refetched, so a server that changes again meanwhile makes the Host refuse.
 */
export function ReviewView({ answerGuardMs = ANSWER_GUARD_MS }: { answerGuardMs?: number } = {}) {
  const api = useHostApi();
  const query = useHostQuery((a) => a.review({}), reloadOn);
  const data = query.status === 'ready' ? query.data : null;
  // An inbox of undecided items: what was answered no is listed apart, with its way back.
  // A first-seen server is one entry with all its items (shared/host-api/review-entries.ts).
  const items = useMemo(() => (data === null ? [] : (reviewOrder(groupFirstSeen(data.filter(isUndecided))) as ReviewEntry[])), [data]);
  const quarantinedQuery = useHostQuery((a) => a.quarantined({}), reloadOn);
  const quarantined = quarantinedQuery.status === 'ready' ? quarantinedQuery.data : [];
  // Focus follows the item, not the row, across reloads; the index is the fallback when it is gone.
  const [focus, setFocus] = useState<{ id: string | null; index: number }>(() => ({ id: itemIdFromHash(window.location.hash), index: 0 }));
  // The tray and notifications open the window on one item: #/review?server=…&kind=…&key=…
  useEffect(() => {
    const onHash = () => {
      const id = itemIdFromHash(window.location.hash);
      if (id !== null) setFocus({ id, index: 0 });
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ id: string; message: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const busyRef = useRef(false);
  // True from an answer that moved focus to another item until the user moves focus or the guard ends.
  const [settling, setSettling] = useState(false);
  const settlingRef = useRef(false);
  const guardTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const settle = (on: boolean) => {
    if (guardTimer.current !== null) clearTimeout(guardTimer.current);
    guardTimer.current = on ? setTimeout(() => settle(false), answerGuardMs) : null;
    settlingRef.current = on;
    setSettling(on);
  };
  useEffect(() => () => {
    if (guardTimer.current !== null) clearTimeout(guardTimer.current);
  }, []);

  const byId = focus.id === null ? -1 : entryIndexOf(items, focus.id);
  const focused = items.length === 0 ? -1 : byId >= 0 ? byId : Math.min(focus.index, items.length - 1);
  const item = focused >= 0 ? items[focused] : undefined;

  const focusAt = (index: number) => {
    const target = items[index];
    if (target === undefined) return;
    setFocus({ id: itemId(target), index });
    setError(null);
    // Moving focus is looking: the focused item's answers are taken again.
    settle(false);
  };

  const answer = async (how: 'approve' | 'quarantine' | 'once') => {
    if (item === undefined || busyRef.current) return;
    if (settlingRef.current) {
      setNotice(`Not answered: ${itemName(item)} was just shown. Read it, then answer, or move with ↑/↓.`);
      return;
    }
    if (how === 'once') return allowOnce(item);
    if (how === 'approve' && item.hash === null && item.surfaceHash === null) return;
    const nextIndex = focused + 1 < items.length ? focused + 1 : focused - 1;
    const next = items[nextIndex];
    busyRef.current = true;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (how === 'approve') {
        // A removal has no item to approve: the server's live surface, as shown, is approved whole.
        const result = await api.approve(item.hash !== null ? { server: item.server, kind: item.kind, key: item.key, hash: item.hash } : { server: item.server, hash: item.surfaceHash ?? '' });
        setNotice(`Approved ${item.hash !== null ? itemName(item) : `what "${item.server}" offers now`}; "${item.server}" is ${result.state}.`);
      } else {
        // A first-seen server is answered whole: no to it quarantines the server.
        const reason = 'answered n in the Airlock window';
        const result = await api.quarantine(item.members !== undefined ? { server: item.server, reason } : { server: item.server, kind: item.kind, key: item.key, reason });
        setNotice(`Quarantined ${itemName(item)}: its calls are denied; "${item.server}" is ${result.state}.`);
      }
      setFocus(next === undefined ? { id: null, index: focused } : { id: itemId(next), index: nextIndex });
      if (next !== undefined) settle(true);
    } catch (e) {
      setError({ id: itemId(item), message: e instanceof Error ? e.message : String(e) });
    } finally {
      busyRef.current = false;
      setBusy(false);
      query.reload();
      quarantinedQuery.reload();
    }
  };

  /** Approves one item of a first-seen server by its own hash; the rest stays for review. */
  const approveMember = async (member: ReviewItem) => {
    if (member.hash === null || busyRef.current || settlingRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const result = await api.approve({ server: member.server, kind: member.kind, key: member.key, hash: member.hash });
      setNotice(`Approved ${member.kind} "${member.key}" on "${member.server}"; "${member.server}" is ${result.state}.`);
    } catch (e) {
      setError({ id: itemId(item ?? member), message: e instanceof Error ? e.message : String(e) });
    } finally {
      busyRef.current = false;
      setBusy(false);
      query.reload();
    }
  };

  /** Lets the calls shown as waiting through, by their hold ids; the item stays held, and focused. */
  const allowOnce = async (shown: ReviewItem) => {
    if (shown.pendingCalls.length === 0) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const clients = new Set<string>();
      for (const call of shown.pendingCalls) {
        const { allowed } = await api.allowOnce({ holdId: call.id });
        clients.add(allowed.client ?? 'a client that gave no name');
      }
      setNotice(`Allowed once: the call from ${[...clients].join(', ')} to ${itemName(shown)} went on. It stays unapproved: its next call is held again.`);
    } catch (e) {
      setError({ id: itemId(shown), message: e instanceof Error ? e.message : String(e) });
    } finally {
      busyRef.current = false;
      setBusy(false);
      query.reload();
    }
  };

  // The window-wide keys read the latest render through a ref, so the listener is added once.
  const latest = useRef({ focused, count: items.length, focusAt, answer });
  latest.current = { focused, count: items.length, focusAt, answer };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTextEntry(event.target)) return;
      const action = reviewKeyAction(event.key);
      if (action === null) return;
      const { focused: at, count, focusAt: moveTo, answer: send } = latest.current;
      if (count === 0) return;
      event.preventDefault();
      if (action === 'up') moveTo(Math.max(0, at - 1));
      else if (action === 'down') moveTo(Math.min(count - 1, at + 1));
      else if (!event.repeat) void send(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useEffect(() => {
    if (focused >= 0) document.getElementById(optionId(focused))?.scrollIntoView?.({ block: 'nearest' });
  }, [focused]);

  if (query.status === 'loading') return <Loading what="the items waiting for review" />;
  if (query.status === 'error') return <ErrorState error={query.error} retry={query.reload} />;
  return (
    <section className="review-view" aria-label="Review">
      <div className="toolbar">
        <h2 className="review-title">{items.length === 0 ? 'Review' : `${items.length} item${items.length === 1 ? '' : 's'} wait${items.length === 1 ? 's' : ''} for your answer`}</h2>
        {items.length > 0 && (
          <span className="muted">
            Keys: <kbd>↑</kbd>/<kbd>↓</kbd> or <kbd>k</kbd>/<kbd>j</kbd> move, <kbd>o</kbd> allows a waiting call once, <kbd>y</kbd> approves, <kbd>n</kbd> quarantines.
          </span>
        )}
      </div>
      {notice !== null && (
        <p className="review-notice" role="status">
          {notice}
        </p>
      )}
      <SignInNeededSection onNotice={setNotice} />
      {item === undefined ? (
        <EmptyState title={quarantined.length > 0 ? 'Nothing waits for your answer.' : 'Nothing waits for review: every server serves what you approved.'} />
      ) : (
        <div className="split">
          <ReviewList items={items} focused={focused} onFocus={focusAt} />
          <div className="panel">
            {item.members !== undefined ? (
              <FirstSeenDetail
                group={{ ...item, members: item.members }}
                busy={busy}
                settling={settling}
                error={error !== null && error.id === itemId(item) ? error.message : null}
                onApproveAll={() => void answer('approve')}
                onQuarantineServer={() => void answer('quarantine')}
                onAllowOnce={() => void answer('once')}
                onApproveMember={(m) => void approveMember(m)}
              />
            ) : (
              <ReviewDetail item={item} busy={busy} error={error !== null && error.id === itemId(item) ? error.message : null} onApprove={() => void answer('approve')} onQuarantine={() => void answer('quarantine')} onAllowOnce={() => void answer('once')} settling={settling} />
            )}
          </div>
        </div>
      )}
      <QuarantinedSection
        entries={quarantined}
        onReleased={(message) => {
          setNotice(message);
          query.reload();
          quarantinedQuery.reload();
        }}
      />
      <HoldHistorySection />
    </section>
  );
}
