import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAuditEvents, type AuditEventInput } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { Host } from '../../src/host/host.js';
import type { CallRow } from '../../src/shared/host-api/index.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * A Host seeds its Live view's rows from the audit log's newest call events, so the window shows
 * the calls from before a restart. Events are written here through the store's own append (the
 * shapes the Host writes: host.ts judged/finished/holdResolved), plus an event from before the
 * call ids existed and rows no Airlock wrote.
 */

const temps: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of temps.splice(0)) cleanup();
});

function freshHome(): string {
  const { dir, cleanup } = makeTempDir('airlock-seed-');
  temps.push(cleanup);
  return path.join(dir, 'home');
}

const ALLOWED = 'a1a1a1a1a1a1a1a1';
const TIMED_OUT = 'b2b2b2b2b2b2b2b2';
const ONCE = 'c3c3c3c3c3c3c3c3';
const REFUSED = 'd4d4d4d4d4d4d4d4';

const decided = (callId: string, decision: 'ALLOW' | 'HOLD' | 'DENY', extra: Record<string, string> = {}): AuditEventInput => ({
  type: 'call.decided',
  server: 'files',
  tool: `tool-${callId.slice(0, 2)}`,
  decision,
  rule: decision === 'DENY' ? 'R4' : decision === 'HOLD' ? 'R3' : 'R5',
  args: { path: '/secret/place' },
  detail: { code: `code.${decision.toLowerCase()}`, method: 'tools/call', callId, client: 'claude-code', sessionId: 's-1', ...extra },
});

async function recentCalls(host: Host): Promise<CallRow[]> {
  return (await host.api.invoke('recentCalls', {})) as CallRow[];
}

