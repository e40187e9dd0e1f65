import { MAX_DETAIL_BYTES, recentAuditEvents, type AuditEvent, type AuditEventInput } from '../engine/audit/index.js';
import type { Store } from '../engine/store/index.js';
import { MAX_ROWS, type CallRecord } from './call-log.js';
import { allowedOnce, holdAnswerer } from './hold-answerer.js';

/**
 * What the audit log carries to rebuild the Live view's rows after a restart. Each of a call's
 * events (call.decided, call.finished, hold.resolved) names the call by `detail.callId`; the
 * decided event also says which client and session made it and, when it was not allowed, why.
 * Never an argument's value: the gate's reasons name tools and rules, not what was passed.
 */
export interface CallAuditFields {
  callId: string;
  client?: string | null;
  sessionId?: string;
  /** The way the session came in: "connect", or "token NAME" for the MCP endpoint. */
  via?: string;
  reason?: string;
}

type AuditDetail = NonNullable<AuditEventInput['detail']>;

/** Long enough for the gate's sentences; short enough that a detail stays well under MAX_DETAIL_BYTES. */
const MAX_REASON_CHARS = 400;
export const AUDIT_NAME_CHARS = 100;

/**
 * `detail` with the call's fields added, as long as it still fits the log's limit (the reason is
 * dropped first, then the client): a detail that is too big would make the append fail, and a
 * Host that cannot write its log refuses every call.
 */
export function withCallFields(detail: AuditDetail | null | undefined, fields: CallAuditFields): AuditDetail {
  // Object.assign, not a spread and new keys: V8 adds keys to a spread copy the slow way (≈ 0.8 µs each, twice a call).
  const full: AuditDetail = Object.assign({}, detail, { callId: fields.callId });
  if (fields.sessionId !== undefined) full.sessionId = auditText(fields.sessionId, AUDIT_NAME_CHARS);
  if (fields.via !== undefined) full.via = auditText(fields.via, AUDIT_NAME_CHARS);
  if (fields.client !== undefined) full.client = fields.client === null ? null : auditText(fields.client, AUDIT_NAME_CHARS);
  if (fields.reason !== undefined) full.reason = auditText(fields.reason, MAX_REASON_CHARS);
  // Six bytes per UTF-16 unit covers JSON's longest escape: most calls fit without a JSON.stringify to prove it (≈ 6 µs).
  if (detailBytesBound(full) <= MAX_DETAIL_BYTES) return full;
  for (const optional of ['reason', 'client'] as const) {
    if (Buffer.byteLength(JSON.stringify(full)) <= MAX_DETAIL_BYTES) break;
    delete full[optional];
  }
  return full;
}

/** An upper bound of the detail's JSON size in bytes, without serializing it; Infinity for nested values. */
function detailBytesBound(detail: AuditDetail): number {
  let bytes = 2;
  for (const [key, value] of Object.entries(detail)) {
    if (typeof value === 'string') bytes += 6 * (key.length + value.length) + 6;
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) bytes += 6 * key.length + 30;
    else return Infinity;
  }
  return bytes;
}

/** Clipped, and with any half of a UTF-16 pair replaced: the log's canonical JSON refuses one, and clipping can make one. */
export function auditText(text: string, max: number): string {
  const clipped = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return clipped.replace(/\p{Cs}/gu, '\uFFFD');
}

const CALL_EVENTS = ['call.decided', 'call.finished', 'hold.resolved'];
/** How many of the newest events to look through: a few per call, with room for server messages between them. */
const SCAN_WINDOW = 50 * MAX_ROWS;

interface Answer {
  decision: 'ALLOW' | 'DENY';
  code: string | null;
  reason: string | null;
  at: number;
}

/**
 * The newest calls (up to `max`) as the audit log recorded them, oldest first, for CallLog.seed.
 * Reads the newest events only, newest first: a call's later events are met before its decision.
 * An event from an older Airlock, without these fields, gives a row with what it has; one that is
 * not a call event the Host wrote is skipped. Contents are never in the log, so none come back.
 */
export function callsFromAudit(store: Store, max = MAX_ROWS): CallRecord[] {
  const latencies = new Map<string, number>();
  const answers = new Map<string, Answer>();
  const rows: CallRecord[] = [];
  const ids = new Set<string>();
  if (max <= 0) return rows;
  for (const event of recentAuditEvents(store, { types: CALL_EVENTS, window: SCAN_WINDOW })) {
    const detail = event.detail ?? {};
    const callId = idText(detail.callId);
    if (event.type === 'call.finished') {
      const latency = detail.latencyMs;
      if (callId !== null && typeof latency === 'number' && latency >= 0) latencies.set(callId, latency);
    } else if (event.type === 'hold.resolved') {
      if (callId !== null && (event.decision === 'ALLOW' || event.decision === 'DENY')) {
        answers.set(callId, { decision: event.decision, code: stringOf(detail.code), reason: stringOf(detail.reason), at: Date.parse(event.ts) });
      }
    } else {
      const row = decidedRow(event, callId !== null && !ids.has(callId) ? callId : `audit-${event.seq}`, latencies, answers);
      if (row === null) continue;
      ids.add(row.id);
      rows.push(row);
      if (rows.length >= max) break;
    }
  }
  return rows.reverse();
}

function decidedRow(event: AuditEvent, id: string, latencies: ReadonlyMap<string, number>, answers: ReadonlyMap<string, Answer>): CallRecord | null {
  if (event.server === null || event.decision === null) return null;
  const detail = event.detail ?? {};
  const code = stringOf(detail.code);
  const answer = event.decision === 'HOLD' ? answers.get(id) : undefined;
  const startedAt = Date.parse(event.ts);
  // A denied hold never reached the server, so no finished event says how long it took: its answer's time does.
  const latencyMs = latencies.get(id) ?? (answer?.decision === 'DENY' && answer.at >= startedAt ? answer.at - startedAt : null);
  return {
    id,
    server: event.server,
    sessionId: stringOf(detail.sessionId) ?? '',
    client: stringOf(detail.client),
    via: stringOf(detail.via),
    method: stringOf(detail.method) ?? 'unknown',
    key: event.tool ?? '',
    decision: event.decision,
    rule: event.rule ?? '',
    reason: stringOf(detail.reason) ?? (code === null ? 'not recorded in the audit log' : `recorded as ${code}`),
    startedAt: event.ts,
    finalDecision: answer?.decision ?? null,
    answeredBy: answer?.code == null ? null : holdAnswerer(answer.code),
    allowedOnce: answer?.code != null && allowedOnce(answer.code),
    finalReason: answer?.reason ?? null,
    latencyMs,
    restored: true,
  };
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A call id as the Host writes it (newCallId); anything else cannot be joined on. */
function idText(value: unknown): string | null {
  return typeof value === 'string' && /^[0-9a-f]{16}$/.test(value) ? value : null;
}
