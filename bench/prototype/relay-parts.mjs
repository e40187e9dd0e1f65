// Bench-only parts shared by the issue-15 prototypes (not production code): a group commit that
// holds every forward until the records appended before it are committed (issue 16's rule), an
// upstream wrapper that routes sends through it, and RelaySession hooks that do per call what
// src/host/host.ts does (decision event, call fields, call log, events). Built on dist/.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import { CallLog, newCallId, redactValue } from '../../dist/host/call-log.js';
import { withCallFields } from '../../dist/host/call-audit.js';
import { hostGateRules } from '../../dist/host/gate-rules.js';
import { verdict } from '../../dist/engine/gate/verdict.js';

/**
 * Records are appended to the open group; a forward asked for while the group holds a record that
 * must come first (or while an earlier group is still being committed) waits in that group and is
 * sent once the group is committed. The group is committed at setImmediate, i.e. after every line
 * read in this turn of the event loop was judged: one commit for all calls of one tick. Records that
 * gate nothing (call.finished, server.message) are kept apart and written by `lazy(events)` every
 * 10 ms in a transaction of their own, so the commit a forward waits for holds only decisions.
 * `commit(events)` is synchronous (SQLite in this process) or returns a promise (the Host's ack).
 */
export class GroupCommit {
  constructor(commit, lazy = commit, { lazyMs = 10 } = {}) {
    this.commit = commit;
    this.lazy = lazy;
    this.lazyMs = lazyMs;
    this.lazyEvents = [];
    this.group = { events: [], sends: [], urgent: false };
    this.inflight = 0;
    this.immediate = null;
    this.timer = null;
    this.commits = 0;
    this.events = 0;
    this.failed = null;
  }

  record(event, urgent) {
    if (!urgent) {
      this.lazyEvents.push(event);
      this.timer ??= setTimeout(() => this.flushLazy(), this.lazyMs);
      return;
    }
    this.group.events.push(event);
    this.group.urgent = true;
    this.immediate ??= setImmediate(() => this.flush());
  }

  flushLazy() {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.lazyEvents.length === 0) return;
    const events = this.lazyEvents;
    this.lazyEvents = [];
    this.commits += 1;
    this.events += events.length;
    void this.lazy(events);
  }

  /** Sends now when nothing recorded before it waits for a commit, else once its group is committed. */
  send(upstream, line) {
    if (!this.group.urgent && this.inflight === 0 && this.group.sends.length === 0) return upstream.send(line);
    this.group.sends.push([upstream, line]);
  }

  flush() {
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.immediate = null;
    const group = this.group;
    if (group.events.length === 0 && group.sends.length === 0) return;
    this.group = { events: [], sends: [], urgent: false };
    this.commits += 1;
    this.events += group.events.length;
    const release = () => {
      for (const [upstream, line] of group.sends) upstream.send(line);
    };
    const done = group.events.length === 0 ? undefined : this.commit(group.events);
    if (done === undefined || typeof done.then !== 'function') return release();
    // Asynchronous commits finish in order (one connection, one queue), so groups release in order.
    this.inflight += 1;
    done.then(
      () => {
        this.inflight -= 1;
        release();
        if (this.inflight === 0 && this.group.sends.length > 0 && !this.group.urgent) this.flush();
      },
      (error) => {
        // Fail closed: nothing of this group is forwarded.
        this.inflight -= 1;
        this.failed = error;
      },
    );
  }
}

/**
 * A journal commit: the group's records are appended to a plain file with one write() (no fsync:
 * a crash of the process cannot lose what write() returned, the kernel holds it) and the call goes
 * on (`journal`); `append(events)` puts them into the SQLite chain later (`later`, also for records that gate nothing), batched every `lazyMs`, off the
 * call's path. A real one would replay the journal's tail at start and trim it after each append.
 */
export function journalCommit(file, append, { lazyMs = 10 } = {}) {
  const fd = fs.openSync(file, 'a', 0o600);
  let deferred = [];
  let timer = null;
  const later = (events) => {
    for (const e of events) deferred.push(e);
    timer ??= setTimeout(() => {
      timer = null;
      const batch = deferred;
      deferred = [];
      append(batch);
    }, lazyMs);
  };
  const journal = (events) => {
    let text = '';
    for (const e of events) text += `${JSON.stringify(e)}\n`;
    fs.writeSync(fd, text);
    later(events);
  };
  // Decisions are journaled before their forward; the other records only need the chain, later.
  return { journal, later };
}