describe('recent calls after a Host restart', () => {
  it('come back from the audit log with their decision, rule, answer, who answered and latency, newest first', async () => {
    const home = freshHome();
    const store = openStore(home);
    appendAuditEvents(store, [
      decided(ALLOWED, 'ALLOW'),
      { type: 'server.message', server: 'files', decision: 'ALLOW', rule: 'R6', detail: { code: 'message.ok', method: null, kind: 'result' } },
      { type: 'call.finished', server: 'files', tool: 'tool-a1', decision: 'ALLOW', rule: 'R6', response: { ok: true }, detail: { method: 'tools/call', code: 'response.ok', latencyMs: 12.5, callId: ALLOWED } },
      decided(TIMED_OUT, 'HOLD', { reason: 'tool "tool-b2" changed since you approved it' }),
      decided(ONCE, 'HOLD', { reason: 'tool "tool-c3" changed since you approved it' }),
      decided(REFUSED, 'DENY', { reason: 'tool "tool-d4" was refused: an argument is not in the approved schema' }),
      { type: 'hold.resolved', server: 'files', tool: 'tool-c3', decision: 'ALLOW', rule: 'R3', detail: { code: 'hold.allowed-once', holdId: 'h2', client: 'claude-code', answeredBy: 'the Airlock window', callId: ONCE, reason: 'allowed once by the Airlock window' } },
      { type: 'call.finished', server: 'files', tool: 'tool-c3', decision: 'ALLOW', rule: 'R6', response: { ok: true }, detail: { method: 'tools/call', code: 'response.ok', latencyMs: 2000, callId: ONCE } },
      { type: 'hold.resolved', server: 'files', tool: 'tool-b2', decision: 'DENY', rule: 'R3', detail: { code: 'tool.hold-timeout', holdId: 'h1', client: 'claude-code', callId: TIMED_OUT, reason: 'held for 120 s without an answer and was denied' } },
    ]);
    store.close();

    const host = await Host.start({ home, listen: false });
    try {
      const rows = await recentCalls(host);
      expect(rows.map((r) => r.id)).toEqual([REFUSED, ONCE, TIMED_OUT, ALLOWED]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(ALLOWED)).toMatchObject({ server: 'files', key: 'tool-a1', method: 'tools/call', client: 'claude-code', sessionId: 's-1', decision: 'ALLOW', rule: 'R5', finalDecision: null, latencyMs: 12.5, restored: true });
      expect(byId.get(TIMED_OUT)).toMatchObject({ decision: 'HOLD', rule: 'R3', finalDecision: 'DENY', answeredBy: 'timeout', allowedOnce: false, finalReason: 'held for 120 s without an answer and was denied', reason: 'tool "tool-b2" changed since you approved it' });
      // A denied hold has no finished event: its wait is the time from its decision to its answer.
      expect(byId.get(TIMED_OUT)?.latencyMs).toEqual(expect.any(Number));
      expect(byId.get(ONCE)).toMatchObject({ finalDecision: 'ALLOW', answeredBy: 'you', allowedOnce: true, latencyMs: 2000 });
      expect(byId.get(REFUSED)).toMatchObject({ decision: 'DENY', rule: 'R4', reason: 'tool "tool-d4" was refused: an argument is not in the approved schema', finalDecision: null });
      // Contents never reach the audit log, so a restored call has none to show.
      expect(await host.api.invoke('callDetail', { id: ALLOWED })).toEqual({ id: ALLOWED, available: false, arguments: null, result: null });
    } finally {
      await host.stop();
    }
  });

  it('shows an event from before call ids with what it has, and skips rows that are not events, without failing to start', async () => {
    const home = freshHome();
    const store = openStore(home);
    appendAuditEvents(store, [
      // An Airlock before this change: no callId, client, session or reason.
      { type: 'call.decided', server: 'files', tool: 'read_file', decision: 'HOLD', rule: 'R3', detail: { code: 'tool.changed', method: 'tools/call' } },
      { type: 'hold.resolved', server: 'files', tool: 'read_file', decision: 'DENY', rule: 'R3', detail: { code: 'tool.hold-timeout', holdId: 'h9', client: null } },
      // Odd field values: a call id that is not one, a latency that is not a number.
      { type: 'call.decided', server: 'files', tool: 'list_dir', decision: 'ALLOW', rule: 'R5', detail: { code: 'tool.approved', method: 'tools/call', callId: 42, client: ['x'] } },
      { type: 'call.finished', server: 'files', tool: 'list_dir', decision: 'ALLOW', rule: 'R6', detail: { callId: 42, latencyMs: 'fast' } },
      // No detail at all.
      { type: 'call.decided', server: 'files', tool: 'stat', decision: 'DENY', rule: 'R2' },
    ]);
    // Rows no Airlock wrote: a body that is not JSON, and one that is JSON but not an event.
    const insert = store.db.prepare('INSERT INTO audit_events (seq, ts, type, server, tool, decision, body, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const hash = `sha256:${'e'.repeat(64)}`;
    insert.run(6, new Date().toISOString(), 'call.decided', 'files', 'broken', 'ALLOW', '{"seq":6,"type":"call.decided"', hash);
    insert.run(7, new Date().toISOString(), 'call.decided', 'files', 'odd', 'MAYBE', JSON.stringify({ seq: 7, type: 'call.decided', decision: 'MAYBE', server: 'files' }), hash);
    store.close();

    const host = await Host.start({ home, listen: false });
    try {
      const rows = await recentCalls(host);
      expect(rows.map((r) => r.key)).toEqual(['stat', 'list_dir', 'read_file']);
      const [stat, listDir, readFile] = rows;
      expect(stat).toMatchObject({ decision: 'DENY', rule: 'R2', method: 'unknown', client: null, sessionId: '', reason: 'not recorded in the audit log', latencyMs: null, restored: true });
      expect(listDir).toMatchObject({ id: 'audit-3', client: null, latencyMs: null, reason: 'recorded as tool.approved' });
      // Its answer cannot be joined to it, so the row says only what the decision said.
      expect(readFile).toMatchObject({ id: 'audit-1', decision: 'HOLD', finalDecision: null, answeredBy: null, restored: true });
    } finally {
      await host.stop();
    }
  });

  it('keeps at most as many calls as the Live view lists, the newest ones', async () => {
    const home = freshHome();
    const store = openStore(home);
    const events: AuditEventInput[] = [];
    for (let i = 0; i < 1_100; i += 1) events.push(decided(i.toString(16).padStart(16, '0'), 'ALLOW'));
    appendAuditEvents(store, events);
    store.close();
    const host = await Host.start({ home, listen: false });
    try {
      const rows = await recentCalls(host);
      expect(rows).toHaveLength(1_000);
      expect(rows[0]?.id).toBe((1_099).toString(16).padStart(16, '0'));
      expect(rows.at(-1)?.id).toBe((100).toString(16).padStart(16, '0'));
    } finally {
      await host.stop();
    }
  });
});
