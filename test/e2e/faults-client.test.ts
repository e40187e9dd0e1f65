import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditEvent } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { demoServer } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { auditEvents, connectDemo, DEMO_TOOLS, demoToolsWithEcho, nextEvent, rewriteTools, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/** Issue 16: a client that vanishes while one of its calls is held. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a client that vanishes mid-hold', () => {
  it('resolves the hold as "the client left", audits it, and lets nothing reach the server', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
    cleanups.push(() => airlock.close());
    const { tools, client } = await connectDemo(airlock, { cleanups: [] });
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'never sent' } }).catch((e: Error) => e);
    await opened;
    const resolved = nextEvent(airlock.host, 'hold.resolved');
    // The client goes away (its `airlock connect` process ends) with the call still held.
    await client.close();
    const resolution = await resolved;
    expect(resolution).toMatchObject({ decision: 'DENY', answeredBy: 'client-left' });
    await call;
    const deadline = Date.now() + 5_000;
    let events = auditEvents(airlock.home);
    while (!events.some((e) => e.type === 'call.decided' && e.tool === 'echo' && e.decision === 'DENY') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = auditEvents(airlock.home);
    }
    const echoes = events.filter((e) => e.tool === 'echo');
    // The hold and its denial are on record; no echo call was ever allowed through.
    expect(echoes.some((e) => e.decision === 'DENY')).toBe(true);
    expect(echoes.some((e) => e.decision === 'ALLOW')).toBe(false);
    const store = openStore(airlock.home, { readonly: true });
    try {
      expect(verifyAuditChain(store)).toMatchObject({ ok: true });
    } finally {
      store.close();
    }
  }, 60_000);
});

/** Pids of processes whose command line holds `marker` (the demo server's own tools-file path). */
function processesWith(marker: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function eventually<T>(read: () => T, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The audit log once its hold.resolved for echo is written, with the chain verified. */
async function auditedHold(airlock: AirlockHome): Promise<AuditEvent[]> {
  const events = await eventually(() => auditEvents(airlock.home), (e) => e.some((x) => x.type === 'hold.resolved' && x.tool === 'echo'));
  const store = openStore(airlock.home, { readonly: true });
  try {
    expect(verifyAuditChain(store)).toMatchObject({ ok: true });
  } finally {
    store.close();
  }
  return events;
}

describe('a client that dies or gives up mid-hold', () => {
  it('resolves the hold as "the client left" when `airlock connect` is killed with SIGKILL, audits it, forwards nothing, and ends that session\'s server', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 30_000 });
    cleanups.push(() => airlock.close());
    const { tools, client } = await connectDemo(airlock, { cleanups });
    const [upstream] = processesWith(tools.file);
    expect(upstream).toBeDefined();
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'never sent' } }).catch((e: Error) => e);
    await opened;
    const resolved = nextEvent(airlock.host, 'hold.resolved');
    // No goodbye: the kernel closes its socket to the Host, as when a client crashes.
    const pid = (client.client.transport as StdioClientTransport).pid;
    process.kill(pid!, 'SIGKILL');
    expect(await resolved).toMatchObject({ decision: 'DENY', answeredBy: 'client-left' });
    expect(await call).toBeInstanceOf(Error);
    // The session's server is ended with it: no orphan left behind.
    await eventually(() => processesWith(tools.file), (pids) => pids.length === 0);
    const events = await auditedHold(airlock);
    expect(events.filter((e) => e.type === 'hold.resolved' && e.tool === 'echo')).toMatchObject([{ decision: 'DENY', detail: { code: 'tool.hold-cancelled' } }]);
    expect(events.some((e) => e.tool === 'echo' && e.decision === 'ALLOW')).toBe(false);
    expect(events.some((e) => e.type === 'call.finished' && e.tool === 'echo')).toBe(false);
  });

  it('ends the hold at once when the client cancels the held call (its own timeout), audits it, and forwards nothing', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 120_000 });
    cleanups.push(() => airlock.close());
    const { tools, client } = await connectDemo(airlock, { cleanups });
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
    const resolved = nextEvent(airlock.host, 'hold.resolved', 60_000);
    // The SDK gives up after 1.5 s and says so with notifications/cancelled; the hold itself would wait 120 s.
    const gaveUp = await client.client.callTool({ name: 'echo', arguments: { message: 'never sent' } }, undefined, { timeout: 1_500 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(gaveUp?.message).toMatch(/timed out/i);
    expect(await resolved).toMatchObject({ decision: 'DENY', answeredBy: 'client-left', reason: expect.stringMatching(/was cancelled by its client while it was held/) as unknown });
    expect(airlock.host.holdsList()).toEqual([]);
    const events = await auditedHold(airlock);
    expect(events.filter((e) => e.type === 'hold.resolved' && e.tool === 'echo')).toMatchObject([{ decision: 'DENY', detail: { code: 'tool.hold-cancelled' } }]);
    expect(events.some((e) => e.tool === 'echo' && e.decision === 'ALLOW')).toBe(false);
    // The session goes on: another call is answered.
    expect(((await client.client.callTool({ name: 'slow', arguments: { ms: 1 } })) as { content: Array<{ text: string }> }).content[0]?.text).toBe('waited 1 ms');
  });
});

