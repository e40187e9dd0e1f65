import type Database from 'better-sqlite3';
import { canonicalJson, digestOf, type Digest } from '../canonical-json.js';
import { parseStrictJson } from '../../input/strict-json.js';
import { checkLogCheckpoints } from '../checkpoints/check-log-checkpoints.js';
import type { Store } from '../store/store.js';
import { AuditEventBodySchema, GENESIS_HASH } from './audit-event.js';
import { AUDIT_QUERY_COLUMNS, type AuditRow } from './audit-statements.js';
import { readCanonicalBody } from './canonical-body-layout.js';

export type AuditChainVerification =
  | { ok: true; count: number; head: Digest }
  /** `count` is how many events checked good before the first broken one. */
  | { ok: false; count: number; brokenSeq: number; reason: string };

/**
 * Walks the log in seq order (streaming, one row at a time) and stops at the first event that
 * does not hold: a gap in seq, a body that is not the canonical JSON of itself, a hash that does
 * not match the body, a prevHash that does not match its predecessor, a query column that
 * disagrees with the body, or a body that is not a valid audit event. An empty log verifies with
 * head = the genesis hash.
 *
 * Each row is first tried on a fast path that only answers "holds"; any row it does not pass
 * goes through rowProblem, which makes every check again in its fixed order and words the first
 * that fails. So the result, reason included, is what rowProblem alone would give.
 *
 * It cannot see a rewrite of the newest events with recomputed hashes; signed checkpoints will.
 */
export function verifyAuditChain(store: Store, onEvent?: (body: string, hash: string) => void): AuditChainVerification {
  let count = 0;
  let prevHash: string = GENESIS_HASH;
  for (const row of rawRows(store.db).iterate()) {
    const expectedSeq = count + 1;
    if (!rowHolds(row, expectedSeq, prevHash)) {
      const problem = rowProblem(toAuditRow(row), expectedSeq, prevHash);
      if (problem !== undefined) {
        const brokenSeq = row[SEQ] > expectedSeq ? expectedSeq : row[SEQ];
        return { ok: false, count, brokenSeq, reason: `event ${brokenSeq}: ${problem}` };
      }
    }
    count++;
    prevHash = row[HASH];
    onEvent?.(row[BODY], row[HASH]);
  }
  return { ok: true, count, head: prevHash as Digest };
}

export interface AuditChainStep {
  ok: boolean;
  /** True when the whole log has been checked (or a broken event stopped the check). */
  done: boolean;
  /** Events checked good so far, from the first. */
  checked: number;
  /** The hash of the last event checked good (the genesis hash before the first). */
  head: string;
  brokenSeq: number | null;
  reason: string | null;
}

/**
 * One step of verifyAuditChain over at most `limit` events after the first `checked` ones,
 * resuming from `head`, so a caller can show progress and never blocks its thread for long.
 * Run to `done`, the steps reach the same verdict as verifyAuditChain, and the last one also
 * holds the log against its newest signed checkpoint (its signature and key, a truncation, the
 * stored tree's root), as `airlock audit verify` does. Recomputing the root from every event
 * would need state across steps, so that check is the CLI's alone.
 */
export function verifyAuditChainStep(store: Store, from: { checked: number; head?: string }, limit: number, trustedKeys: ReadonlySet<string> | null = null): AuditChainStep {
  let checked = from.checked;
  let prevHash: string = from.head ?? GENESIS_HASH;
  let seen = 0;
  for (const row of rawRowsAfter(store.db).iterate(checked, limit)) {
    seen++;
    const expectedSeq = checked + 1;
    if (!rowHolds(row, expectedSeq, prevHash)) {
      const problem = rowProblem(toAuditRow(row), expectedSeq, prevHash);
      if (problem !== undefined) {
        const brokenSeq = row[SEQ] > expectedSeq ? expectedSeq : row[SEQ];
        return { ok: false, done: true, checked, head: prevHash, brokenSeq, reason: `event ${brokenSeq}: ${problem}` };
      }
    }
    checked++;
    prevHash = row[HASH];
  }
  const done = seen < limit;
  if (done) {
    const problem = checkLogCheckpoints(store, { count: checked, trustedKeys, latestOnly: true });
    if (problem !== undefined) return { ok: false, done, checked, head: prevHash, brokenSeq: problem.firstMissing, reason: problem.reason };
  }
  return { ok: true, done, checked, head: prevHash, brokenSeq: null, reason: null };
}

