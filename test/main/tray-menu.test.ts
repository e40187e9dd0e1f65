import { describe, expect, it } from 'vitest';
import { clickableTemplate } from '../../src/main/clickable-menu.js';
import type { TrayAction } from '../../src/main/tray-action.js';
import { MAX_MENU_ITEMS, trayMenu, type TrayMenuItem } from '../../src/main/tray-menu.js';
import { digest, finding, hold, reviewItem } from './host-api-fixtures.js';

const labels = (items: readonly TrayMenuItem[]): string[] => items.map((i) => (i.type === 'separator' ? '---' : i.label));
function submenu(items: readonly TrayMenuItem[], label: string): TrayMenuItem[] {
  const found = items.find((i) => i.type !== 'separator' && i.label.startsWith(label));
  if (found?.type !== 'submenu') throw new Error(`no submenu "${label}" in ${labels(items).join(', ')}`);
  return found.submenu;
}
function actionOf(items: readonly TrayMenuItem[], label: string): TrayAction | undefined {
  const found = items.find((i) => i.type === 'normal' && i.label === label);
  return found?.type === 'normal' ? found.action : undefined;
}

describe('trayMenu', () => {
  it('lists Open Airlock, Pending reviews (N), Clients, a separator and Quit Airlock', () => {
    const menu = trayMenu([]);
    expect(labels(menu)).toEqual(['Open Airlock', 'Pending reviews (0)', 'Clients', '---', 'Quit Airlock']);
    expect(actionOf(menu, 'Open Airlock')).toEqual({ kind: 'open', view: 'live' });
    expect(actionOf(menu, 'Clients')).toEqual({ kind: 'open', view: 'clients' });
    expect(actionOf(menu, 'Quit Airlock')).toEqual({ kind: 'quit' });
  });

  it('disables Pending reviews when nothing waits', () => {
    const pending = trayMenu([])[1];
    expect(pending).toMatchObject({ type: 'submenu', enabled: false });
  });

  it('gives each review item an entry "server › key (worst severity)", held ones first', () => {
    const review = [
      reviewItem({ server: 'memory', key: 'store', status: 'added' }),
      reviewItem({ server: 'filesystem', key: 'read_file', findings: [finding('low', 'title changed'), finding('high', 'description changed')], pendingCalls: [hold('filesystem', 'read_file')] }),
      reviewItem({ server: 'everything', kind: 'prompt', key: 'greet', findings: [finding('medium', 'argument added')] }),
    ];
    const pending = submenu(trayMenu(review), 'Pending reviews (3)');
    expect(labels(pending)).toEqual(['filesystem › read_file (high, 1 call held)', 'memory › store (new)', 'everything › prompt greet (medium)', '---', 'Open Review']);
  });

  it('approves an item by the hash it was shown with, and quarantines it by kind and key', () => {
    const item = reviewItem({ server: 'everything', kind: 'prompt', key: 'greet', hash: digest(7) });
    const actions = submenu(submenu(trayMenu([item]), 'Pending reviews'), 'everything › prompt greet');
    expect(labels(actions)).toEqual(['Approve', 'Quarantine', '---', 'Show in Airlock']);
    expect(actionOf(actions, 'Approve')).toEqual({ kind: 'approve', server: 'everything', itemKind: 'prompt', key: 'greet', hash: digest(7) });
    expect(actionOf(actions, 'Quarantine')).toEqual({ kind: 'quarantine', server: 'everything', itemKind: 'prompt', key: 'greet' });
    expect(actionOf(actions, 'Show in Airlock')).toEqual({ kind: 'open', view: 'review', item: { server: 'everything', itemKind: 'prompt', key: 'greet' } });
  });

  it('offers to let the held calls through once, first, with the calls it will let through', () => {
    const waiting = [hold('filesystem', 'read_file', 'tool', 'Cursor'), hold('filesystem', 'read_file')];
    const item = reviewItem({ server: 'filesystem', key: 'read_file', pendingCalls: waiting });
    const actions = submenu(submenu(trayMenu([item]), 'Pending reviews'), 'filesystem › read_file');
    expect(labels(actions)).toEqual(['Allow these 2 calls once', 'Approve', 'Quarantine', '---', 'Show in Airlock']);
    expect(actionOf(actions, 'Allow these 2 calls once')).toEqual({ kind: 'allow-once', server: 'filesystem', key: 'read_file', holdIds: waiting.map((h) => h.id) });
  });

  it('approves a removal with the server\'s live surface hash, like `airlock review` suggests', () => {
    const removal = reviewItem({ server: 'fs', key: 'delete_file', status: 'removed', hash: null, surfaceHash: digest(42) });
    const actions = submenu(submenu(trayMenu([removal]), 'Pending reviews'), 'fs › delete_file');
    expect(actionOf(actions, "Approve the server's new surface")).toEqual({ kind: 'approve', server: 'fs', hash: digest(42) });
  });

  it('offers no approval when there is no hash to bind it to', () => {
    const item = reviewItem({ server: 'fs', key: 'x', status: 'removed', hash: null, surfaceHash: null });
    const actions = submenu(submenu(trayMenu([item]), 'Pending reviews'), 'fs › x');
    expect(actions[0]).toEqual({ type: 'normal', label: 'Approve', enabled: false });
  });

  it('counts only undecided items: a quarantined item, or one of a quarantined server, waits for nobody', () => {
    const items = [reviewItem({ server: 'fs', key: 'a', quarantined: true }), reviewItem({ server: 'gh', key: 'b', state: 'RED' }), reviewItem({ server: 'fs', key: 'c' })];
    const pending = submenu(trayMenu(items), 'Pending reviews (1)');
    expect(pending.filter((i) => i.type === 'submenu').map((i) => i.label)).toEqual(['fs › c (changed)']);
  });

  it(`shows at most ${MAX_MENU_ITEMS} items and points to the Review view for the rest`, () => {
    const review = Array.from({ length: MAX_MENU_ITEMS + 3 }, (_, i) => reviewItem({ server: 'fs', key: `tool_${i}` }));
    const pending = submenu(trayMenu(review), 'Pending reviews (13)');
    expect(pending.filter((i) => i.type === 'submenu')).toHaveLength(MAX_MENU_ITEMS);
    expect(actionOf(pending, '…and 3 more')).toEqual({ kind: 'open', view: 'review' });
  });

  it('shows untrusted names without control or bidi characters, and with "&" escaped for the menu', () => {
    const item = reviewItem({ server: 'a&b', key: 'read\u202Eelif_\u0007x' });
    expect(labels(submenu(trayMenu([item]), 'Pending reviews'))[0]).toBe('a&&b › readelif_x (changed)');
  });
});

