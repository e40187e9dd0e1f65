import type { Hold, HostApiEvent, ReviewItem } from '../shared/host-api/index.js';
import { plainText } from './display-text.js';
import { realTimers, type Timers } from './timers.js';
import type { ActionRunner, TrayAction } from './tray-action.js';
import { worstFinding } from './worst-finding.js';

/** The part of Electron's Notification the notifier uses. */
export interface NotificationLike {
  show(): void;
  on(event: 'action', listener: (details: { actionIndex: number }) => void): unknown;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationOptions {
  title: string;
  body: string;
  actions: { type: 'button'; text: string }[];
}

export interface NotificationFactory {
  isSupported(): boolean;
  create(options: NotificationOptions): NotificationLike;
}

export interface HoldNotifierOptions {
  factory: NotificationFactory;
  platform: NodeJS.Platform;
  run: ActionRunner;
  /** The server's review items (HostApi `review`), for the worst finding and the hashes to approve by. */
  loadReview(server: string): Promise<ReviewItem[]>;
  /** Holds of one server arriving within this window become one notification. */
  windowMs?: number;
  timers?: Timers;
}

/** Notification buttons exist on macOS and Windows; elsewhere a click opens the Review view. */
const PLATFORMS_WITH_ACTIONS: readonly NodeJS.Platform[] = ['darwin', 'win32'];
/** Electron drops a notification's click handlers once it is garbage collected, so recent ones are kept. */
const KEEP_NOTIFICATIONS = 20;
const LISTED_KEYS = 5;

/**
 * Announces held calls: the holds of one server that open within a short window become one
 * notification naming the server, the items and the worst finding. A hold resolved before the
 * window closes is not announced. Allow once lets the group's waiting calls through (the items
 * stay unapproved); Approve and Quarantine apply to every item of the group.
 */
export class HoldNotifier {
  private readonly open = new Map<string, Hold>();
  private readonly groups = new Map<string, { holds: Hold[]; timer: unknown }>();
  private readonly shown: NotificationLike[] = [];
  private readonly windowMs: number;
  private readonly timers: Timers;

  constructor(private readonly options: HoldNotifierOptions) {
    this.windowMs = options.windowMs ?? 1_500;
    this.timers = options.timers ?? realTimers;
  }

  onEvent(event: HostApiEvent): void {
    if (event.type === 'hold.resolved') {
      this.open.delete(event.hold.id);
      return;
    }
    if (event.type !== 'hold.opened') return;
    const { hold } = event;
    this.open.set(hold.id, hold);
    const group = this.groups.get(hold.server);
    if (group !== undefined) {
      group.holds.push(hold);
      return;
    }
    const timer = this.timers.setTimeout(() => void this.announce(hold.server), this.windowMs);
    this.groups.set(hold.server, { holds: [hold], timer });
  }

  dispose(): void {
    for (const group of this.groups.values()) this.timers.clearTimeout(group.timer);
    this.groups.clear();
  }

  private async announce(server: string): Promise<void> {
    const group = this.groups.get(server);
    this.groups.delete(server);
    if (group === undefined || !this.options.factory.isSupported()) return;
    const stillOpen = (): Hold[] => group.holds.filter((h) => this.open.has(h.id));
    if (stillOpen().length === 0) return;
    let review: ReviewItem[];
    try {
      review = await this.options.loadReview(server);
    } catch {
      review = []; // the notification still says what is held; the window shows the rest
    }
    const holds = stillOpen(); // some may have been answered while the review loaded
    if (holds.length === 0) return;
    this.show(holdGroupNotice(server, holds, review, PLATFORMS_WITH_ACTIONS.includes(this.options.platform)));
  }

  /** Allow once reaches only the calls that still wait: one answered meanwhile (in the window, the terminal) is left alone. */
  private stillWaiting(action: TrayAction): TrayAction[] {
    if (action.kind !== 'allow-once') return [action];
    const holdIds = action.holdIds.filter((id) => this.open.has(id));
    return holdIds.length === 0 ? [] : [{ ...action, holdIds }];
  }

