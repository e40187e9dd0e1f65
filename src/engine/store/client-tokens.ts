import type { Store } from './store.js';

/** A client's token of the MCP endpoint, as stored: its name and SHA-256, never the token. */
export interface ClientTokenRecord {
  name: string;
  hash: string;
  createdAt: string;
  lastUsedAt: string | null;
}

interface Row {
  name: string;
  hash: string;
  created_at: string;
  last_used_at: string | null;
}

const fromRow = (r: Row): ClientTokenRecord => ({ name: r.name, hash: r.hash, createdAt: r.created_at, lastUsedAt: r.last_used_at });

export function listClientTokens(store: Store): ClientTokenRecord[] {
  return store.db.prepare<[], Row>('SELECT * FROM client_tokens ORDER BY name').all().map(fromRow);
}

export function getClientToken(store: Store, name: string): ClientTokenRecord | undefined {
  const row = store.db.prepare<[string], Row>('SELECT * FROM client_tokens WHERE name = ?').get(name);
  return row ? fromRow(row) : undefined;
}

/**
 * A lookup of token hashes, its statement prepared once: the MCP endpoint asks on every request,
 * and preparing the statement cost more than running it.
 */
export function clientTokenLookup(store: Store): (hash: string) => ClientTokenRecord | undefined {
  const statement = store.db.prepare<[string], Row>('SELECT * FROM client_tokens WHERE hash = ?');
  return (hash) => {
    const row = statement.get(hash);
    return row ? fromRow(row) : undefined;
  };
}

/** The client a token hash belongs to; undefined for an unknown or revoked token. */
export function clientTokenByHash(store: Store, hash: string): ClientTokenRecord | undefined {
  return clientTokenLookup(store)(hash);
}

/** Whether a client has a token, its statement prepared once (the endpoint's sweep asks for each session). */
export function clientTokenPresence(store: Store): (name: string) => boolean {
  const statement = store.db.prepare<[string], { n: number }>('SELECT 1 AS n FROM client_tokens WHERE name = ?');
  return (name) => statement.get(name) !== undefined;
}

/** Stores a client's token hash, replacing the one it had (the old token stops working). */
export function putClientToken(store: Store, record: { name: string; hash: string; createdAt: string }): void {
  store.db.prepare('INSERT OR REPLACE INTO client_tokens (name, hash, created_at, last_used_at) VALUES (?, ?, ?, NULL)').run(record.name, record.hash, record.createdAt);
}

/** True when the client had a token. */
export function deleteClientToken(store: Store, name: string): boolean {
  return store.db.prepare('DELETE FROM client_tokens WHERE name = ?').run(name).changes > 0;
}

export function touchClientToken(store: Store, name: string, at: string): void {
  store.db.prepare('UPDATE client_tokens SET last_used_at = ? WHERE name = ?').run(at, name);
}
