import type Database from 'better-sqlite3';
import { digestOf } from '../canonical-json.js';
import { parseStrictJson } from '../../input/strict-json.js';
import type { Store } from '../store/store.js';
import { auditLeafHash } from './audit-leaf.js';
import { LogIntegrityError } from './log-integrity-error.js';
import { appendLeaf, merkleLeafCount } from './merkle-nodes.js';

const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;
const BACKFILL_CHUNK = 1000;

interface EventRow {
  seq: number;
  body: string;
  hash: string;
}

/**
 * Brings the stored tree up to the log's length: a log written before migration 004 (or by an
 * Airlock without the tree) gets its leaves once, here. Idempotent; a no-op when they agree.
 * Runs inside the caller's transaction when there is one (appendAuditEvents), else in its own.
 * Returns the tree's size, which then equals the log's.
 */
export function syncMerkleTree(store: Store): number {
  if (store.readonly) {
    const leaves = merkleLeafCount(store.db);
    const head = logHead(store.db);
    if (leaves !== head) {
      throw new Error(`the Merkle tree of ${store.path} covers ${leaves} of its ${head} events, and this connection is read-only. Start Airlock once (airlock serve) to build it.`);
    }
    return leaves;
  }
  return syncMerkleTreeDb(store.db);
}

export function syncMerkleTreeDb(db: Database.Database): number {
  const head = logHead(db);
  const leaves = merkleLeafCount(db);
  if (leaves === head) return leaves;
  return db.transaction(() => backfill(db)).immediate();
}

const headStatements = new WeakMap<Database.Database, Database.Statement<[], number | null>>();

/** The log's last seq (0 when empty); prepared once per connection, as it runs on every append and proof. */
function logHead(db: Database.Database): number {
  let statement = headStatements.get(db);
  if (statement === undefined) {
    statement = db.prepare<[], number | null>('SELECT MAX(seq) FROM audit_events').pluck();
    headStatements.set(db, statement);
  }
  return statement.get() ?? 0;
}

function backfill(db: Database.Database): number {
  // Re-read under the write lock: another process may have synced meanwhile.
  const head = logHead(db);
  let leaves = merkleLeafCount(db);
  if (leaves > head) {
    throw new LogIntegrityError(`the Merkle tree holds ${leaves} leaves but the audit log only ${head} events: events were removed. Run: airlock audit verify`);
  }
  let prevHash =
    leaves === 0 ? GENESIS_HASH : db.prepare<[number], string>('SELECT hash FROM audit_events WHERE seq = ?').pluck().get(leaves);
  const chunk = db.prepare<[number, number], EventRow>('SELECT seq, body, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?');
  while (leaves < head) {
    // In chunks, not iterate(): the connection cannot write while a read cursor is open.
    const rows = chunk.all(leaves, BACKFILL_CHUNK);
    for (const row of rows) {
      // The tree is evidence for the log as written: never build it over a chain that does not hold.
      const seq = leaves + 1;
      if (row.seq !== seq) throw brokenLog(seq, `is missing (the next stored event is ${row.seq})`);
      if (digestOf(row.body) !== row.hash) throw brokenLog(seq, 'does not match its stored hash');
      const body = parseStrictJson(row.body) as Record<string, unknown>;
      if (body.prevHash !== prevHash) throw brokenLog(seq, 'does not commit to the event before it');
      appendLeaf(db, leaves, auditLeafHash({ ...body, hash: row.hash }));
      prevHash = row.hash;
      leaves = seq;
    }
    if (rows.length === 0) break;
  }
  return leaves;
}

function brokenLog(seq: number, problem: string): Error {
  return new LogIntegrityError(`cannot build the Merkle tree over the audit log: event ${seq} ${problem}. Run: airlock audit verify`);
}
