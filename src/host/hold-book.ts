import { randomBytes } from 'node:crypto';
import { verdict, type Verdict } from '../engine/gate/verdict.js';
import type { ItemStatus } from '../engine/gate/gate.js';
import type { ServerState } from '../engine/decision.js';
import type { HoldView } from './host-events.js';

interface OpenHold {
  view: HoldView;
  resolve: (v: Verdict) => void;
  timer: NodeJS.Timeout;
}

export const DEFAULT_HOLD_TIMEOUT_MS = 120_000;

/**
 * Calls waiting for the user's Y/n. Each resolves exactly once: ALLOW when its item is
 * approved or the user allows that one call, DENY when it is quarantined, removed, its server goes RED, its client leaves,
 * or time runs out (with a message that says how to review).
 */
export class HoldBook {
  private readonly holds = new Map<string, OpenHold>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onResolved: (view: HoldView, final: Verdict, answeredBy: string | null) => void,
  ) {}

  /** `cancelled`: the client gave up on the call (notifications/cancelled); its hold is denied then, as if the client left. */
  open(view: Omit<HoldView, 'id' | 'openedAt' | 'expiresAt'>, timeoutReason: () => string, cancelled?: AbortSignal): { view: HoldView; final: Promise<Verdict> } {
    const now = Date.now();
    const full: HoldView = { ...view, id: randomBytes(6).toString('hex'), openedAt: new Date(now).toISOString(), expiresAt: new Date(now + this.timeoutMs).toISOString() };
    const final = new Promise<Verdict>((resolve) => {
      const timer = setTimeout(() => this.settle(full.id, verdict('DENY', 'R3', `${full.kind}.hold-timeout`, timeoutReason())), this.timeoutMs);
      this.holds.set(full.id, { view: full, resolve, timer });
    });
    const what = `${full.kind} "${full.key}" on "${full.server}"`;
    const cancel = (): void => this.settle(full.id, verdict('DENY', 'R3', `${full.kind}.hold-cancelled`, `${what} was cancelled by its client while it was held; nothing was sent to the server`));
    if (cancelled?.aborted) cancel();
    else cancelled?.addEventListener('abort', cancel, { once: true });
    return { view: full, final };
  }

  list(server?: string): HoldView[] {
    return [...this.holds.values()].map((h) => h.view).filter((v) => server === undefined || v.server === server);
  }

  /** Re-decides the holds of a server after its state or an item's status changed. */
  reevaluate(server: string, state: ServerState, status: (kind: HoldView['kind'], key: string) => ItemStatus): void {
    for (const { view } of [...this.holds.values()].filter((h) => h.view.server === server)) {
      const what = `${view.kind} "${view.key}" on "${server}"`;
      if (state === 'RED') {
        this.settle(view.id, verdict('DENY', 'R2', 'server.quarantined', `${what} was denied: the server was quarantined while the call waited. Review it with: airlock review ${server}`));
        continue;
      }
      const now = status(view.kind, view.key);
      if (now === 'approved') this.settle(view.id, verdict('ALLOW', 'R3', `${view.kind}.approved`, `${what} was approved; the call went on`));
      else if (now !== 'held') this.settle(view.id, verdict('DENY', 'R3', `${view.kind}.${now}`, `${what} was denied: it is ${now === 'quarantined' ? 'quarantined' : now === 'removed' ? 'no longer offered by the server' : 'not part of the approved surface'}. Review it with: airlock review ${server}`));
    }
  }

  /**
   * Lets one held call through, once, on the user's answer. The item stays unapproved, so the
   * next call to it is held again. Returns the hold, or null when it is no longer open.
   */
  allowOnce(id: string, by: string): HoldView | null {
    const hold = this.holds.get(id);
    if (!hold) return null;
    const { view } = hold;
    const what = `${view.kind} "${view.key}" on "${view.server}"`;
    this.settle(id, verdict('ALLOW', 'R3', 'hold.allowed-once', `${what} was allowed once by ${by}; it stays unapproved and its next call is held again`), by);
    return view;
  }

  /** Denies every hold of a session (its client left: `hold-cancelled`) or of all sessions (the Host stops: `hold-host-stopped`). */
  denyWhere(match: (view: HoldView) => boolean, reason: string, why: 'hold-cancelled' | 'hold-host-stopped' = 'hold-cancelled'): void {
    for (const { view } of [...this.holds.values()].filter((h) => match(h.view))) {
      this.settle(view.id, verdict('DENY', 'R3', `${view.kind}.${why}`, reason));
    }
  }

  private settle(id: string, final: Verdict, answeredBy: string | null = null): void {
    const hold = this.holds.get(id);
    if (!hold) return;
    this.holds.delete(id);
    clearTimeout(hold.timer);
    hold.resolve(final);
    this.onResolved(hold.view, final, answeredBy);
  }
}
