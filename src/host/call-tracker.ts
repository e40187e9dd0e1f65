import type { EventEmitter } from 'node:events';
import type { TrustRegistry } from '../engine/controller/trust-registry.js';
import type { AuditEventInput } from '../engine/audit/index.js';
import type { RequestJudgement, ResponseVerdict } from '../engine/gate/gate.js';
import type { JudgedCall } from '../engine/gate/judged-methods.js';
import { verdict, type Verdict } from '../engine/gate/verdict.js';
import { AUDIT_NAME_CHARS, auditText, withCallFields } from './call-audit.js';
import { CallLog, newCallId, redactValue, type CallRecord } from './call-log.js';
import { allowedOnce, holdAnswerer } from './hold-answerer.js';
import type { HoldBook } from './hold-book.js';
import type { HostEvents, HoldView } from './host-events.js';

/** The session a call came in on, as the audit log and the window name it. */
export interface CallSession {
  id: string;
  clientName: string | null;
  /** "connect", or "token NAME" for a client of the MCP endpoint. */
  via: string;
}

/** Where the tracker's audit records go (the AuditBatcher). */
export interface CallAuditSink {
  /** Today's path: batched into the chain, off the call's path. */
  append(event: AuditEventInput): void;
  /** Journaled now, surviving a crash of the process once it returns; throws when it cannot be. */
  journal(event: AuditEventInput): void;
}

export interface CallTrackerDeps {
  registry: TrustRegistry;
  holds: () => HoldBook;
  audit: CallAuditSink;
  emit: EventEmitter<HostEvents>['emit'];
  log: (message: string) => void;
  /** Why calls to a remote server wait for a sign-in, when they do. */
  lapse: (server: string) => string | undefined;
  holdTimeoutMs: number;
}

/**
 * Each call's way through the Host: its decision, its hold and answer, its finish, written to
 * the audit log with one call id and kept as a row for the window's Live view.
 */
export class CallTracker {
  /** Recent calls for the window: in memory, seeded at start from the audit log (without contents). */
  readonly calls = new CallLog();
  private readonly callIds = new WeakMap<JudgedCall, string>();
  private readonly holdCalls = new Map<string, string>();
  /** Holds whose resolution is journaled: only those may let their call go on. */
  private readonly journaledResolutions = new Set<string>();

  constructor(private readonly deps: CallTrackerDeps) {}

  /** The Live view's rows from before this start, read back from the audit log; a log it cannot read leaves them empty. */
  seed(read: () => CallRecord[]): void {
    try {
      this.calls.seed(read());
    } catch (error) {
      this.deps.log(`could not read the recent calls back from the audit log (${(error as Error).message}); the Live view starts empty. Check the log with: airlock audit verify`);
    }
  }

  judged(server: string, session: CallSession, judgement: RequestJudgement, secretValues: readonly string[]): void {
    const { verdict: v, call } = judgement;
    // The row's id goes into the event first, so a later Host can join the call's events into its row again.
    const id = newCallId();
    const event = this.deps.registry.decisionEvent(server, judgement);
    const fields = { callId: id, client: session.clientName, sessionId: session.id, via: session.via, ...(v.decision === 'ALLOW' ? {} : { reason: v.reason }) };
    // The relay forwards an allowed call as soon as this returns: its record is journaled first (issue 16).
    this.record({ ...event, detail: withCallFields(event.detail, fields) }, v.decision === 'ALLOW');
    const method = call?.method ?? judgement.message?.kind ?? 'invalid';
    const record = this.calls.started(
      { id, server, sessionId: session.id, client: session.clientName, via: session.via, method, key: call?.key ?? '', decision: v.decision, rule: v.rule, reason: v.reason },
      redactValue(call?.args ?? null, secretValues),
    );
    if (call) this.callIds.set(call, record.id);
    // A call the gate denies ends here (the client has its error): its row says how long that took, not "running".
    const row = v.decision === 'DENY' ? (this.calls.finished(record.id, Date.now() - Date.parse(record.startedAt), null) ?? record) : record;
    this.deps.emit('call.started', { server, sessionId: session.id, method, key: call?.key ?? '', decision: v.decision, rule: v.rule, reason: v.reason, call: row });
    if (v.decision === 'DENY') this.deps.log(`DENY ${server}: ${v.reason}`);
  }