  private show(notice: HoldGroupNotice): void {
    const { run } = this.options;
    const notification = this.options.factory.create({ title: notice.title, body: notice.body, actions: notice.buttons.map((b) => ({ type: 'button', text: b.text })) });
    notification.on('action', ({ actionIndex }) => {
      const button = notice.buttons[actionIndex];
      if (button) void runInOrder(run, button.actions.flatMap((a) => this.stillWaiting(a)));
    });
    notification.on('click', () => void run(notice.click));
    this.shown.push(notification);
    if (this.shown.length > KEEP_NOTIFICATIONS) this.shown.shift();
    notification.show();
  }
}

export interface HoldGroupNotice {
  title: string;
  body: string;
  buttons: { text: string; actions: TrayAction[] }[];
  /** Clicking the notification itself: the Review view at the first item. */
  click: TrayAction;
}

/** The text and the actions of one group's notification. */
export function holdGroupNotice(server: string, holds: readonly Hold[], review: readonly ReviewItem[], withButtons: boolean): HoldGroupNotice {
  const items = uniqueItems(holds);
  const reviewed = items.map((i) => review.find((r) => r.server === server && r.kind === i.kind && r.key === i.key));
  const worst = worstFinding(reviewed.flatMap((r) => r?.findings ?? []));
  const noun = items.every((i) => i.kind === 'tool') ? ['tool', 'tools'] : ['item', 'items'];
  const keys = items.slice(0, LISTED_KEYS).map((i) => plainText(i.key, 40));
  const listed = items.length > LISTED_KEYS ? `${keys.join(', ')} and ${items.length - LISTED_KEYS} more` : keys.join(', ');
  const why = worst ? ` — worst: ${worst.severity}: ${plainText(worst.why ?? worst.message, 120).replace(/\.$/, '')}` : '';
  const name = plainText(server, 40);
  const title = `Airlock: ${name} needs review`;
  const body = `${name} changed ${items.length} ${noun[items.length === 1 ? 0 : 1]}: ${listed}${why}. ${heldCallsText(holds)}`;
  const first = items[0] ?? { kind: 'tool', key: '' };
  const click: TrayAction = { kind: 'open', view: 'review', item: { server, itemKind: first.kind, key: first.key } };
  if (!withButtons) return { title, body: `${body} Click to review.`, buttons: [], click };
  const buttons: HoldGroupNotice['buttons'] = [{ text: 'Allow once', actions: items.map((i) => ({ kind: 'allow-once', server, key: i.key, holdIds: holds.filter((h) => h.kind === i.kind && h.key === i.key).map((h) => h.id) })) }];
  // Approve only when every item has the hash it was shown by; a partial approval would leave calls held unexplained.
  const approvals = reviewed.flatMap((r) => (r?.hash ? [{ kind: 'approve' as const, server, itemKind: r.kind, key: r.key, hash: r.hash }] : []));
  if (approvals.length === items.length) buttons.push({ text: 'Approve', actions: approvals });
  buttons.push({ text: 'Quarantine', actions: items.map((i) => ({ kind: 'quarantine', server, itemKind: i.kind, key: i.key })) });
  return { title, body, buttons, click };
}

/** Who asks: the clients that sent the held calls, by the names they gave; names are the client's own words, so shown as plain text. */
function heldCallsText(holds: readonly Hold[]): string {
  const named = [...new Set(holds.flatMap((h) => (h.client === null ? [] : [plainText(h.client, 40)])))];
  if (named.length === 0) return 'Calls are held.';
  const unnamed = holds.some((h) => h.client === null) ? ' and an unnamed client' : '';
  const listed = named.length > LISTED_KEYS ? `${named.slice(0, LISTED_KEYS).join(', ')} and ${named.length - LISTED_KEYS} more` : named.join(', ');
  return `Calls from ${listed}${unnamed} are held.`;
}

function uniqueItems(holds: readonly Hold[]): { kind: Hold['kind']; key: string }[] {
  const seen = new Map<string, { kind: Hold['kind']; key: string }>();
  for (const h of holds) if (!seen.has(`${h.kind}\u0000${h.key}`)) seen.set(`${h.kind}\u0000${h.key}`, { kind: h.kind, key: h.key });
  return [...seen.values()];
}

async function runInOrder(run: ActionRunner, actions: readonly TrayAction[]): Promise<void> {
  for (const action of actions) await run(action);
}

/**
 * Says when a remote server's sign-in lapsed: its calls are held until the user signs in again.
 * One notification per lapse (a server already announced is not announced again until it is
 * signed in once more); Sign in on macOS and Windows, a click opens the Servers view elsewhere.
 */
export class SignInNotifier {
  private readonly announced = new Set<string>();
  private readonly shown: NotificationLike[] = [];

  constructor(private readonly options: { factory: NotificationFactory; platform: NodeJS.Platform; run: ActionRunner }) {}

  onEvent(event: HostApiEvent): void {
    if (event.type === 'auth.restored') {
      this.announced.delete(event.server);
      return;
    }
    if (event.type !== 'auth.required' || this.announced.has(event.server) || !this.options.factory.isSupported()) return;
    this.announced.add(event.server);
    const name = plainText(event.server, 40);
    const withButtons = PLATFORMS_WITH_ACTIONS.includes(this.options.platform);
    const notification = this.options.factory.create({
      title: `Airlock: sign in to ${name} again`,
      body: `${plainText(event.reason, 200)}${withButtons ? '' : ' Click to open Servers.'}`,
      actions: withButtons ? [{ type: 'button', text: 'Sign in' }] : [],
    });
    notification.on('action', () => void this.options.run({ kind: 'sign-in', server: event.server }));
    notification.on('click', () => void this.options.run({ kind: 'open', view: 'servers' }));
    this.shown.push(notification);
    if (this.shown.length > KEEP_NOTIFICATIONS) this.shown.shift();
    notification.show();
  }
}
