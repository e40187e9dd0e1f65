import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { connectSdk1 } from '../support/mcp-clients.js';
import { AIRLOCK_BIN } from '../support/run-cli.js';
import { auditEvents, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/**
 * Issue 16: an upstream that hangs, floods or exits during a call. Each test is a real Host, real
 * `airlock connect` processes and test/fixtures/hostile-upstream/fault-upstream.mjs, and asserts
 * what the client got, what the audit log says (and that its chain verifies), and that the Host
 * still answers another session at once.
 */

const FAULT_UPSTREAM = fileURLToPath(new URL('../fixtures/hostile-upstream/fault-upstream.mjs', import.meta.url));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface FaultHome {
  airlock: AirlockHome;
  /** Pids of every fault-upstream process started so far, oldest first. */
  pids(): number[];
  /** Every line the upstreams received. */
  received(): string[];
  /** The bytes the current flood wrote so far, and whether it finished. */
  status(): { bytes: number; done: boolean };
  connect(): Promise<Awaited<ReturnType<typeof connectSdk1>>>;
}

async function faultHome(options: { stubborn?: boolean } = {}): Promise<FaultHome> {
  const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
  cleanups.push(() => airlock.close());
  const file = (name: string): string => path.join(airlock.dir, name);
  const read = (name: string): string => (existsSync(file(name)) ? readFileSync(file(name), 'utf8') : '');
  airlock.addServer('fault', { command: process.execPath, args: [FAULT_UPSTREAM], env: { FAULT_LOG: file('received.log'), FAULT_PIDS: file('pids'), FAULT_STATUS: file('status'), ...(options.stubborn ? { FAULT_STUBBORN: '1' } : {}) } }, { approve: true });
  return {
    airlock,
    pids: () => read('pids').split('\n').filter(Boolean).map(Number),
    received: () => read('received.log').split('\n').filter(Boolean),
    status: () => ({ bytes: Number.parseInt(read('status'), 10) || 0, done: read('status').endsWith('done') }),
    async connect() {
      const { command, args } = airlock.connect('fault');
      const client = await connectSdk1(command, args);
      cleanups.push(() => client.close());
      await client.client.listTools();
      return client;
    },
  };
}

async function eventually<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Whether a process still runs: a zombie (ended, not yet reaped by whoever adopted it) counts as ended. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/\) Z /.test(stat);
};

/** The audit log once `ok` holds for it (records are batched), after checking its chain. */
async function auditOnce(home: string, ok: (events: AuditEvent[]) => boolean): Promise<AuditEvent[]> {
  const events = await eventually(() => auditEvents(home), ok);
  const store = openStore(home, { readonly: true });
  try {
    expect(verifyAuditChain(store)).toMatchObject({ ok: true });
  } finally {
    store.close();
  }
  return events;
}

const of = (events: AuditEvent[], type: string, tool: string): AuditEvent[] => events.filter((e) => e.type === type && e.tool === tool);
const textOf = (result: unknown): string | undefined => (result as { content: Array<{ text: string }> }).content[0]?.text;

/** Another client on another session gets its answer: the Host was not stuck behind the fault. */
async function bystanderAnswers(h: FaultHome, message: string): Promise<void> {
  const other = await h.connect();
  expect(textOf(await other.client.callTool({ name: 'echo', arguments: { message } }))).toBe(`echo: ${message}`);
}

