import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as Client2, StreamableHTTPClientTransport as Transport2 } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postHeaders, rawRequest, startHarness, waitFor, type Harness } from '../support/mcp-endpoint-harness.js';

const TOKEN = { authorization: 'Bearer token-alice' };

/** A 1.x SDK client on the endpoint that answers sampling and logs what it is told. */
async function sdk1(h: Harness, fetchFn?: typeof fetch): Promise<{ client: Client; transport: StreamableHTTPClientTransport; logs: unknown[]; sampled: unknown[] }> {
  const transport = new StreamableHTTPClientTransport(new URL(h.url), {
    requestInit: { headers: TOKEN },
    reconnectionOptions: { initialReconnectionDelay: 20, maxReconnectionDelay: 100, reconnectionDelayGrowFactor: 1, maxRetries: 3 },
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
  const client = new Client({ name: 'sdk1-test', version: '1.0.0' }, { capabilities: { sampling: {} } });
  const logs: unknown[] = [];
  const sampled: unknown[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, async (n) => void logs.push(n.params));
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
    sampled.push(request.params);
    return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'a sampled answer' } };
  });
  await client.connect(transport);
  return { client, transport, logs, sampled };
}

describe('the MCP endpoint with the 1.x SDK client (2025-11-25, stateful)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('initializes a session, lists tools and calls one', async () => {
    const { client, transport } = await sdk1(h);
    expect(transport.sessionId).toMatch(/^[0-9a-f]{32}$/);
    expect(h.sessions[0]!.request).toMatchObject({ server: 'echo', token: 'alice', era: 'legacy', sessionKey: expect.stringMatching(/^http-[0-9a-f]{16}$/) });
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    const result = await client.callTool({ name: 'echo', arguments: { a: 1 } });
    expect(result.content).toEqual([{ type: 'text', text: '{"a":1}' }]);
    await client.close();
  });

  it('streams progress and a sampling request on the POST, then the answer', async () => {
    const { client, sampled } = await sdk1(h);
    const progress: unknown[] = [];
    const result = await client.callTool({ name: 'progress', arguments: {} }, undefined, { onprogress: (p) => progress.push(p) });
    expect(progress).toEqual([{ progress: 1, total: 2 }]);
    expect(sampled).toHaveLength(1);
    expect(result.content).toEqual([{ type: 'text', text: 'sampled: a sampled answer' }]);
    await client.close();
  });

  it('delivers a notification sent outside any request on the GET stream', async () => {
    const { client, logs } = await sdk1(h);
    await client.callTool({ name: 'later', arguments: {} });
    await waitFor(() => logs.length === 1);
    expect(logs[0]).toEqual({ level: 'info', data: 'later' });
    await client.close();
  });

  it('ends the session on DELETE: the relay sees the client leave and the id answers 404', async () => {
    const { client, transport } = await sdk1(h);
    const id = transport.sessionId!;
    await transport.terminateSession();
    await waitFor(() => h.sessions[0]!.closed);
    expect(h.endpoint.sessionCount).toBe(0);
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(res.status).toBe(404);
    await client.close();
  });

  it('resumes a POST stream cut after its priming event with Last-Event-ID, replaying what it missed', async () => {
    const gets: Array<string | null> = [];
    // Cuts the tools/call answer stream right after its first event, as a network drop would.
    const cutting: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      if (init?.method === 'GET') gets.push(headers.get('last-event-id'));
      const isCall = init?.method === 'POST' && typeof init.body === 'string' && init.body.includes('"tools/call"');
      if (!isCall) return fetch(input, init);
      const abort = new AbortController();
      const response = await fetch(input, { ...init, signal: abort.signal });
      if (!response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) return response;
      const reader = response.body.getReader();
      let seen = '';
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const { value, done } = await reader.read();
          if (done) return controller.close();
          seen += new TextDecoder().decode(value);
          const end = seen.indexOf('\n\n');
          if (end === -1) return controller.enqueue(value);
          controller.enqueue(new TextEncoder().encode(seen.slice(0, end + 2)));
          controller.close();
          abort.abort();
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const { client, sampled } = await sdk1(h, cutting);
    const result = await client.callTool({ name: 'progress', arguments: {} });
    expect(result.content).toEqual([{ type: 'text', text: 'sampled: a sampled answer' }]);
    expect(sampled).toHaveLength(1);
    expect(gets).toContain('s1.0');
    await client.close();
  });
});

describe('the MCP endpoint with the 2.x client (2026-07-28, stateless)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('discovers, lists and calls on one shared modern relay per token, with no session id', async () => {
    const transport = new Transport2(new URL(h.url), { requestInit: { headers: TOKEN } });
    const client = new Client2({ name: 'sdk2-test', version: '1.0.0' }, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe('modern');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain('echo');
    const result = await client.callTool({ name: 'echo', arguments: { b: 2 } });
    expect(result.content).toEqual([{ type: 'text', text: '{"b":2}' }]);
    expect(h.sessions.map((s) => s.request.era)).toEqual(['modern']);
    expect(h.endpoint.sessionCount).toBe(1);
    await client.close();
  });

  it("negotiates the modern era with the client's default 'auto' probe (server/discover)", async () => {
    const transport = new Transport2(new URL(h.url), { requestInit: { headers: TOKEN } });
    const client = new Client2({ name: 'sdk2-test', version: '1.0.0' }, { capabilities: {}, versionNegotiation: { mode: 'auto' } });
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe('modern');
    expect((await client.callTool({ name: 'echo', arguments: {} })).content).toEqual([{ type: 'text', text: '{}' }]);
    await client.close();
  });

  it('keeps a subscriptions/listen open as an SSE stream and delivers its list_changed', async () => {
    const transport = new Transport2(new URL(h.url), { requestInit: { headers: TOKEN } });
    const client = new Client2({ name: 'sdk2-test', version: '1.0.0' }, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const changed: unknown[] = [];
    client.fallbackNotificationHandler = async (n) => void changed.push(n.method);
    await client.connect(transport);
    await client.listen({ toolsListChanged: true });
    await waitFor(() => changed.includes('notifications/tools/list_changed'));
    await client.close();
  });
});
