import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { duplexPair } from '../../src/proxy/mcp-endpoint/duplex-pair.js';
import { postHeaders, rawInitialize, rawRequest, startHarness, waitFor, type Harness } from '../support/mcp-endpoint-harness.js';

/** An open SSE response: its status, headers and the events so far. */
interface OpenStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: Array<{ id?: string; data: string }>;
  ended: boolean;
  close(): void;
}

function openStream(port: number, options: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method, path: '/mcp/echo', headers: options.headers }, (res) => {
      const stream: OpenStream = { status: res.statusCode ?? 0, headers: res.headers, events: [], ended: false, close: () => req.destroy() };
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        let end: number;
        while ((end = text.indexOf('\n\n')) !== -1) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          if (block.startsWith(':')) continue;
          const id = /^id: (.*)$/m.exec(block)?.[1];
          const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? '';
          stream.events.push({ ...(id === undefined ? {} : { id }), data });
        }
      });
      res.on('end', () => (stream.ended = true));
      res.on('error', () => (stream.ended = true));
      resolve(stream);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const call = (id: number | string, name: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {}, ...extra } });
const modernMeta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };

describe('the MCP endpoint routes what the relay says', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ maxBodyBytes: 64 * 1024 });
  });
  afterEach(() => h.close());

  it('answers with plain JSON when the answer comes first and alone', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: call(1, 'echo') });
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(res.body)).toMatchObject({ id: 1, result: { content: [{ text: '{}' }] } });
  });

  it('switches to SSE when a progress notification comes first: priming event, progress, request, then the answer', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const stream = await openStream(h.endpoint.port, { method: 'POST', headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: call(2, 'progress', { _meta: { progressToken: 'p1' } }) });
    expect(stream.headers['content-type']).toBe('text/event-stream');
    await waitFor(() => stream.events.length === 3);
    expect(stream.events[0]).toEqual({ id: 's1.0', data: '' });
    expect(JSON.parse(stream.events[1]!.data)).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'p1' } });
    const ask = JSON.parse(stream.events[2]!.data) as { id: string; method: string };
    expect(ask.method).toBe('sampling/createMessage');
    const reply = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: JSON.stringify({ jsonrpc: '2.0', id: ask.id, result: { content: { type: 'text', text: 'ok' } } }) });
    expect(reply.status).toBe(202);
    await waitFor(() => stream.ended);
    expect(JSON.parse(stream.events.at(-1)!.data)).toMatchObject({ id: 2, result: { content: [{ text: 'sampled: ok' }] } });
    expect(stream.events.map((e) => e.id)).toEqual(['s1.0', 's1.1', 's1.2', 's1.3']);
  });

  it('replays a dropped POST stream on a GET with Last-Event-ID, then continues it', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const first = await openStream(h.endpoint.port, { method: 'POST', headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: call(3, 'progress') });
    await waitFor(() => first.events.length === 2);
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const resumed = await openStream(h.endpoint.port, { method: 'GET', headers: { authorization: 'Bearer token-alice', 'mcp-session-id': id, 'last-event-id': 's1.0' } });
    await waitFor(() => resumed.events.length === 1);
    const ask = JSON.parse(resumed.events[0]!.data) as { id: string };
    expect(resumed.events[0]!.id).toBe('s1.1');
    await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: JSON.stringify({ jsonrpc: '2.0', id: ask.id, result: { content: { type: 'text', text: 'late' } } }) });
    await waitFor(() => resumed.ended);
    expect(JSON.parse(resumed.events.at(-1)!.data)).toMatchObject({ id: 3, result: { content: [{ text: 'sampled: late' }] } });
    // The stream is over: a later resume gets 204, so a client stops asking.
    const again = await rawRequest(h.endpoint.port, { method: 'GET', headers: { authorization: 'Bearer token-alice', 'mcp-session-id': id, 'last-event-id': 's1.2' } });
    expect(again.status).toBe(204);
  });

  it('queues notifications until a GET stream opens, allows one GET stream per session (409)', async () => {
    const id = await rawInitialize(h.endpoint.port);
    h.sessions[0]!.send({ method: 'notifications/message', params: { level: 'info', data: 'early' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const get = await openStream(h.endpoint.port, { method: 'GET', headers: { authorization: 'Bearer token-alice', 'mcp-session-id': id, accept: 'text/event-stream' } });
    expect(get.status).toBe(200);
    await waitFor(() => get.events.length === 2);
    expect(get.events[0]).toEqual({ id: 'g.0', data: '' });
    expect(JSON.parse(get.events[1]!.data)).toMatchObject({ params: { data: 'early' } });
    const second = await rawRequest(h.endpoint.port, { method: 'GET', headers: { authorization: 'Bearer token-alice', 'mcp-session-id': id } });
    expect(second.status).toBe(409);
    get.close();
  });

  it('does not send a notification over the limit on the GET stream, and logs it', async () => {
    const id = await rawInitialize(h.endpoint.port);
    h.sessions[0]!.send({ method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(70_000) } });
    h.sessions[0]!.send({ method: 'notifications/message', params: { level: 'info', data: 'small' } });
    const get = await openStream(h.endpoint.port, { method: 'GET', headers: { authorization: 'Bearer token-alice', 'mcp-session-id': id } });
    await waitFor(() => get.events.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(get.events.map((e) => e.data.length < 1000)).toEqual([true, true]);
    expect(JSON.parse(get.events[1]!.data)).toMatchObject({ params: { data: 'small' } });
    expect(h.logs.some((l) => l.includes('over the 65536-byte limit'))).toBe(true);
    get.close();
  });

  it('sends an error for its id instead of an answer over the limit', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'big', arguments: { bytes: 100_000 } } }) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: 5, error: { message: expect.stringContaining('limit') } });
  });

  it('answers a message the relay refuses without an id with 400 and that refusal', async () => {
    const id = await rawInitialize(h.endpoint.port);
    // JSON.parse reads it (the last id wins); the gate refuses a key given twice, with id null.
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: '{"jsonrpc":"2.0","id":6,"id":7,"method":"ping"}' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'a key is given twice' } });
  });

  it('ends the session when the relay ends its side: later requests get 404', async () => {
    const id = await rawInitialize(h.endpoint.port);
    h.sessions[0]!.end();
    await waitFor(() => h.endpoint.sessionCount === 0);
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: call(1, 'echo') });
    expect(res.status).toBe(404);
  });

  it('answers waiting POSTs with an error and ends streams on close()', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const pending = rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: call(8, 'slow') });
    await waitFor(() => h.sessions[0]!.lines.length >= 2);
    await h.close();
    const res = await pending;
    expect(JSON.parse(res.body)).toMatchObject({ id: 8, error: { message: expect.stringContaining('shutting down') } });
    expect(h.sessions[0]!.closed).toBe(true);
  });
});

