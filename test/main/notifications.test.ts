import { describe, expect, it } from 'vitest';
import { HoldNotifier, SignInNotifier, type NotificationFactory, type NotificationOptions } from '../../src/main/notifications.js';
import type { TrayAction } from '../../src/main/tray-action.js';
import type { Hold, HostApiEvent, ReviewItem } from '../../src/shared/host-api/index.js';
import { fakeTimers, settle } from './fake-timers.js';
import { digest, finding, hold, reviewItem } from './host-api-fixtures.js';

/** Notifications as the OS would get them; the test clicks them. */
function fakeNotifications(supported = true) {
  const shown: { options: NotificationOptions; action(index: number): void; click(): void }[] = [];
  const factory: NotificationFactory = {
    isSupported: () => supported,
    create(options) {
      const listeners: { action?: (d: { actionIndex: number }) => void; click?: () => void } = {};
      const record = { options, action: (i: number) => listeners.action?.({ actionIndex: i }), click: () => listeners.click?.() };
      return {
        show: () => void shown.push(record),
        on: (event: 'action' | 'click', listener: never) => void (listeners[event] = listener),
      };
    },
  };
  return { factory, shown };
}

const FS_REVIEW: ReviewItem[] = [
  reviewItem({ server: 'filesystem', key: 'read_file', hash: digest(1), findings: [finding('high', 'description changed.')] }),
  reviewItem({ server: 'filesystem', key: 'write_file', hash: digest(2), findings: [finding('medium', 'parameter added')] }),
  reviewItem({ server: 'filesystem', key: 'list', hash: digest(3), findings: [finding('low', 'title changed')] }),
];

function setup(platform: NodeJS.Platform, review: ReviewItem[] = FS_REVIEW, supported = true) {
  const clock = fakeTimers();
  const os = fakeNotifications(supported);
  const ran: TrayAction[] = [];
  const notifier = new HoldNotifier({ factory: os.factory, platform, run: async (a) => void ran.push(a), loadReview: async (s) => review.filter((r) => r.server === s), windowMs: 1_500, timers: clock.timers });
  const opened = (h: Hold): void => notifier.onEvent({ type: 'hold.opened', hold: h });
  const resolved = (h: Hold): void => notifier.onEvent({ type: 'hold.resolved', hold: h, decision: 'DENY', reason: 'timeout' } satisfies HostApiEvent);
  const closeWindow = async (): Promise<void> => {
    clock.advance(1_500);
    await settle();
  };
  return { notifier, shown: os.shown, ran, clock, opened, resolved, closeWindow };
}