const rawAfterStatements = new WeakMap<Database.Database, Database.Statement<[number, number], RawAuditRow>>();
function rawRowsAfter(db: Database.Database): Database.Statement<[number, number], RawAuditRow> {
  let statement = rawAfterStatements.get(db);
  if (statement === undefined) {
    // Events after the ones checked, by the primary key (no OFFSET scan); a gap shows up as the
    // next row's seq being larger than expected, exactly as in the full walk.
    statement = db.prepare<[number, number], RawAuditRow>('SELECT seq, ts, type, server, tool, decision, body, hash FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?').raw(true);
    rawAfterStatements.set(db, statement);
  }
  return statement;
}

/** A row as an array, in this order (no object per row on the fast path). */
type RawAuditRow = [seq: number, ts: string, type: string, server: string | null, tool: string | null, decision: string | null, body: string, hash: string];
const [SEQ, TS, TYPE, SERVER, TOOL, DECISION, BODY, HASH] = [0, 1, 2, 3, 4, 5, 6, 7] as const;
// rowHolds compares these columns by name; a column added to the list must be added there too.
if (AUDIT_QUERY_COLUMNS.join() !== 'ts,type,server,tool,decision') {
  throw new Error(`verify-audit-chain.ts is out of date with the audit query columns (${AUDIT_QUERY_COLUMNS.join(', ')})`);
}

const rawStatements = new WeakMap<Database.Database, Database.Statement<[], RawAuditRow>>();
function rawRows(db: Database.Database): Database.Statement<[], RawAuditRow> {
  let statement = rawStatements.get(db);
  if (statement === undefined) {
    statement = db.prepare<[], RawAuditRow>('SELECT seq, ts, type, server, tool, decision, body, hash FROM audit_events ORDER BY seq').raw(true);
    rawStatements.set(db, statement);
  }
  return statement;
}

function toAuditRow(row: RawAuditRow): AuditRow {
  return { seq: row[SEQ], ts: row[TS], type: row[TYPE], server: row[SERVER], tool: row[TOOL], decision: row[DECISION], body: row[BODY], hash: row[HASH] };
}

/**
 * True only when rowProblem would find nothing wrong; false means "ask rowProblem", not "broken".
 * The same checks, cheapest first: readCanonicalBody stands for JSON.parse, the canonical-form
 * check and zod, and answers only for a body that passes all three.
 */
function rowHolds(row: RawAuditRow, expectedSeq: number, prevHash: string): boolean {
  if (row[SEQ] !== expectedSeq) return false;
  const body = row[BODY];
  const event = readCanonicalBody(body);
  return (
    event !== undefined &&
    event.seq === String(expectedSeq) &&
    event.prevHash === prevHash &&
    event.ts === row[TS] &&
    event.type === row[TYPE] &&
    event.server === row[SERVER] &&
    event.tool === row[TOOL] &&
    event.decision === row[DECISION] &&
    row[HASH] === digestOf(body)
  );
}

/** What is wrong with one row, in words, or undefined when it holds. */
function rowProblem(row: AuditRow, expectedSeq: number, prevHash: string): string | undefined {
  if (row.seq > expectedSeq) return `is missing (the next stored event is ${row.seq})`;
  if (row.seq < expectedSeq) return `has an invalid sequence number (expected ${expectedSeq})`;
  let event: Record<string, unknown>;
  try {
    // Strict: a duplicate or "__proto__" key would make the body read differently by other readers.
    const parsed: unknown = parseStrictJson(row.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'its body is not a JSON object';
    event = parsed as Record<string, unknown>;
  } catch (error) {
    return `its body is not valid JSON (${(error as Error).message})`;
  }
  if (event.seq !== row.seq) return `its body says seq ${JSON.stringify(event.seq)}`;
  // The hash covers the exact stored bytes; requiring them to be canonical also exposes a body
  // re-serialized (keys reordered, spaces added) together with a freshly computed hash.
  if (!isCanonical(event, row.body)) return 'its body is not in canonical (RFC 8785) form: it was rewritten after it was hashed';
  const actual = digestOf(row.body);
  if (actual !== row.hash) return `stored hash does not match its contents (expected ${actual}, found ${row.hash})`;
  if (event.prevHash !== prevHash) return `its prevHash does not match the hash of the event before it (expected ${prevHash}, found ${String(event.prevHash)})`;
  for (const column of AUDIT_QUERY_COLUMNS) {
    if (row[column] !== event[column]) return `column "${column}" says ${JSON.stringify(row[column])} but the event says ${JSON.stringify(event[column])}`;
  }
  const schema = AuditEventBodySchema.safeParse(event);
  if (!schema.success) {
    const issue = schema.error.issues[0];
    return `it is not a valid audit event (${issue ? `${issue.path.join('.') || '/'}: ${issue.message}` : 'unknown problem'})`;
  }
  return undefined;
}

function isCanonical(event: unknown, body: string): boolean {
  try {
    return canonicalJson(event) === body;
  } catch {
    return false;
  }
}