describe('the MCP endpoint closes idle sessions', () => {
  it('closes a session without requests or open streams after idleSessionMs', async () => {
    const h = await startHarness({ idleSessionMs: 200 });
    try {
      const id = await rawInitialize(h.endpoint.port);
      await waitFor(() => h.endpoint.sessionCount === 0, 5_000);
      expect(h.sessions[0]!.closed).toBe(true);
      const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: call(1, 'echo') });
      expect(res.status).toBe(404);
    } finally {
      await h.close();
    }
  });
});

describe('the MCP endpoint on 2026-07-28 (one shared relay per server and token)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const modernHeaders = (token = 'token-alice') => postHeaders(token, { 'mcp-protocol-version': '2026-07-28' });

  it('opens one modern relay per token, lazily, and routes each answer to its POST', async () => {
    const a = rawRequest(h.endpoint.port, { headers: modernHeaders(), body: call(1, 'slow', { _meta: modernMeta }) });
    const b = rawRequest(h.endpoint.port, { headers: modernHeaders(), body: call(2, 'echo', { _meta: modernMeta }) });
    const c = rawRequest(h.endpoint.port, { headers: modernHeaders('token-bob'), body: call(1, 'echo', { _meta: modernMeta }) });
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(JSON.parse(ra.body)).toMatchObject({ id: 1, result: { content: [{ text: 'slow done' }] } });
    expect(JSON.parse(rb.body)).toMatchObject({ id: 2 });
    expect(JSON.parse(rc.body)).toMatchObject({ id: 1, result: { content: [{ text: '{}' }] } });
    expect(h.sessions.map((s) => [s.request.era, s.request.token])).toEqual([['modern', 'alice'], ['modern', 'bob']]);
    expect(ra.headers['mcp-session-id']).toBeUndefined();
  });

  it("routes the relay's refusal of a duplicate in-flight id to the newest POST, and the real answer to the first", async () => {
    const first = rawRequest(h.endpoint.port, { headers: modernHeaders(), body: call(9, 'slow', { _meta: modernMeta }) });
    await waitFor(() => h.sessions[0]?.lines.length === 1);
    const second = await rawRequest(h.endpoint.port, { headers: modernHeaders(), body: call(9, 'echo', { _meta: modernMeta }) });
    expect(JSON.parse(second.body)).toMatchObject({ id: 9, error: { message: expect.stringContaining('already in flight') } });
    expect(JSON.parse((await first).body)).toMatchObject({ id: 9, result: { content: [{ text: 'slow done' }] } });
  });

  it('tells the relay a request is cancelled when its client closes the POST', async () => {
    const stream = await new Promise<http.ClientRequest>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: h.endpoint.port, method: 'POST', path: '/mcp/echo', headers: modernHeaders() });
      req.on('error', () => undefined);
      req.end(call(11, 'slow', { _meta: modernMeta }));
      resolve(req);
    });
    await waitFor(() => h.sessions[0]?.lines.length === 1);
    stream.destroy();
    await waitFor(() => h.sessions[0]!.lines.length === 2);
    expect(JSON.parse(h.sessions[0]!.lines[1]!.toString())).toMatchObject({ method: 'notifications/cancelled', params: { requestId: 11, _meta: modernMeta } });
  });
});

