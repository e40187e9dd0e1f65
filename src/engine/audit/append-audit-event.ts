import { canonicalDigest, canonicalJson, digestOf } from '../canonical-json.js';
import type { Store } from '../store/store.js';
import { AuditEventInputSchema, GENESIS_HASH, type AuditEvent, type AuditEventBody, type AuditEventInput } from './audit-event.js';
import { auditStatements } from './audit-statements.js';

/**
 * Appends one event to the chain. Reading the head and inserting happen in one BEGIN IMMEDIATE
 * transaction, which takes SQLite's write lock first, so appends from any number of processes
 * serialize into one unbroken chain. Raw arguments and responses are hashed, never stored.
 */
export function appendAuditEvent(store: Store, input: AuditEventInput): AuditEvent {
  const parsed = AuditEventInputSchema.parse(input);
  // Hash outside the transaction: it can be slow for a large payload and needs no lock.
  const argsHash = parsed.args === undefined ? null : hashPayload(parsed.args, 'arguments');
  const responseHash = parsed.response === undefined ? null : hashPayload(parsed.response, 'response');
  const statements = auditStatements(store.db);
  const append = store.db.transaction((): AuditEvent => {
    const head = statements.last.get();
    const body: AuditEventBody = {
      seq: (head?.seq ?? 0) + 1,
      ts: new Date().toISOString(),
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
      prevHash: (head?.hash ?? GENESIS_HASH) as AuditEventBody['prevHash'],
    };
    const text = canonicalJson(body);
    const hash = digestOf(text);
    statements.insert.run({ seq: body.seq, ts: body.ts, type: body.type, server: body.server, tool: body.tool, decision: body.decision, body: text, hash });
    return { ...body, hash };
  });
  return append.immediate();
}

function hashPayload(value: unknown, what: string): AuditEventBody['argsHash'] {
  try {
    return canonicalDigest(value);
  } catch (error) {
    throw new TypeError(`cannot hash the call's ${what} for the audit log: ${(error as Error).message}`, { cause: error });
  }
}