describe('HoldNotifier', () => {
  it('makes one notification of a server\'s holds that arrive within the window, naming the tools and the worst finding', async () => {
    const t = setup('darwin');
    t.opened(hold('filesystem', 'read_file'));
    t.clock.advance(500);
    t.opened(hold('filesystem', 'write_file'));
    t.opened(hold('filesystem', 'read_file'));
    t.clock.advance(900);
    t.opened(hold('filesystem', 'list'));
    await t.closeWindow();
    expect(t.shown.map((n) => n.options)).toEqual([
      {
        title: 'Airlock: filesystem needs review',
        body: 'filesystem changed 3 tools: read_file, write_file, list — worst: high: description changed. Calls are held.',
        actions: [
          { type: 'button', text: 'Allow once' },
          { type: 'button', text: 'Approve' },
          { type: 'button', text: 'Quarantine' },
        ],
      },
    ]);
  });

  it('names the clients whose calls are held, by the names they gave', async () => {
    const t = setup('darwin');
    t.opened(hold('filesystem', 'read_file', 'tool', 'Claude Desktop'));
    t.opened(hold('filesystem', 'read_file', 'tool', 'Cursor'));
    t.opened(hold('filesystem', 'list', 'tool', 'Claude Desktop'));
    t.opened(hold('filesystem', 'list'));
    await t.closeWindow();
    expect(t.shown[0]?.options.body).toMatch(/\. Calls from Claude Desktop, Cursor and an unnamed client are held\.$/);
  });

  it('shows nothing before the window closes, and makes separate notifications per server', async () => {
    const t = setup('darwin', [...FS_REVIEW, reviewItem({ server: 'memory', key: 'store' })]);
    t.opened(hold('filesystem', 'read_file'));
    t.opened(hold('memory', 'store'));
    t.clock.advance(1_499);
    await settle();
    expect(t.shown).toEqual([]);
    await t.closeWindow();
    expect(t.shown.map((n) => n.options.body)).toEqual([
      'filesystem changed 1 tool: read_file — worst: high: description changed. Calls are held.',
      'memory changed 1 tool: store. Calls are held.',
    ]);
  });

  it('starts a new notification for holds after the window closed', async () => {
    const t = setup('darwin');
    t.opened(hold('filesystem', 'read_file'));
    await t.closeWindow();
    t.opened(hold('filesystem', 'list'));
    await t.closeWindow();
    expect(t.shown.map((n) => n.options.body.split(' — ')[0])).toEqual(['filesystem changed 1 tool: read_file', 'filesystem changed 1 tool: list']);
  });

  it('does not announce a hold resolved before the window closes, and leaves it out of a group', async () => {
    const t = setup('darwin');
    const answered = hold('filesystem', 'read_file');
    t.opened(answered);
    t.resolved(answered);
    await t.closeWindow();
    expect(t.shown).toEqual([]);

    const first = hold('filesystem', 'read_file');
    t.opened(first);
    t.opened(hold('filesystem', 'list'));
    t.resolved(first);
    await t.closeWindow();
    expect(t.shown.map((n) => n.options.body)).toEqual(['filesystem changed 1 tool: list — worst: low: title changed. Calls are held.']);
  });

  it('approves every item of the group by the hash it was shown, in order, on Approve', async () => {
    const t = setup('win32');
    t.opened(hold('filesystem', 'read_file'));
    t.opened(hold('filesystem', 'list'));
    await t.closeWindow();
    t.shown[0]?.action(1);
    await settle();
    expect(t.ran).toEqual([
      { kind: 'approve', server: 'filesystem', itemKind: 'tool', key: 'read_file', hash: digest(1) },
      { kind: 'approve', server: 'filesystem', itemKind: 'tool', key: 'list', hash: digest(3) },
    ]);
  });

  it('quarantines every item of the group on Quarantine', async () => {
    const t = setup('darwin');
    t.opened(hold('filesystem', 'read_file'));
    t.opened(hold('filesystem', 'write_file'));
    await t.closeWindow();
    t.shown[0]?.action(2);
    await settle();
    expect(t.ran).toEqual([
      { kind: 'quarantine', server: 'filesystem', itemKind: 'tool', key: 'read_file' },
      { kind: 'quarantine', server: 'filesystem', itemKind: 'tool', key: 'write_file' },
    ]);
  });

  it('lets the group\'s waiting calls through once on Allow once, skipping a call answered meanwhile', async () => {
    const t = setup('darwin');
    const first = hold('filesystem', 'read_file', 'tool', 'Claude Desktop');
    const second = hold('filesystem', 'read_file', 'tool', 'Cursor');
    const third = hold('filesystem', 'list');
    for (const h of [first, second, third]) t.opened(h);
    await t.closeWindow();
    t.resolved(second); // answered in the window before the button was pressed
    t.shown[0]?.action(0);
    await settle();
    expect(t.ran).toEqual([
      { kind: 'allow-once', server: 'filesystem', key: 'read_file', holdIds: [first.id] },
      { kind: 'allow-once', server: 'filesystem', key: 'list', holdIds: [third.id] },
    ]);
  });

  it('runs nothing on Allow once when every call was answered meanwhile', async () => {
    const t = setup('darwin');
    const only = hold('filesystem', 'read_file');
    t.opened(only);
    await t.closeWindow();
    t.resolved(only);
    t.shown[0]?.action(0);
    await settle();
    expect(t.ran).toEqual([]);
  });

  it('offers no Approve when an item has no hash to approve it by', async () => {
    const t = setup('darwin', [reviewItem({ server: 'filesystem', key: 'read_file' })]);
    t.opened(hold('filesystem', 'read_file'));
    t.opened(hold('filesystem', 'unknown_tool'));
    await t.closeWindow();
    expect(t.shown[0]?.options.actions).toEqual([
      { type: 'button', text: 'Allow once' },
      { type: 'button', text: 'Quarantine' },
    ]);
  });

  it('on Linux shows no buttons, and a click opens the Review view at the first item', async () => {
    const t = setup('linux');
    t.opened(hold('filesystem', 'write_file'));
    t.opened(hold('filesystem', 'read_file'));
    await t.closeWindow();
    expect(t.shown[0]?.options.actions).toEqual([]);
    expect(t.shown[0]?.options.body).toMatch(/Calls are held\. Click to review\.$/);
    t.shown[0]?.click();
    await settle();
    expect(t.ran).toEqual([{ kind: 'open', view: 'review', item: { server: 'filesystem', itemKind: 'tool', key: 'write_file' } }]);
  });

  it('says "items" when prompts or resources are held too', async () => {
    const t = setup('darwin', []);
    t.opened(hold('everything', 'greet', 'prompt'));
    t.opened(hold('everything', 'echo'));
    await t.closeWindow();
    expect(t.shown[0]?.options.body).toBe('everything changed 2 items: greet, echo. Calls are held.');
  });

  it('shows nothing where the OS has no notifications', async () => {
    const t = setup('linux', FS_REVIEW, false);
    t.opened(hold('filesystem', 'read_file'));
    await t.closeWindow();
    expect(t.shown).toEqual([]);
  });

  it('cancels pending announcements when disposed', async () => {
    const t = setup('darwin');
    t.opened(hold('filesystem', 'read_file'));
    t.notifier.dispose();
    await t.closeWindow();
    expect(t.shown).toEqual([]);
    expect(t.clock.pending()).toBe(0);
  });
});

