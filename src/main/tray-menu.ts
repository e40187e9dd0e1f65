import { isUndecided, type ReviewItem } from '../shared/host-api/index.js';
import { menuLabel } from './display-text.js';
import type { TrayAction } from './tray-action.js';
import { worstFinding } from './worst-finding.js';

/** The tray menu as plain data; a MenuFactory turns it into the platform's menu. */
export type TrayMenuItem =
  | { type: 'normal'; label: string; enabled: boolean; action?: TrayAction }
  | { type: 'submenu'; label: string; enabled: boolean; submenu: TrayMenuItem[] }
  | { type: 'checkbox'; label: string; checked: boolean; action: TrayAction }
  | { type: 'separator' };

/** More than this many pending items would make the menu taller than a screen; the rest are a click away. */
export const MAX_MENU_ITEMS = 10;

const SEPARATOR: TrayMenuItem = { type: 'separator' };
const entry = (label: string, action?: TrayAction): TrayMenuItem => ({ type: 'normal', label, enabled: action !== undefined, ...(action ? { action } : {}) });

/**
 * Open Airlock, Pending reviews (N) with Approve / Quarantine per item, Clients, the start at
 * login choice (when the platform has one), Quit.
 */
export function trayMenu(review: readonly ReviewItem[], options: { startAtLogin?: boolean } = {}): TrayMenuItem[] {
  return [
    entry('Open Airlock', { kind: 'open', view: 'live' }),
    pendingReviews(review),
    entry('Clients', { kind: 'open', view: 'clients' }),
    SEPARATOR,
    ...(options.startAtLogin === undefined ? [] : [{ type: 'checkbox' as const, label: 'Start Airlock at login', checked: options.startAtLogin, action: { kind: 'toggle-start-at-login' as const } }, SEPARATOR]),
    entry('Quit Airlock', { kind: 'quit' }),
  ];
}

function pendingReviews(all: readonly ReviewItem[]): TrayMenuItem {
  // Only undecided items: one answered no (or on a quarantined server) waits for nobody.
  const review = all.filter(isUndecided);
  const label = `Pending reviews (${review.length})`;
  if (review.length === 0) return { type: 'submenu', label, enabled: false, submenu: [entry('Nothing waits for review')] };
  // Items with held calls first: someone is waiting on them.
  const ordered = [...review].sort((a, b) => Number(b.pendingCalls.length > 0) - Number(a.pendingCalls.length > 0));
  const shown = ordered.slice(0, MAX_MENU_ITEMS).map(reviewEntry);
  const more = review.length - shown.length;
  return {
    type: 'submenu',
    label,
    enabled: true,
    submenu: [...shown, ...(more > 0 ? [entry(`…and ${more} more`, { kind: 'open', view: 'review' })] : []), SEPARATOR, entry('Open Review', { kind: 'open', view: 'review' })],
  };
}

/** "server › read_file (high)": one item, its worst severity (or what happened to it), and its held calls. */
export function reviewItemLabel(item: ReviewItem): string {
  const name = item.kind === 'tool' ? item.key : `${item.kind} ${item.key}`;
  const worst = worstFinding(item.findings)?.severity ?? (item.status === 'added' ? 'new' : item.status);
  const held = item.pendingCalls.length;
  const calls = held === 0 ? '' : `, ${held} ${held === 1 ? 'call' : 'calls'} held`;
  return `${menuLabel(item.server, 30)} › ${menuLabel(name, 40)} (${worst}${calls})`;
}

function reviewEntry(item: ReviewItem): TrayMenuItem {
  const target = { server: item.server, itemKind: item.kind, key: item.key };
  return {
    type: 'submenu',
    label: reviewItemLabel(item),
    enabled: true,
    submenu: [
      ...(item.pendingCalls.length === 0 ? [] : [entry(item.pendingCalls.length === 1 ? 'Allow this call once' : `Allow these ${item.pendingCalls.length} calls once`, { kind: 'allow-once', server: item.server, key: item.key, holdIds: item.pendingCalls.map((h) => h.id) })]),
      approveEntry(item),
      item.quarantined ? entry('Quarantined') : entry('Quarantine', { kind: 'quarantine', ...target }),
      SEPARATOR,
      entry('Show in Airlock', { kind: 'open', view: 'review', item: target }),
    ],
  };
}

/**
 * Approve is bound to the hash this menu was built with, so a surface that changed again after
 * the menu was drawn is refused by the Host instead of approved unseen. A removal has no item
 * hash: it is approved with the server's whole live surface (as `airlock review` suggests).
 */
function approveEntry(item: ReviewItem): TrayMenuItem {
  if (item.hash !== null) return entry('Approve', { kind: 'approve', server: item.server, itemKind: item.kind, key: item.key, hash: item.hash });
  if (item.surfaceHash !== null) return entry("Approve the server's new surface", { kind: 'approve', server: item.server, hash: item.surfaceHash });
  return entry('Approve'); // nothing to bind an approval to yet: disabled
}