describe('clickableTemplate', () => {
  it('turns each action into a click that runs it, and keeps separators and disabled entries inert', () => {
    const ran: TrayAction[] = [];
    const template = clickableTemplate(trayMenu([reviewItem({ server: 'fs', key: 'read_file' })]), (a) => ran.push(a));
    template[0]?.click?.();
    template[4]?.click?.();
    template[1]?.submenu?.[0]?.submenu?.[1]?.click?.();
    expect(ran).toEqual([{ kind: 'open', view: 'live' }, { kind: 'quit' }, { kind: 'quarantine', server: 'fs', itemKind: 'tool', key: 'read_file' }]);
    expect(template[3]).toEqual({ type: 'separator' });
    expect(clickableTemplate(trayMenu([]), () => undefined)[1]?.submenu?.[0]).toEqual({ type: 'normal', label: 'Nothing waits for review', enabled: false });
  });
});

describe('the start at login choice', () => {
  it('is a checkbox showing the saved choice, before Quit, when the platform has login items', () => {
    const on = trayMenu([], { startAtLogin: true });
    const box = on.find((i) => i.type === 'checkbox');
    expect(box).toEqual({ type: 'checkbox', label: 'Start Airlock at login', checked: true, action: { kind: 'toggle-start-at-login' } });
    expect(on.indexOf(box!)).toBe(on.length - 3);
    expect(trayMenu([], { startAtLogin: false }).find((i) => i.type === 'checkbox')).toMatchObject({ checked: false });
    expect(trayMenu([]).some((i) => i.type === 'checkbox')).toBe(false);
  });
});
