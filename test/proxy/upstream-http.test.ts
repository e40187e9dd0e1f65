import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamHttp, type UpstreamHttpOptions } from '../../src/proxy/upstream-http.js';
import { modernMeta, UpstreamDriver } from '../support/http-upstream-driver.js';
import { startEverything, startModernServer, startSdkServer } from '../support/http-upstream-servers.js';

const NO_PROXY_ENV = {};
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function upstream(options: UpstreamHttpOptions): UpstreamDriver {
  const http = new UpstreamHttp({ env: NO_PROXY_ENV, ...options });
  cleanups.push(() => http.stop());
  return new UpstreamDriver(http);
}

async function waitUntil(test: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const start = Date.now(); !test(); ) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function textOf(answer: { result?: Record<string, unknown> }): string {
  return ((answer.result?.content as Array<{ text: string }>) ?? [])[0]?.text ?? '';
}

describe('UpstreamHttp with server-everything', () => {
  it('relays initialize, tools/list and tools/call over Streamable HTTP, with the session the server gave', async () => {
    const server = await startEverything('streamableHttp');
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url });
    const init = await driver.initialize();
    expect(init.result?.serverInfo).toMatchObject({ name: expect.any(String) });
    const list = await driver.request(1, 'tools/list');
    expect((list.result?.tools as Array<{ name: string }>).map((t) => t.name)).toContain('echo');
    const call = await driver.request(2, 'tools/call', { name: 'echo', arguments: { message: 'over http' } });
    expect(textOf(call)).toContain('over http');
    // Every line the relay gets is one message: no line ending inside.
    for (const line of driver.lines) expect(line.includes(0x0a)).toBe(false);
  }, 30_000);

  it('falls back to the older HTTP+SSE transport when the Streamable HTTP POST answers 4xx', async () => {
    const server = await startEverything('sse');
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url });
    const init = await driver.initialize();
    expect(init.result?.protocolVersion).toEqual(expect.any(String));
    const call = await driver.request(1, 'tools/call', { name: 'echo', arguments: { message: 'over sse' } });
    expect(textOf(call)).toContain('over sse');
    expect(driver.upstream.stderr()).toContain('older HTTP+SSE transport');
  }, 30_000);

  it("speaks only HTTP+SSE when told the server's transport is sse: no Streamable HTTP POST first", async () => {
    const server = await startEverything('sse');
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url, transport: 'sse' });
    await driver.initialize();
    const list = await driver.request(1, 'tools/list');
    expect((list.result?.tools as Array<{ name: string }>).map((t) => t.name)).toContain('echo');
    expect(driver.upstream.stderr()).toBe('');
  }, 30_000);
});

describe('UpstreamHttp with servers built on the SDK 1.x', () => {
  for (const json of [false, true]) {
    it(`keeps the session of a stateful server and sends the negotiated protocol version (${json ? 'JSON' : 'SSE'} answers)`, async () => {
      const server = await startSdkServer({ stateful: true, json });
      cleanups.push(server.stop);
      const driver = upstream({ url: server.url });
      const init = await driver.initialize();
      const call = await driver.request(1, 'tools/call', { name: 'echo', arguments: { text: 'hello' } });
      expect(textOf(call)).toBe('hello');
      const posts = server.seen.filter((r) => r.method === 'POST');
      const sessionIds = new Set(posts.slice(1).map((r) => r.headers['mcp-session-id']));
      expect(sessionIds.size).toBe(1);
      expect([...sessionIds][0]).toEqual(expect.any(String));
      expect(posts.at(-1)?.headers['mcp-protocol-version']).toBe(init.result?.protocolVersion);
    });
  }

  it('relays what the server sends on its GET stream, and resumes a dropped GET stream with Last-Event-ID', async () => {
    const server = await startSdkServer({ stateful: true });
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url });
    await driver.initialize();
    await waitUntil(() => server.seen.some((r) => r.method === 'GET'));
    server.addTool('first');
    await driver.waitFor((m) => m.method === 'notifications/tools/list_changed');
    server.dropGetStreams();
    // Announced while the stream is down: the server keeps it, and replays it after the last event Airlock saw.
    server.addTool('second');
    await waitUntil(() => driver.messages.filter((m) => m.method === 'notifications/tools/list_changed').length === 2);
    const gets = server.seen.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThanOrEqual(2);
    expect(gets.at(-1)!.headers['last-event-id']).toEqual(expect.any(String));
  });

  it('serves a stateless server, one POST per message and no session', async () => {
    const server = await startSdkServer({ stateful: false, json: true });
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url });
    await driver.initialize();
    const list = await driver.request(1, 'tools/list');
    expect((list.result?.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(['echo']);
    expect(server.seen.every((r) => r.headers['mcp-session-id'] === undefined)).toBe(true);
  });

  it('re-initializes an expired session (404) transparently and answers the call that met it', async () => {
    const server = await startSdkServer({ stateful: true, json: true });
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url });
    await driver.initialize(0);
    await driver.request(1, 'tools/list');
    server.expireSessions();
    const call = await driver.request(2, 'tools/call', { name: 'echo', arguments: { text: 'after expiry' } });
    expect(textOf(call)).toBe('after expiry');
    // The repeated initialize was Airlock's: the client saw exactly one answer to id 0.
    expect(driver.messages.filter((m) => m.id === 0)).toHaveLength(1);
    expect(server.sessions()).toBe(1);
    expect(driver.upstream.stderr()).toContain('started a new one');
  });
});

describe('UpstreamHttp with a 2026-07-28 server (@modelcontextprotocol/server 2.x)', () => {
  it('answers server/discover and a stateless tools/call, each carrying its version and method headers', async () => {
    const server = await startModernServer();
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url });
    const discover = await driver.request(1, 'server/discover', { _meta: modernMeta() });
    expect(discover.error).toBeUndefined();
    expect(discover.result?.supportedVersions).toContain('2026-07-28');
    expect(discover.result?._meta).toMatchObject({ 'io.modelcontextprotocol/serverInfo': { name: 'modern' } });
    const call = await driver.request(2, 'tools/call', { name: 'echo', arguments: { text: 'stateless' }, _meta: modernMeta() });
    expect(textOf(call)).toBe('stateless');
    const callPost = server.seen.filter((r) => r.method === 'POST').at(-1)!;
    expect(callPost.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'echo' });
    expect(server.seen.every((r) => r.headers['mcp-session-id'] === undefined && r.method === 'POST')).toBe(true);
  });

  it('keeps subscriptions/listen open as a long-lived request, and closes it when the client cancels', async () => {
    const server = await startModernServer();
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url, idleTimeoutMs: 200 });
    driver.upstream.send(JSON.stringify({ jsonrpc: '2.0', id: 'listen-1', method: 'subscriptions/listen', params: { notifications: { toolsListChanged: true }, _meta: modernMeta() } }));
    const ack = await driver.waitFor((m) => m.method === 'notifications/subscriptions/acknowledged' || m.id === 'listen-1');
    expect(ack.error).toBeUndefined();
    // Longer than the idle timeout of an ordinary answer: a listen is not a call that went silent.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(driver.messages.find((m) => m.id === 'listen-1' && m.error)).toBeUndefined();
    driver.notify('notifications/cancelled', { requestId: 'listen-1', _meta: modernMeta() });
    const call = await driver.request(2, 'tools/call', { name: 'echo', arguments: { text: 'still here' }, _meta: modernMeta() });
    expect(textOf(call)).toBe('still here');
    expect(server.seen.filter((r) => r.headers['mcp-method'] === 'notifications/cancelled')).toHaveLength(0);
  });
});
