import { randomBytes } from 'node:crypto';
import type { Decision } from '../engine/decision.js';
import type { HoldAnswerer } from './hold-answerer.js';

/** One call as the window lists it (the shape of the HostApi's CallRow). */
export interface CallRecord {
  id: string;
  server: string;
  sessionId: string;
  client: string | null;
  /** How the session came in ("connect", or "token NAME" of the MCP endpoint); null for a row from an older log. */
  via: string | null;
  method: string;
  key: string;
  decision: Decision;
  rule: string;
  reason: string;
  startedAt: string;
  finalDecision: 'ALLOW' | 'DENY' | null;
  /** Who ended the hold (the HostApi's HoldAnswerer); null until then. */
  answeredBy: HoldAnswerer | null;
  /** The answer let this one call through and left its item unapproved. */
  allowedOnce: boolean;
  finalReason: string | null;
  latencyMs: number | null;
  /** Read back from the audit log when the Host started: made before, so its contents were never kept here. */
  restored: boolean;
}

export const MAX_ROWS = 1_000;
/** Contents are kept for fewer calls than rows: arguments and results can be large. */
const MAX_DETAILS = 200;

/**
 * The recent calls the Host has seen: the rows for the window's Live view and, for the newest
 * ones, what they carried (redacted of the server's secrets). Nothing here is written to disk;
 * the audit log keeps hashes of arguments and responses, never the values. At start the rows
 * are seeded from the audit log (calls-from-audit.ts), without contents.
 */
export class CallLog {
  private readonly rows = new Map<string, CallRecord>();
  private readonly details = new Map<string, { arguments: unknown; result: unknown }>();

  /** The calls an earlier Host run recorded, oldest first, so the window shows them after a restart. */
  seed(records: readonly CallRecord[]): void {
    for (const record of records) if (!this.rows.has(record.id)) this.rows.set(record.id, { ...record });
    trim(this.rows, MAX_ROWS);
  }

  /** `id` from newCallId(), taken before the call's audit event is appended so the event can name it. */
  started(fields: Omit<CallRecord, 'startedAt' | 'finalDecision' | 'answeredBy' | 'finalReason' | 'latencyMs' | 'restored' | 'allowedOnce'>, args: unknown): CallRecord {
    // Written out field by field: a spread followed by new keys took ≈ 7 µs here (V8 adds each key to a copied object the slow way).
    const { id, server, sessionId, client, via, method, key, decision, rule, reason } = fields;
    const record: CallRecord = { id, server, sessionId, client, via, method, key, decision, rule, reason, startedAt: new Date().toISOString(), finalDecision: null, answeredBy: null, allowedOnce: false, finalReason: null, latencyMs: null, restored: false };
    this.rows.set(record.id, record);
    this.details.set(record.id, { arguments: args, result: undefined });
    trim(this.rows, MAX_ROWS);
    trim(this.details, MAX_DETAILS);
    return record;
  }

  finished(id: string, latencyMs: number, result: unknown): CallRecord | undefined {
    const record = this.rows.get(id);
    if (record === undefined) return undefined;
    record.latencyMs = Math.round(latencyMs * 1000) / 1000;
    if (record.decision === 'HOLD' && record.finalDecision === null) record.finalDecision = 'ALLOW';
    const detail = this.details.get(id);
    if (detail !== undefined) detail.result = result;
    return { ...record };
  }

  /** A held call's answer (the user's, or the timeout's). */
  resolved(id: string, decision: 'ALLOW' | 'DENY', answer?: { by: HoldAnswerer; reason: string; once?: boolean }): CallRecord | undefined {
    const record = this.rows.get(id);
    if (record === undefined) return undefined;
    record.finalDecision = decision;
    if (answer) {
      record.answeredBy = answer.by;
      record.allowedOnce = answer.once === true;
      record.finalReason = answer.reason;
    }
    return { ...record };
  }

  recent(): CallRecord[] {
    return [...this.rows.values()].reverse().map((r) => ({ ...r }));
  }

  detail(id: string): { id: string; available: boolean; arguments: unknown; result: unknown } {
    const detail = this.details.get(id);
    return detail === undefined ? { id, available: false, arguments: null, result: null } : { id, available: true, arguments: detail.arguments ?? null, result: detail.result ?? null };
  }
}

/** Random bytes for call ids, drawn 4 KiB at a time: one randomBytes per id cost ≈ 3–4 µs a call, 0.3 µs from the pool. */
const ID_POOL_BYTES = 4096;
let idPool = Buffer.alloc(0);
let idPoolAt = 0;

/** A call's id: short, random, and what its audit events carry as detail.callId to be joined again after a restart. */
export function newCallId(): string {
  if (idPoolAt + 8 > idPool.length) {
    idPool = randomBytes(ID_POOL_BYTES);
    idPoolAt = 0;
  }
  idPoolAt += 8;
  return idPool.toString('hex', idPoolAt - 8, idPoolAt);
}

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

// Redaction lives with Secret; re-exported here for the Host, which redacts what the log keeps.
export { redactValue } from './secret.js';
