import type Database from 'better-sqlite3';
import { merkleNodeHash } from './merkle-hash.js';

/**
 * The stored perfect subtrees: row (level, idx) is MTH of the 2^level leaves starting at leaf
 * idx·2^level. Every hash the tree ever needs decomposes into O(log n) of them, so a root or a
 * proof reads a handful of rows, never the log.
 */
function prepareAll(db: Database.Database) {
  return {
    insert: db.prepare<[number, number, Buffer]>('INSERT INTO merkle_nodes (level, idx, hash) VALUES (?, ?, ?)'),
    get: db.prepare<[number, number], Buffer>('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?').pluck(),
    lastLeaf: db.prepare<[], number>('SELECT idx FROM merkle_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1').pluck(),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof prepareAll>>();

function merkleStatements(db: Database.Database): ReturnType<typeof prepareAll> {
  let statements = cache.get(db);
  if (statements === undefined) {
    statements = prepareAll(db);
    cache.set(db, statements);
  }
  return statements;
}

/** How many leaves the stored tree holds. */
export function merkleLeafCount(db: Database.Database): number {
  const last = merkleStatements(db).lastLeaf.get();
  return last === undefined ? 0 : last + 1;
}

/**
 * Adds leaf `leafIndex` (which must be the next one) and every parent it completes. Call it in
 * the transaction that appends the event, so the tree and the log commit or roll back together.
 */
export function appendLeaf(db: Database.Database, leafIndex: number, leafHash: Buffer): void {
  const statements = merkleStatements(db);
  const expected = merkleLeafCount(db);
  // A gap or a repeat would give a tree that silently disagrees with the log: refuse instead.
  if (leafIndex !== expected) throw new Error(`the Merkle tree holds ${expected} leaves, so the next leaf is ${expected}, not ${leafIndex}`);
  statements.insert.run(0, leafIndex, leafHash);
  let level = 0;
  let idx = leafIndex;
  let hash = leafHash;
  // A right child (odd idx) completes its parent: hash it with its left sibling and climb.
  while (idx % 2 === 1) {
    hash = merkleNodeHash(readNode(db, level, idx - 1), hash);
    level += 1;
    idx = (idx - 1) / 2;
    statements.insert.run(level, idx, hash);
  }
}

/** The stored hash of perfect subtree (level, idx); throws when it is missing (the tree is incomplete or damaged). */
export function readNode(db: Database.Database, level: number, idx: number): Buffer {
  const hash = merkleStatements(db).get.get(level, idx);
  if (hash === undefined) throw new Error(`the Merkle tree has no node at level ${level}, index ${idx}: it is incomplete or was damaged`);
  return hash;
}
