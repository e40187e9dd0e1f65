import { randomBytes } from 'node:crypto';
import type { Decision } from '../engine/decision.js';
import type { HoldAnswerer } from './hold-answerer.js';

/** One call as the window lists it (the shape of the HostApi's CallRow). */
export interface CallRecord {
  id: string;
  server: string;
  sessionId: string;
  client: string | null;
  method: string;
  key: string;
  decision: Decision;
  rule: string;
  reason: string;
  startedAt: string;
  finalDecision: 'ALLOW' | 'DENY' | null;
  /** Who ended the hold (the HostApi's HoldAnswerer); null until then. */
  answeredBy: HoldAnswerer | null;
  finalReason: string | null;
  latencyMs: number | null;
}

const MAX_ROWS = 1_000;
/** Contents are kept for fewer calls than rows: arguments and results can be large. */
const MAX_DETAILS = 200;

/**
 * The recent calls the Host has seen, in memory only: the rows for the window's Live view and,
 * for the newest ones, what they carried (redacted of the server's secrets). Nothing here is
 * written to disk; the audit log keeps hashes of arguments and responses, never the values.
 */
export class CallLog {
  private readonly rows = new Map<string, CallRecord>();
  private readonly details = new Map<string, { arguments: unknown; result: unknown }>();

  started(fields: Omit<CallRecord, 'id' | 'startedAt' | 'finalDecision' | 'answeredBy' | 'finalReason' | 'latencyMs'>, args: unknown): CallRecord {
    const record: CallRecord = { ...fields, id: randomBytes(8).toString('hex'), startedAt: new Date().toISOString(), finalDecision: null, answeredBy: null, finalReason: null, latencyMs: null };
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
  resolved(id: string, decision: 'ALLOW' | 'DENY', answer?: { by: HoldAnswerer; reason: string }): CallRecord | undefined {
    const record = this.rows.get(id);
    if (record === undefined) return undefined;
    record.finalDecision = decision;
    if (answer) {
      record.answeredBy = answer.by;
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

function trim<K, V>(map: Map<K, V>, max: number): void {
  while (map.size > max) {
    const oldest = map.keys().next();
    if (oldest.done) return;
    map.delete(oldest.value);
  }
}

// Redaction lives with Secret; re-exported here for the Host, which redacts what the log keeps.
export { redactValue } from './secret.js';
