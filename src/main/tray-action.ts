import type { ItemKind } from '../shared/host-api/index.js';

/** The window's views, as its location hash names them (`#/review`). */
export type WindowView = 'live' | 'review' | 'servers' | 'clients' | 'receipts';

/** One item of a server's surface. */
export interface ItemRef {
  server: string;
  itemKind: ItemKind;
  key: string;
}

/**
 * What a tray menu entry or a notification button does, as data: the menu and the notifier
 * only describe it, and one runner (action-runner.ts) carries it out.
 */
export type TrayAction =
  | { kind: 'open'; view: WindowView; item?: ItemRef }
  /** Without itemKind and key: the whole server's live surface, by its surface hash. */
  | { kind: 'approve'; server: string; itemKind?: ItemKind; key?: string; hash: string }
  | { kind: 'quarantine'; server: string; itemKind?: ItemKind; key?: string }
  /** Lets these held calls through, once each; the item stays unapproved. */
  | { kind: 'allow-once'; server: string; key: string; holdIds: string[] }
  /** Opens a remote server's sign-in in the browser (the Host runs it). */
  | { kind: 'sign-in'; server: string }
  | { kind: 'toggle-start-at-login' }
  | { kind: 'quit' };

export type OpenAction = Extract<TrayAction, { kind: 'open' }>;

/** Carries out an action; reports its own failures to the user and never rejects. */
export type ActionRunner = (action: TrayAction) => Promise<void>;

/** The location hash that shows the view, and the item when one is named (`#/review?server=S&kind=K&key=KEY`). */
export function viewHash(action: OpenAction): string {
  if (action.item === undefined) return `#/${action.view}`;
  const query = new URLSearchParams({ server: action.item.server, kind: action.item.itemKind, key: action.item.key });
  return `#/${action.view}?${query.toString()}`;
}