/** An Upstream whose send() goes through the group commit; everything else is the wrapped upstream's. */
export class GatedUpstream extends EventEmitter {
  constructor(inner, group) {
    super();
    this.inner = inner;
    this.group = group;
    for (const event of ['line', 'oversize', 'exit']) inner.on(event, (value) => this.emit(event, value));
  }
  get alive() {
    return this.inner.alive;
  }
  get pid() {
    return this.inner.pid;
  }
  send(line) {
    this.group.send(this.inner, line);
  }
  stop() {
    return this.inner.stop();
  }
  stderr() {
    return this.inner.stderr();
  }
}

/**
 * What host.ts's RelayHooks do per call, with the audit records going to `record(event, urgent)`
 * and the Live view's work (call log rows, events) done here when `liveView` is true, else left
 * to `notice(row)` (the judging-connect prototype sends those to the Host).
 */
export function relayHooks({ name, registry, approveOnFirstList, record, liveView = true, notice = () => {}, emitter = new EventEmitter(), secrets = [] }) {
  const rules = hostGateRules();
  const calls = new CallLog();
  const callIds = new WeakMap();
  let session;
  const hooks = {
    calls,
    emitter,
    bind(s) {
      session = s;
    },
    gateContext: () => Object.assign(registry.gateContext(name), { rules, secrets }),
    judged(judgement) {
      const { verdict: v, call } = judgement;
      const id = newCallId();
      const event = registry.decisionEvent(name, judgement);
      const fields = { callId: id, client: session.clientName, sessionId: session.id, ...(v.decision === 'ALLOW' ? {} : { reason: v.reason }) };
      record({ ...event, detail: withCallFields(event.detail, fields) }, true);
      const method = call?.method ?? judgement.message?.kind ?? 'invalid';
      if (call) callIds.set(call, id);
      const row = { id, server: name, sessionId: session.id, client: session.clientName, method, key: call?.key ?? '', decision: v.decision, rule: v.rule, reason: v.reason };
      if (!liveView) return notice({ started: row, args: call?.args ?? null });
      const record_ = calls.started(row, redactValue(call?.args ?? null, secrets));
      emitter.emit('call.started', { server: name, sessionId: session.id, method, key: row.key, decision: v.decision, rule: v.rule, reason: v.reason, call: record_ });
    },
    hold: () => Promise.resolve(verdict('DENY', 'R3', 'hold.prototype', 'the prototype does not hold calls')),
    finished(call, v, response, latencyMs) {
      const id = callIds.get(call);
      const detail = { method: call.method, code: v.code, latencyMs: Math.round(latencyMs * 1000) / 1000 };
      record({ type: 'call.finished', server: name, tool: call.key, decision: v.decision, rule: v.rule, response, ...(v.findings ? { findings: [...v.findings] } : {}), detail: id === undefined ? detail : withCallFields(detail, { callId: id }) }, false);
      if (!liveView) return notice({ finished: id, latencyMs, decision: v.decision });
      const row = id === undefined ? undefined : calls.finished(id, latencyMs, redactValue(v.rewritten ?? response, secrets));
      if (row) emitter.emit('call.finished', { server: name, sessionId: session.id, method: call.method, key: call.key, decision: v.decision, latencyMs, call: row });
    },
    fromServer({ verdict: v, message }) {
      const method = message && message.kind !== 'result' && message.kind !== 'error' ? message.message.method : null;
      record({ type: 'server.message', server: name, decision: v.decision, rule: v.rule, detail: { code: v.code, method, kind: message?.kind ?? 'invalid' } }, false);
    },
    observe(surface) {
      const outcome = registry.observe(name, surface);
      const c = registry.controller(name);
      if (approveOnFirstList && c.generation === 0 && c.state !== 'RED') registry.approve(name, outcome.report.liveHash, 'trust-on-first-use');
    },
    observeFailed(error) {
      process.stderr.write(`prototype: could not list "${name}": ${error.message}\n`);
    },
    served: () => registry.controller(name).servedSurface(),
    log: () => {},
  };
  return hooks;
}

/** The Host's side of the Live view for rows that arrive as notices (judging-connect prototype). */
export function applyNotices(calls, emitter, notices) {
  for (const n of notices) {
    if (n.started) {
      const row = calls.started(n.started, n.args);
      emitter.emit('call.started', { server: row.server, sessionId: row.sessionId, method: row.method, key: row.key, decision: row.decision, rule: row.rule, reason: row.reason, call: row });
    } else if (n.finished) {
      const row = calls.finished(n.finished, n.latencyMs, null);
      if (row) emitter.emit('call.finished', { server: row.server, sessionId: row.sessionId, method: row.method, key: row.key, decision: n.decision, latencyMs: n.latencyMs, call: row });
    }
  }
}