describe('an upstream that hangs during a call', () => {
  it('relays the client\'s cancellation upstream, audits the call as cancelled, and keeps the session and the Host answering', async () => {
    const h = await faultHome();
    const client = await h.connect();
    // The client gives up on its own (the SDK's request timeout), and says so with notifications/cancelled.
    const hung = await client.client.callTool({ name: 'hang', arguments: {} }, undefined, { timeout: 1_500 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(hung?.message).toMatch(/timed out/i);
    const calls = h.received().map((l) => JSON.parse(l) as { id?: unknown; method?: string; params?: { name?: string; requestId?: unknown } });
    const hangId = calls.find((m) => m.method === 'tools/call' && m.params?.name === 'hang')?.id;
    await eventually(() => h.received(), (lines) => lines.some((l) => l.includes('notifications/cancelled') && l.includes(`"requestId":${JSON.stringify(hangId)}`)));
    const events = await auditOnce(h.airlock.home, (e) => of(e, 'call.finished', 'hang').length > 0);
    expect(of(events, 'call.decided', 'hang')).toMatchObject([{ decision: 'ALLOW' }]);
    expect(of(events, 'call.finished', 'hang')).toMatchObject([{ decision: 'DENY', detail: { code: 'response.cancelled' } }]);
    // The hung call blocks neither its own session nor any other.
    expect(textOf(await client.client.callTool({ name: 'echo', arguments: { message: 'same session' } }))).toBe('echo: same session');
    await bystanderAnswers(h, 'other session');
  });

  it('ends the hung upstream when its client disconnects, and audits the unfinished call as abandoned', async () => {
    const h = await faultHome();
    const client = await h.connect();
    const [pid] = h.pids();
    expect(alive(pid!)).toBe(true);
    const hung = client.client.callTool({ name: 'hang', arguments: {} }).catch((e: Error) => e);
    await eventually(() => h.received(), (lines) => lines.some((l) => l.includes('"name":"hang"')));
    await client.close();
    expect(await hung).toBeInstanceOf(Error);
    // No orphan: the server that never answered is ended with its session.
    await eventually(() => alive(pid!), (up) => !up);
    const events = await auditOnce(h.airlock.home, (e) => of(e, 'call.finished', 'hang').length > 0);
    expect(of(events, 'call.finished', 'hang')).toMatchObject([{ decision: 'DENY', detail: { code: 'response.unanswered', reason: expect.stringMatching(/the session closed before "fault" answered: the client disconnected/) as unknown } }]);
    await bystanderAnswers(h, 'after the hang');
  });

  it('leaves no orphan when a hung server ignores SIGTERM and has started a child that does too, even when the Host stops right after its client left', async () => {
    const h = await faultHome({ stubborn: true });
    const client = await h.connect();
    void client.client.callTool({ name: 'spawn_child', arguments: {} }).catch(() => undefined);
    const [server, child] = await eventually(() => h.pids(), (pids) => pids.length === 2);
    expect([alive(server!), alive(child!)]).toEqual([true, true]);
    await bystanderAnswers(h, 'beside the stubborn server');
    expect(h.pids()).toHaveLength(3);
    await client.close();
    // The Host stops while that session is still ending: stop() waits for its server too (SIGTERM, then
    // SIGKILL after upstream-stdio.ts's grace), so nothing outlives a Host that quits.
    await h.airlock.host.stop();
    expect(alive(server!)).toBe(false);
    expect(alive(h.pids()[2]!)).toBe(false);
    // The child got its group's SIGKILL as its server ended.
    await eventually(() => alive(child!), (up) => !up);
  });
});

/** `airlock connect fault` with JSON-RPC written by hand, and its stdout read only while `reading`. */
function slowReader(airlock: AirlockHome): { child: ChildProcess; send(message: object): void; next(id: unknown): Promise<Record<string, unknown>>; lines: () => number; read(on: boolean): void } {
  const child = spawn(process.execPath, [AIRLOCK_BIN, 'connect', 'fault', '--home', airlock.home, '--no-autostart'], { stdio: ['pipe', 'pipe', 'pipe'] });
  cleanups.push(() => child.kill());
  let pending = '';
  let count = 0;
  const answers = new Map<string, Record<string, unknown>>();
  const waiters = new Map<string, (m: Record<string, unknown>) => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const line of parts) {
      count += 1;
      // Only answers are parsed: the flood's notifications are counted, not kept.
      if (line.includes('"method"')) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      const key = JSON.stringify(message.id);
      answers.set(key, message);
      waiters.get(key)?.(message);
    }
  });
  return {
    child,
    send: (message) => void child.stdin!.write(`${JSON.stringify(message)}\n`),
    next: (id) => {
      const key = JSON.stringify(id);
      return answers.has(key) ? Promise.resolve(answers.get(key)!) : new Promise((resolve) => waiters.set(key, resolve));
    },
    lines: () => count,
    read: (on) => void (on ? child.stdout!.resume() : child.stdout!.pause()),
  };
}