describe('the MCP endpoint cancels a 2026-07-28 request whose stream the client closes', () => {
  it('passes notifications/cancelled to the relay when an SSE answer stream is closed before its answer', async () => {
    const h = await startHarness();
    try {
      const headers = postHeaders('token-alice', { 'mcp-protocol-version': '2026-07-28' });
      const stream = await openStream(h.endpoint.port, { method: 'POST', headers, body: call(12, 'progress', { _meta: { ...modernMeta, progressToken: 't' } }) });
      await waitFor(() => stream.events.length >= 1);
      expect(stream.events[0]!.id).toBeUndefined(); // no event ids: 2026-07-28 streams are not resumable
      stream.close();
      await waitFor(() => h.sessions[0]!.lines.some((l) => l.includes('notifications/cancelled')));
      const cancel = h.sessions[0]!.lines.find((l) => l.includes('notifications/cancelled'))!;
      expect(JSON.parse(cancel.toString())).toMatchObject({ params: { requestId: 12 } });
    } finally {
      await h.close();
    }
  });
});

describe('duplexPair', () => {
  it('carries bytes both ways and closes both ends when one ends', async () => {
    const [a, b] = duplexPair();
    const got: string[] = [];
    b.on('data', (chunk: Buffer) => got.push(chunk.toString()));
    let closed = 0;
    a.on('close', () => (closed += 1));
    b.on('close', () => (closed += 1));
    a.resume();
    a.write('one\n');
    a.write('two\n');
    a.end();
    await waitFor(() => closed === 2);
    expect(got.join('')).toBe('one\ntwo\n');
  });

  it('closes the other end when one is destroyed', async () => {
    const [a, b] = duplexPair();
    let closed = false;
    b.on('close', () => (closed = true));
    a.destroy();
    await waitFor(() => closed);
    expect(b.destroyed).toBe(true);
  });
});
