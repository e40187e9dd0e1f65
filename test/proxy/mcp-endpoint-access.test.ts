import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postHeaders, rawInitialize, rawRequest, startHarness, TOKENS, waitFor, type Harness } from '../support/mcp-endpoint-harness.js';

const ping = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' });

describe('the MCP endpoint refuses what it must not serve', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ maxBodyBytes: 64 * 1024, maxSessionsPerToken: 3 });
  });
  afterEach(() => h.close());

  it('binds 127.0.0.1 only', () => {
    expect(h.endpoint.url).toBe(`http://127.0.0.1:${h.endpoint.port}/mcp`);
  });

  it('answers a foreign Host with 403 before asking for a token (DNS rebinding)', async () => {
    const res = await rawRequest(h.endpoint.port, { headers: { host: `evil.example:${h.endpoint.port}`, 'content-type': 'application/json' }, body: ping });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { message: expect.stringContaining('127.0.0.1') } });
    expect(res.headers['www-authenticate']).toBeUndefined();
    const wrongPort = await rawRequest(h.endpoint.port, { headers: { ...postHeaders(), host: `127.0.0.1:${h.endpoint.port + 1}` }, body: ping });
    expect(wrongPort.status).toBe(403);
  });

  it('answers a foreign Origin with 403, and lets localhost origins through', async () => {
    const res = await rawRequest(h.endpoint.port, { headers: { ...postHeaders(), origin: 'http://evil.example' }, body: ping });
    expect(res.status).toBe(403);
    const nullOrigin = await rawRequest(h.endpoint.port, { headers: { ...postHeaders(), origin: 'null' }, body: ping });
    expect(nullOrigin.status).toBe(403);
    const id = await rawInitialize(h.endpoint.port);
    const ok = await rawRequest(h.endpoint.port, { headers: { ...postHeaders(), origin: `http://localhost:${h.endpoint.port}`, host: `localhost:${h.endpoint.port}`, 'mcp-session-id': id }, body: ping });
    expect(ok.status).toBe(200);
  });

  it('answers no token or a wrong one with 401, WWW-Authenticate and how to get one', async () => {
    for (const authorization of [undefined, 'Bearer nope', 'Basic dXNlcjpwYXNz']) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (authorization) headers.authorization = authorization;
      const res = await rawRequest(h.endpoint.port, { headers, body: ping });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="airlock"');
      expect(JSON.parse(res.body)).toMatchObject({ id: null, error: { message: expect.stringContaining('airlock clients token NAME') } });
    }
  });

  it('asks again on every request: a token revoked after its session began gets 401', async () => {
    const id = await rawInitialize(h.endpoint.port, 'token-bob');
    delete TOKENS['token-bob'];
    try {
      const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-bob', { 'mcp-session-id': id }), body: ping });
      expect(res.status).toBe(401);
    } finally {
      TOKENS['token-bob'] = 'bob';
    }
  });

  it("answers another token's session id with 404, as if it did not exist", async () => {
    const id = await rawInitialize(h.endpoint.port, 'token-alice');
    const asBob = await rawRequest(h.endpoint.port, { headers: postHeaders('token-bob', { 'mcp-session-id': id }), body: ping });
    const unknown = await rawRequest(h.endpoint.port, { headers: postHeaders('token-bob', { 'mcp-session-id': 'f'.repeat(32) }), body: ping });
    expect(asBob.status).toBe(404);
    expect(asBob.body).toBe(unknown.body);
    const get = await rawRequest(h.endpoint.port, { method: 'GET', headers: { authorization: 'Bearer token-bob', 'mcp-session-id': id } });
    expect(get.status).toBe(404);
    const del = await rawRequest(h.endpoint.port, { method: 'DELETE', headers: { authorization: 'Bearer token-bob', 'mcp-session-id': id } });
    expect(del.status).toBe(404);
    const asAlice = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: ping });
    expect(asAlice.status).toBe(200);
  });

  it('answers an unknown server with 404 naming airlock servers list, and other paths with 404', async () => {
    const res = await rawRequest(h.endpoint.port, { path: '/mcp/nope', headers: postHeaders(), body: ping });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.message).toContain('airlock servers list');
    expect((await rawRequest(h.endpoint.port, { path: '/', headers: postHeaders(), body: ping })).status).toBe(404);
    expect((await rawRequest(h.endpoint.port, { path: '/mcp/echo/x', headers: postHeaders(), body: ping })).status).toBe(404);
  });

  it('answers other methods with 405 and an Allow header', async () => {
    for (const method of ['PUT', 'PATCH', 'OPTIONS']) {
      const res = await rawRequest(h.endpoint.port, { method, headers: postHeaders(), ...(method === 'OPTIONS' ? {} : { body: ping }) });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, POST, DELETE');
    }
  });

  it('answers a POST that is not application/json with 415, and an Accept it cannot meet with 406', async () => {
    const text = await rawRequest(h.endpoint.port, { headers: { ...postHeaders(), 'content-type': 'text/plain' }, body: ping });
    expect(text.status).toBe(415);
    const accept = await rawRequest(h.endpoint.port, { headers: { ...postHeaders(), accept: 'text/html' }, body: ping });
    expect(accept.status).toBe(406);
    const id = await rawInitialize(h.endpoint.port);
    for (const value of ['*/*', '']) {
      const headers = postHeaders('token-alice', { 'mcp-session-id': id });
      if (value === '') delete headers.accept;
      else headers.accept = value;
      expect((await rawRequest(h.endpoint.port, { headers, body: JSON.stringify({ jsonrpc: '2.0', id: value.length, method: 'ping' }) })).status).toBe(200);
    }
  });

  it('answers an unsupported MCP-Protocol-Version with 400', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id, 'mcp-protocol-version': '1999-01-01' }), body: ping });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toContain('1999-01-01');
  });

  it('answers a body over the limit with 413 without reading it all', async () => {
    const declared = await rawRequest(h.endpoint.port, { headers: postHeaders(), body: 'x'.repeat(64 * 1024 + 1) });
    expect(declared.status).toBe(413);
    // Chunked (no Content-Length): refused while it streams; the connection is closed.
    const status = await new Promise<number>((resolve, reject) => {
      const socket = net.connect(h.endpoint.port, '127.0.0.1', () => {
        socket.write(`POST /mcp/echo HTTP/1.1\r\nHost: 127.0.0.1:${h.endpoint.port}\r\nAuthorization: Bearer token-alice\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
        const chunk = 'y'.repeat(16 * 1024);
        for (let i = 0; i < 8; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      });
      let text = '';
      socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
      socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0)));
      socket.on('error', reject);
    });
    expect(status).toBe(413);
    expect(h.sessions).toHaveLength(0);
  });

  it('refuses a batch, non-JSON and a non-message with 400 and a JSON-RPC error', async () => {
    const batch = await rawRequest(h.endpoint.port, { headers: postHeaders(), body: `[${ping}]` });
    expect(batch.status).toBe(400);
    expect(JSON.parse(batch.body).error.message).toContain('batches are not accepted');
    const notJson = await rawRequest(h.endpoint.port, { headers: postHeaders(), body: '{"jsonrpc":' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe(-32700);
    const noMethod = await rawRequest(h.endpoint.port, { headers: postHeaders(), body: '{"jsonrpc":"2.0","id":3}' });
    expect(noMethod.status).toBe(400);
    expect(JSON.parse(noMethod.body)).toMatchObject({ id: 3, error: { code: -32600 } });
  });

  it('refuses a body that is not valid UTF-8 with 400 on its own POST, even a notification the relay would have taken with 202', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const bytes = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","method":"notifications/initialized","params":{"x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const invalid = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: bytes });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ id: null, error: { code: -32700, message: expect.stringContaining('not valid UTF-8') } });
  });

  it('hands prototype-shaped JSON to the relay as its exact bytes (CR/LF blanked), and returns what the relay says', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const body = '{"jsonrpc":"2.0",\r\n"id":9,\n"method":"tools/call","params":{"name":"echo","arguments":{"__proto__":{"admin":true},"a":1,"a":2}}}';
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: 9, error: { message: expect.stringContaining('__proto__') } });
    const line = h.sessions[0]!.lines.at(-1)!;
    expect(line.toString('utf8')).toBe(body.replace(/[\r\n]/g, ' '));
    expect(line.length).toBe(Buffer.byteLength(body));
  });

  it('makes room for an initialize beyond the per-token limit by ending the least recently used idle session', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await rawInitialize(h.endpoint.port));
    // The second and third were used since: the first is the least recently used.
    for (const id of ids.slice(1)) expect((await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: ping })).status).toBe(200);
    const fourth = await rawInitialize(h.endpoint.port);
    expect(fourth).toMatch(/^[0-9a-f]{32}$/);
    expect((await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': ids[0]! }), body: ping })).status).toBe(404);
    for (const id of [...ids.slice(1), fourth]) expect((await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: ping })).status).toBe(200);
  });

  it('answers 429 and what to do when every session of the token has a call in flight', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await rawInitialize(h.endpoint.port));
    const slow = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'slow', arguments: {} } });
    const busy = ids.map((id) => rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: slow }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders(), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }) });
    expect(res.status).toBe(429);
    expect(JSON.parse(res.body).error.message).toMatch(/already has 3 sessions .* waiting for answers.*DELETE/);
    for (const done of await Promise.all(busy)) expect(done.status).toBe(200);
    // Another token has its own allowance.
    await expect(rawInitialize(h.endpoint.port, 'token-bob')).resolves.toMatch(/^[0-9a-f]{32}$/);
  });

  it('asks for Mcp-Session-Id on a 2025 request without one', async () => {
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders(), body: ping });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toContain('Mcp-Session-Id');
  });

  it('answers an openSession failure with its message', async () => {
    const res = await rawRequest(h.endpoint.port, { path: '/mcp/broken', headers: postHeaders(), body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }) });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.body)).toMatchObject({ id: 1, error: { message: expect.stringContaining('API_KEY is not set') } });
    expect(h.endpoint.sessionCount).toBe(0);
  });

  it('puts no-store and nosniff on every answer, and no CORS header at all', async () => {
    const id = await rawInitialize(h.endpoint.port);
    const answers = [
      await rawRequest(h.endpoint.port, { headers: { host: 'evil:1' }, body: ping }),
      await rawRequest(h.endpoint.port, { headers: {}, body: ping }),
      await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id, origin: `http://127.0.0.1:${h.endpoint.port}` }), body: ping }),
      await rawRequest(h.endpoint.port, { method: 'OPTIONS', headers: postHeaders('token-alice', { origin: `http://127.0.0.1:${h.endpoint.port}` }) }),
    ];
    for (const res of answers) {
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(Object.keys(res.headers).filter((k) => k.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('refuses a 2026-07-28 request whose headers say something else than its body (HeaderMismatch)', async () => {
    const meta = { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'echo', arguments: {}, _meta: meta } });
    const res = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' }), body });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ id: 4, error: { code: -32020 } });
    const name = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'other' }), body });
    expect(name.status).toBe(400);
  });
});

describe('the MCP endpoint against slow and stuck clients', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('cuts off a client that never finishes its headers (slowloris)', async () => {
    h = await startHarness({ headersTimeoutMs: 500 });
    const closedAfter = await new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const socket = net.connect(h.endpoint.port, '127.0.0.1', () => socket.write(`POST /mcp/echo HTTP/1.1\r\nHost: 127.0.0.1:${h.endpoint.port}\r\n`));
      const drip = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
      socket.on('data', () => undefined);
      socket.on('close', () => (clearInterval(drip), resolve(Date.now() - started)));
      socket.on('error', reject);
    });
    expect(closedAfter).toBeLessThan(5_000);
  });

  it('drops a GET stream whose client never reads once its unread output passes the bound', async () => {
    h = await startHarness({ maxBodyBytes: 64 * 1024 });
    const id = await rawInitialize(h.endpoint.port);
    const socket = net.connect(h.endpoint.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /mcp/echo HTTP/1.1\r\nHost: 127.0.0.1:${h.endpoint.port}\r\nAuthorization: Bearer token-alice\r\nAccept: text/event-stream\r\nMcp-Session-Id: ${id}\r\n\r\n`);
    socket.pause(); // never reads
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    await waitFor(() => h.sessions.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const session = h.sessions[0]!;
    const payload = 'z'.repeat(32 * 1024);
    for (let i = 0; i < 2_000 && !h.logs.some((l) => l.includes('was disconnected')); i++) {
      session.send({ method: 'notifications/message', params: { level: 'info', data: payload } });
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => h.logs.some((l) => l.includes('was disconnected')), 10_000);
    socket.resume();
    await waitFor(() => closed, 10_000);
    // The session lives on: a new GET stream may open.
    const again = await rawRequest(h.endpoint.port, { headers: postHeaders('token-alice', { 'mcp-session-id': id }), body: ping });
    expect(again.status).toBe(200);
  });
});
