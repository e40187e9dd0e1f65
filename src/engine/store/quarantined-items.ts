import type { Store } from './store.js';

export interface QuarantinedItem {
  server: string;
  kind: string;
  key: string;
  reason: string;
  quarantinedAt: string;
}

interface Row {
  server: string;
  kind: string;
  key: string;
  reason: string;
  quarantined_at: string;
}

export function listQuarantinedItems(store: Store, server: string): QuarantinedItem[] {
  const rows = store.db.prepare<[string], Row>('SELECT * FROM quarantined_items WHERE server = ? ORDER BY kind, key').all(server);
  return rows.map((r) => ({ server: r.server, kind: r.kind, key: r.key, reason: r.reason, quarantinedAt: r.quarantined_at }));
}

export function putQuarantinedItem(store: Store, item: QuarantinedItem): void {
  store.db
    .prepare('INSERT OR REPLACE INTO quarantined_items (server, kind, key, reason, quarantined_at) VALUES (?, ?, ?, ?, ?)')
    .run(item.server, item.kind, item.key, item.reason, item.quarantinedAt);
}

export function deleteQuarantinedItems(store: Store, server: string, item?: { kind: string; key: string }): void {
  if (item) store.db.prepare('DELETE FROM quarantined_items WHERE server = ? AND kind = ? AND key = ?').run(server, item.kind, item.key);
  else store.db.prepare('DELETE FROM quarantined_items WHERE server = ?').run(server);
}
