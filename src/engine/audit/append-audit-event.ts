import { canonicalDigest } from '../canonical-json.js';
import { appendLeaf, merkleLeafHash, syncMerkleTree } from '../merkle/index.js';
import type { Store } from '../store/store.js';
import { AuditEventInputSchema, GENESIS_HASH, type AuditEvent, type AuditEventBody, type AuditEventInput } from './audit-event.js';
import { auditStatements } from './audit-statements.js';
import { canonicalEventTexts } from './canonical-event.js';

/**
 * Appends one event to the chain. Reading the head and inserting happen in one BEGIN IMMEDIATE
 * transaction, which takes SQLite's write lock first, so appends from any number of processes
 * serialize into one unbroken chain. Raw arguments and responses are hashed, never stored.
 */
export function appendAuditEvent(store: Store, input: AuditEventInput): AuditEvent {
  const [event] = appendAuditEvents(store, [input]);
  if (!event) throw new Error('appendAuditEvents returned no event');
  return event;
}

/**
 * Appends several events in order, in ONE transaction: one head read, one commit (one fsync)
 * for the lot. The Host batches per-call events this way so logging stays off the call path.
 */
export function appendAuditEvents(store: Store, inputs: readonly AuditEventInput[]): AuditEvent[] {
  // Validate and hash outside the transaction: it can be slow for a large payload and needs no lock.
  const prepared = inputs.map((input) => {
    const parsed = AuditEventInputSchema.parse(input);
    if (parsed.args !== undefined && parsed.argsHash !== undefined) throw new TypeError('an audit event takes its arguments or their hash, not both');
    return {
      parsed,
      argsHash: parsed.args === undefined ? (parsed.argsHash ?? null) : hashPayload(parsed.args, 'arguments'),
      responseHash: parsed.response === undefined ? null : hashPayload(parsed.response, 'response'),
    };
  });
  const statements = auditStatements(store.db);
  const append = store.db.transaction((): AuditEvent[] => {
    // A log written before the Merkle tree existed gets its leaves first, under the same lock.
    syncMerkleTree(store);
    const head = statements.last.get();
    let seq = head?.seq ?? 0;
    let prevHash = (head?.hash ?? GENESIS_HASH) as AuditEventBody['prevHash'];
    const now = new Date().toISOString();
    let lastTs = head?.ts ?? null;
    return prepared.map(({ parsed, argsHash, responseHash }) => {
      // Time never runs backwards in the chain: an event journaled a little before an event that
      // was appended first (or a clock set back) takes its predecessor's time.
      const ts = notBefore(parsed.ts === undefined ? now : new Date(parsed.ts).toISOString(), lastTs);
      lastTs = ts;
      const body: AuditEventBody = {
        seq: ++seq,
        ts,
        type: parsed.type,
        server: parsed.server ?? null,
        tool: parsed.tool ?? null,
        decision: parsed.decision ?? null,
        rule: parsed.rule ?? null,
        findings: parsed.findings ?? [],
        approvedHash: parsed.approvedHash ?? null,
        liveHash: parsed.liveHash ?? null,
        argsHash,
        responseHash,
        detail: parsed.detail ?? null,
        prevHash,
      };
      const { body: text, hash, event } = canonicalEventTexts(body);
      statements.insert.run({ seq: body.seq, ts: body.ts, type: body.type, server: body.server, tool: body.tool, decision: body.decision, body: text, hash });
      // Leaf seq−1 is added in this transaction, so the tree can never disagree with the log.
      appendLeaf(store.db, body.seq - 1, merkleLeafHash(event));
      prevHash = hash;
      return { ...body, hash };
    });
  });
  return append.immediate();
}

function notBefore(ts: string, previous: string | null): string {
  return previous !== null && Date.parse(previous) > Date.parse(ts) ? previous : ts;
}

function hashPayload(value: unknown, what: string): AuditEventBody['argsHash'] {
  try {
    return canonicalDigest(value);
  } catch (error) {
    throw new TypeError(`cannot hash the call's ${what} for the audit log: ${(error as Error).message}`, { cause: error });
  }
}