/** One raw HTTP request to the MCP endpoint; `request` is handed out so a test can drop its connection. */
function httpRequest(url: string, method: string, headers: Record<string, string>, body?: string): { request: http.ClientRequest; done: Promise<{ status: number; text: string; session: string | undefined }> } {
  let request!: http.ClientRequest;
  const done = new Promise<{ status: number; text: string; session: string | undefined }>((resolve, reject) => {
    request = http.request(url, { method, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      const session = response.headers['mcp-session-id'];
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text, session: typeof session === 'string' ? session : undefined }));
    });
    request.on('error', reject);
    request.end(body);
  });
  return { request, done };
}

describe('an HTTP client whose connection drops mid-hold (2025-11-25)', () => {
  it('keeps the hold while the session lives (a dropped POST is no cancellation, per the spec), and denies it as "the client left" when the session ends, forwarding nothing', async () => {
    const airlock = await startAirlockHome({ mcpPort: 0, holdTimeoutMs: 60_000 });
    cleanups.push(() => airlock.close());
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('demo', demoServer(tools.file), { approve: true });
    const made = runCli(['clients', 'token', 'dropper', '--home', airlock.home]);
    expect(made.status, made.stderr).toBe(0);
    const url = `${airlock.host.mcpUrl}/demo`;
    const auth = { authorization: `Bearer ${made.stdout.trim()}` };
    const init = await httpRequest(url, 'POST', auth, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'dropper', version: '1' } } })).done;
    const session = { ...auth, 'mcp-session-id': init.session ?? '', 'mcp-protocol-version': '2025-11-25' };
    expect((await httpRequest(url, 'POST', session, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })).done).status).toBe(202);
    expect((await httpRequest(url, 'POST', session, JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' })).done).text).toContain('echo');
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
    const opened = nextEvent(airlock.host, 'hold.opened');
    const held = httpRequest(url, 'POST', session, JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'echo', arguments: { message: 'never sent' } } }));
    held.done.catch(() => undefined);
    await opened;
    // The TCP connection drops with the call held.
    const closed = new Promise((resolve) => held.request.once('close', resolve));
    held.request.destroy();
    await closed;
    // The session still answers, and the hold waits on: its client may come back for the answer.
    expect((await httpRequest(url, 'POST', session, JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'ping' })).done).text).toContain('"id":4');
    expect(airlock.host.holdsList()).toHaveLength(1);
    expect(processesWith(tools.file)).toHaveLength(1);
    // The client ends its session: the hold ends with it, and so does the session's server.
    const resolved = nextEvent(airlock.host, 'hold.resolved');
    await httpRequest(url, 'DELETE', session).done;
    expect(await resolved).toMatchObject({ decision: 'DENY', answeredBy: 'client-left' });
    await eventually(() => processesWith(tools.file), (pids) => pids.length === 0);
    const events = await auditedHold(airlock);
    expect(events.filter((e) => e.type === 'hold.resolved' && e.tool === 'echo')).toMatchObject([{ decision: 'DENY', detail: { code: 'tool.hold-cancelled' } }]);
    expect(events.some((e) => e.tool === 'echo' && e.decision === 'ALLOW')).toBe(false);
  });
});

describe('an HTTP client whose connection drops mid-hold (2026-07-28)', () => {
  it('takes the dropped POST as the call\'s cancellation: the hold ends at once as "the client left", audited, nothing forwarded', async () => {
    const airlock = await startAirlockHome({ mcpPort: 0, holdTimeoutMs: 120_000 });
    cleanups.push(() => airlock.close());
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('demo', demoServer(tools.file), { approve: true });
    const made = runCli(['clients', 'token', 'modern-dropper', '--home', airlock.home]);
    expect(made.status, made.stderr).toBe(0);
    const url = `${airlock.host.mcpUrl}/demo`;
    const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'modern-dropper', version: '1' } };
    const request = (id: number, method: string, params: object, name?: string) => {
      const headers = { authorization: `Bearer ${made.stdout.trim()}`, 'mcp-protocol-version': '2026-07-28', 'mcp-method': method, ...(name ? { 'mcp-name': name } : {}) };
      return httpRequest(url, 'POST', headers, JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } }));
    };
    expect((await request(1, 'tools/list', {}).done).text).toContain('echo');
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, and keep a copy.'));
    const opened = nextEvent(airlock.host, 'hold.opened');
    const held = request(2, 'tools/call', { name: 'echo', arguments: { message: 'never sent' } }, 'echo');
    held.done.catch(() => undefined);
    await opened;
    const resolved = nextEvent(airlock.host, 'hold.resolved', 60_000);
    held.request.destroy();
    expect(await resolved).toMatchObject({ decision: 'DENY', answeredBy: 'client-left', reason: expect.stringMatching(/cancelled by its client/) as unknown });
    const events = await auditedHold(airlock);
    expect(events.filter((e) => e.type === 'hold.resolved' && e.tool === 'echo')).toMatchObject([{ decision: 'DENY', detail: { code: 'tool.hold-cancelled' } }]);
    expect(events.some((e) => e.tool === 'echo' && e.decision === 'ALLOW')).toBe(false);
    // The shared 2026-07-28 relay goes on serving this token.
    expect((await request(3, 'tools/call', { name: 'slow', arguments: { ms: 1 } }, 'slow').done).text).toContain('waited 1 ms');
  });
});