describe('SignInNotifier', () => {
  const lapse = (server: string): HostApiEvent => ({ type: 'auth.required', server, reason: `the sign-in to "${server}" lapsed: sign in again: airlock servers login ${server} (or Sign in in the window)` });

  function signInSetup(platform: NodeJS.Platform) {
    const os = fakeNotifications();
    const ran: TrayAction[] = [];
    const notifier = new SignInNotifier({ factory: os.factory, platform, run: async (a) => void ran.push(a) });
    return { notifier, shown: os.shown, ran };
  }

  it('says a remote server needs a new sign-in, with how, and signs in on the button', async () => {
    const t = signInSetup('darwin');
    t.notifier.onEvent(lapse('docs'));
    expect(t.shown.map((n) => n.options)).toEqual([
      { title: 'Airlock: sign in to docs again', body: 'the sign-in to "docs" lapsed: sign in again: airlock servers login docs (or Sign in in the window)', actions: [{ type: 'button', text: 'Sign in' }] },
    ]);
    t.shown[0]?.action(0);
    t.shown[0]?.click();
    await settle();
    expect(t.ran).toEqual([
      { kind: 'sign-in', server: 'docs' },
      { kind: 'open', view: 'servers' },
    ]);
  });

  it('announces a lapse once, and again only after a sign-in ended it', () => {
    const t = signInSetup('linux');
    t.notifier.onEvent(lapse('docs'));
    t.notifier.onEvent(lapse('docs'));
    expect(t.shown).toHaveLength(1);
    expect(t.shown[0]?.options.actions).toEqual([]);
    expect(t.shown[0]?.options.body).toMatch(/Click to open Servers\.$/);
    t.notifier.onEvent({ type: 'auth.restored', server: 'docs' });
    t.notifier.onEvent(lapse('docs'));
    expect(t.shown).toHaveLength(2);
  });
});