  hold(server: string, session: CallSession, judgement: RequestJudgement, cancelled?: AbortSignal): Promise<Verdict> {
    const call = judgement.call;
    if (!call) return Promise.resolve(verdict('DENY', 'R3', 'hold.without-call', 'only calls can be held'));
    const callId = this.callIds.get(call);
    const lapse = this.deps.lapse(server);
    const { view, final } = this.deps.holds().open(
      { server, kind: call.kind, key: call.key, sessionId: session.id, client: session.clientName, callId: callId ?? null, ...(lapse === undefined ? {} : { reason: lapse }) },
      () => this.timeoutReason(server, call.kind, call.key),
      cancelled,
    );
    if (callId !== undefined) this.holdCalls.set(view.id, callId);
    this.deps.emit('hold.opened', view);
    const from = session.clientName ?? 'an unnamed client';
    if (lapse !== undefined) this.deps.log(`HOLD ${call.kind} "${call.key}" on "${server}" from ${from}: waiting for a sign-in; ${lapse}`);
    else this.deps.log(`HOLD ${call.kind} "${call.key}" on "${server}" from ${from}: waiting for your answer. Review it with: airlock review ${server}`);
    // The HoldBook resolves `final` and then calls holdResolved, synchronously; this runs after
    // both, so an ALLOW goes on only when its hold.resolved record is journaled.
    return final.then((v) => {
      const recorded = this.journaledResolutions.delete(view.id);
      if (v.decision !== 'ALLOW' || recorded) return v;
      return verdict('DENY', 'R3', 'hold.unrecorded', `${call.kind} "${call.key}" on "${server}" was allowed, but Airlock could not record it in its audit journal, so the call was denied. Free disk space or make the Airlock home writable: Airlock tries again every second and answers calls once it can write.`);
    });
  }

  /** The HoldBook's answer to a hold (the user's, a timeout's, or the Host's). */
  holdResolved(view: HoldView, final: Verdict, answeredBy: string | null): void {
    const callId = this.holdCalls.get(view.id);
    this.holdCalls.delete(view.id);
    const detail = { code: final.code, holdId: view.id, client: view.client === null ? null : auditText(view.client, AUDIT_NAME_CHARS), ...(answeredBy === null ? {} : { answeredBy }) };
    const event = { type: 'hold.resolved', server: view.server, tool: view.key, decision: final.decision, rule: final.rule, detail: callId === undefined ? detail : withCallFields(detail, { callId, reason: final.reason }) };
    if (this.record(event, false)) this.journaledResolutions.add(view.id);
    const decision = final.decision === 'ALLOW' ? 'ALLOW' : 'DENY';
    const by = holdAnswerer(final.code);
    this.deps.emit('hold.resolved', { hold: view, decision, reason: final.reason, answeredBy: by });
    const record = callId === undefined ? undefined : this.calls.resolved(callId, decision, { by, reason: final.reason, once: allowedOnce(final.code) });
    // A denied hold never reaches the server, so no finished event would come: the row ends here.
    if (record && decision === 'DENY') this.emitDeniedHold(record);
    this.deps.log(`${final.decision} after hold: ${final.reason}`);
  }

  /** A call's answer was judged (R6): audited with its response's hash, and its row ends. */
  finished(server: string, sessionId: string, call: JudgedCall, v: ResponseVerdict, response: unknown, latencyMs: number, secretValues: readonly string[]): void {
    const id = this.callIds.get(call);
    const detail = { method: call.method, code: v.code, latencyMs: Math.round(latencyMs * 1000) / 1000 };
    // A call that did not end with its answer forwarded says why (server exited, cancelled, refused): the gate's words, clipped.
    const fields = v.decision === 'ALLOW' ? {} : { reason: v.reason };
    this.deps.audit.append({ type: 'call.finished', server, tool: call.key, decision: v.decision, rule: v.rule, response, ...(v.findings ? { findings: [...v.findings] } : {}), detail: id === undefined ? detail : withCallFields(detail, { callId: id, ...fields }) });
    const record = id === undefined ? undefined : this.calls.finished(id, latencyMs, redactValue(v.rewritten ?? response, secretValues));
    if (record) this.deps.emit('call.finished', { server, sessionId, method: call.method, key: call.key, decision: v.decision, latencyMs, call: record });
  }

  /**
   * Journals a record; returns false when it could not be and went the batched way instead. A
   * record whose call is forwarded right after (`forwards`) is never sent the batched way: the
   * error is thrown, the relay session ends, and the call is not forwarded.
   */
  private record(event: AuditEventInput, forwards: boolean): boolean {
    try {
      this.deps.audit.journal(event);
      return true;
    } catch (error) {
      if (forwards) throw error;
      this.deps.audit.append(event);
      return false;
    }
  }

  private emitDeniedHold(record: CallRecord): void {
    const latencyMs = Date.now() - Date.parse(record.startedAt);
    const finished = this.calls.finished(record.id, latencyMs, null) ?? record;
    this.deps.emit('call.finished', { server: record.server, sessionId: record.sessionId, method: record.method, key: record.key, decision: 'DENY', latencyMs, call: finished });
  }

  private timeoutReason(server: string, kind: string, key: string): string {
    const item = this.deps.registry.controller(server).snapshot.report?.items.find((i) => i.kind === kind && i.key === key);
    const worst = item?.findings[0];
    const seconds = Math.round(this.deps.holdTimeoutMs / 1000);
    const lapse = this.deps.lapse(server);
    if (lapse !== undefined) return `${kind} "${key}" on "${server}" waited ${seconds} s for a sign-in and was denied: ${lapse}`;
    return `${kind} "${key}" on "${server}" was held for ${seconds} s without an answer and was denied${worst ? `: ${worst.message}` : ''}. Review it with: airlock review ${server}`;
  }
}
