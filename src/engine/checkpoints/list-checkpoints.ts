import type Database from 'better-sqlite3';
import type { Store } from '../store/store.js';
import type { Checkpoint } from './checkpoint.js';

const COLUMNS = 'log_id, tree_size, root_hash, timestamp, key_fingerprint, public_key, signature';

function prepareAll(db: Database.Database) {
  return {
    all: db.prepare<[], Checkpoint>(`SELECT ${COLUMNS} FROM checkpoints ORDER BY tree_size`),
    latest: db.prepare<[], Checkpoint>(`SELECT ${COLUMNS} FROM checkpoints ORDER BY tree_size DESC LIMIT 1`),
    atOrAfter: db.prepare<[number], Checkpoint>(`SELECT ${COLUMNS} FROM checkpoints WHERE tree_size >= ? ORDER BY tree_size LIMIT 1`),
    insert: db.prepare<[Checkpoint]>(
      `INSERT INTO checkpoints (tree_size, root_hash, timestamp, log_id, key_fingerprint, public_key, signature)
       VALUES (@tree_size, @root_hash, @timestamp, @log_id, @key_fingerprint, @public_key, @signature)`,
    ),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof prepareAll>>();

export function checkpointStatements(db: Database.Database): ReturnType<typeof prepareAll> {
  let statements = cache.get(db);
  if (statements === undefined) {
    statements = prepareAll(db);
    cache.set(db, statements);
  }
  return statements;
}

/** Every checkpoint, oldest (smallest tree) first. As stored: a verifier checks them, this does not. */
export function listCheckpoints(store: Store): Checkpoint[] {
  return checkpointStatements(store.db).all.all();
}

/** The checkpoint of the largest tree, or undefined before the first one. */
export function latestCheckpoint(store: Store): Checkpoint | undefined {
  return checkpointStatements(store.db).latest.get();
}

/**
 * The first checkpoint whose tree holds `size` events: the one a receipt for event seq `size`
 * proves inclusion against. Undefined when no checkpoint covers it yet.
 */
export function checkpointAtOrAfter(store: Store, size: number): Checkpoint | undefined {
  return checkpointStatements(store.db).atOrAfter.get(size);
}