describe('an upstream that floods during a call', () => {
  it('stops reading a flooding server while its client reads nothing, so the Host buffers a bounded amount, and relays all of it once the client reads', async () => {
    const h = await faultHome();
    const reader = slowReader(h.airlock);
    reader.send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'slow', version: '1' } } });
    await reader.next(1);
    reader.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    reader.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    await reader.next(2);
    reader.read(false);
    const COUNT = 2_048;
    const BYTES = 64 * 1024;
    const before = process.memoryUsage();
    reader.send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'flood_log', arguments: { count: COUNT, bytes: BYTES } } });
    // Wait until the server finished its 128 MB flood, or stopped getting anywhere (blocked on a full pipe).
    let last = -1;
    let still = 0;
    await eventually(
      () => {
        const s = h.status();
        still = s.bytes === last ? still + 1 : 0;
        last = s.bytes;
        return { ...s, still };
      },
      (s) => s.done || (s.bytes > 0 && s.still >= 20),
      120_000,
    );
    const grown = process.memoryUsage().arrayBuffers - before.arrayBuffers;
    const flooded = h.status();
    // Another session is answered while this one is stalled behind its client.
    await bystanderAnswers(h, 'during the flood');
    const seen = `grew ${Math.round(grown / 2 ** 20)} MB while the server wrote ${Math.round(flooded.bytes / 2 ** 20)} MB (done: ${flooded.done})`;
    expect(grown, seen).toBeLessThan(48 * 2 ** 20);
    expect(flooded.done, seen).toBe(false);
    reader.read(true);
    const answer = await reader.next(3);
    expect(answer).toMatchObject({ result: { content: [{ text: `flooded ${COUNT} messages` }] } });
    expect(reader.lines()).toBe(2 + COUNT + 1);
    const events = await auditOnce(h.airlock.home, (e) => of(e, 'call.finished', 'flood_log').length > 0);
    expect(of(events, 'call.finished', 'flood_log')).toMatchObject([{ decision: 'ALLOW' }]);
  }, 240_000);

  it('relays a burst of thousands of server requests to the client, audits each, and answers the call', async () => {
    const h = await faultHome();
    const client = await h.connect();
    const COUNT = 2_000;
    expect(textOf(await client.client.callTool({ name: 'flood_requests', arguments: { count: COUNT } }))).toBe(`asked ${COUNT} times`);
    // Every request reached the client, and every answer went back to the server.
    await eventually(() => client.requests.roots, (n) => n === COUNT);
    await eventually(() => h.received().filter((l) => l.includes('"id":"fault-') && l.includes('"roots"')).length, (n) => n === COUNT);
    const events = await auditOnce(h.airlock.home, (e) => e.filter((x) => x.type === 'server.message').length >= COUNT && of(e, 'call.finished', 'flood_requests').length > 0);
    expect(events.filter((e) => e.type === 'server.message' && e.decision === 'ALLOW')).toHaveLength(COUNT);
    expect(of(events, 'call.finished', 'flood_requests')).toMatchObject([{ decision: 'ALLOW' }]);
    await bystanderAnswers(h, 'after the requests');
  }, 120_000);

  it('answers an answer over the frame limit with an error naming the limit, even while another call waits, audits it, and keeps the session', async () => {
    const h = await faultHome();
    const client = await h.connect();
    // Another call waits on the same session: the dropped answer is matched by the id it starts with.
    void client.client.callTool({ name: 'hang', arguments: {} }).catch(() => undefined);
    await eventually(() => h.received(), (lines) => lines.some((l) => l.includes('"name":"hang"')));
    // 40 MB: over the 32 MiB default (line-framer.ts), dropped as it streams, never held whole.
    const refused = await client.client.callTool({ name: 'oversize', arguments: { bytes: 40_000_000 } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused?.message).toMatch(/the answer of "fault" was over the 33554432-byte limit and was dropped/);
    const events = await auditOnce(h.airlock.home, (e) => of(e, 'call.finished', 'oversize').length > 0);
    expect(of(events, 'call.finished', 'oversize')).toMatchObject([{ decision: 'DENY', detail: { code: 'response.refused' } }]);
    expect(textOf(await client.client.callTool({ name: 'echo', arguments: { message: 'still here' } }))).toBe('echo: still here');
    await bystanderAnswers(h, 'after the oversize answer');
  }, 120_000);
});

describe('an upstream that exits during a call', () => {
  it('audits the call as finished with the exit as its reason, ends the session, and starts a fresh server for the next client', async () => {
    const h = await faultHome();
    const client = await h.connect();
    const [first] = h.pids();
    let closed = false;
    client.client.onclose = () => void (closed = true);
    await expect(client.client.callTool({ name: 'exit', arguments: { code: 7 } })).rejects.toThrow(/server "fault" exited \(code 7\); the end of its stderr: exit: leaving mid-call with code 7/);
    const events = await auditOnce(h.airlock.home, (e) => of(e, 'call.finished', 'exit').length > 0);
    expect(of(events, 'call.decided', 'exit')).toMatchObject([{ decision: 'ALLOW' }]);
    expect(of(events, 'call.finished', 'exit')).toMatchObject([{ decision: 'DENY', detail: { code: 'response.refused', reason: expect.stringMatching(/exited \(code 7\)/) as unknown } }]);
    // The session ends with its server, as it would without Airlock: the next call on it is refused at once.
    await eventually(() => closed, (c) => c);
    await expect(client.client.callTool({ name: 'echo', arguments: { message: 'late' } })).rejects.toThrow(/closed|not connected/i);
    expect(alive(first!)).toBe(false);
    // A new client gets a new server process, and its call goes through.
    await bystanderAnswers(h, 'a fresh start');
    expect(h.pids()).toHaveLength(2);
  });
});
