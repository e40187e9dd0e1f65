import { canonicalJson, digestOf, type Digest } from '../canonical-json.js';
import type { Store } from '../store/store.js';
import { AuditEventBodySchema, GENESIS_HASH } from './audit-event.js';
import { AUDIT_QUERY_COLUMNS, auditStatements, type AuditRow } from './audit-statements.js';

export type AuditChainVerification =
  | { ok: true; count: number; head: Digest }
  /** `count` is how many events checked good before the first broken one. */
  | { ok: false; count: number; brokenSeq: number; reason: string };

/**
 * Walks the log in seq order (streaming, one row at a time) and stops at the first event that
 * does not hold: a gap in seq, a body that is not the canonical JSON of itself, a hash that does
 * not match the body, a prevHash that does not match its predecessor, or a query column that
 * disagrees with the body. An empty log verifies with head = the genesis hash.
 *
 * It cannot see a rewrite of the newest events with recomputed hashes; signed checkpoints will.
 */
export function verifyAuditChain(store: Store): AuditChainVerification {
  let count = 0;
  let prevHash: string = GENESIS_HASH;
  for (const row of auditStatements(store.db).all.iterate()) {
    const expectedSeq = count + 1;
    const problem = rowProblem(row, expectedSeq, prevHash);
    if (problem !== undefined) {
      const brokenSeq = row.seq > expectedSeq ? expectedSeq : row.seq;
      return { ok: false, count, brokenSeq, reason: `event ${brokenSeq}: ${problem}` };
    }
    count++;
    prevHash = row.hash;
  }
  return { ok: true, count, head: prevHash as Digest };
}

/** What is wrong with one row, in words, or undefined when it holds. */
function rowProblem(row: AuditRow, expectedSeq: number, prevHash: string): string | undefined {
  if (row.seq > expectedSeq) return `is missing (the next stored event is ${row.seq})`;
  if (row.seq < expectedSeq) return `has an invalid sequence number (expected ${expectedSeq})`;
  let event: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(row.body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'its body is not a JSON object';
    event = parsed as Record<string, unknown>;
  } catch {
    return 'its body is not valid JSON';
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
