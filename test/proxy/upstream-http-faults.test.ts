import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { afterEach, describe, expect, it } from 'vitest';
import { checkUpstreamUrl, UpstreamHttp, UpstreamUrlError, type UpstreamHttpOptions } from '../../src/proxy/upstream-http.js';
import { UpstreamDriver, type Message } from '../support/http-upstream-driver.js';
import { freePort, listen, readBody, startCountingProxy, startSdkServer, startSelfSignedHttps, type Listening } from '../support/http-upstream-servers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function upstream(options: UpstreamHttpOptions): UpstreamDriver {
  const http = new UpstreamHttp({ env: {}, ...options });
  cleanups.push(() => http.stop());
  return new UpstreamDriver(http);
}

/** A handwritten server for one fault: `answer` gets each request with its parsed JSON-RPC body. */
async function faultServer(answer: (req: IncomingMessage, res: ServerResponse, message: Message | undefined) => void): Promise<Listening> {
  const server = await listen((req, res) => {
    void readBody(req).then((body) => answer(req, res, body.length > 0 ? (JSON.parse(body.toString('utf8')) as Message) : undefined));
  });
  cleanups.push(server.stop);
  return server;
}

const sse = (res: ServerResponse): ServerResponse => (res.writeHead(200, { 'content-type': 'text/event-stream' }), res.flushHeaders(), res);
const event = (message: object, id?: string): string => `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(message)}\n\n`;
const callParams = { name: 'echo', arguments: { text: 'x' } };

function failureOf(answer: Message): string | undefined {
  return answer.error?.data?.failure as string | undefined;
}

describe('UpstreamHttp names each failure in the answer to the call that met it', () => {
  it('a server that is down: unreachable', async () => {
    const driver = upstream({ url: `http://127.0.0.1:${await freePort()}/mcp` });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(failureOf(answer)).toBe('unreachable');
    expect(answer.error?.message).toMatch(/127\.0\.0\.1:\d+ is unreachable: it refused the connection/);
    expect(driver.upstream.stderr()).toContain('unreachable');
    expect(driver.upstream.alive).toBe(true);
  });

  it('a server that does not answer in time: timeout', async () => {
    const server = await faultServer(() => undefined);
    const driver = upstream({ url: server.url, responseTimeoutMs: 300 });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(failureOf(answer)).toBe('timeout');
    expect(answer.error?.message).toContain('did not answer within 0.3 s');
  });

  it('an answer stream that goes silent mid-call: timeout', async () => {
    const server = await faultServer((_req, res) => void sse(res));
    const driver = upstream({ url: server.url, idleTimeoutMs: 300 });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(failureOf(answer)).toBe('timeout');
    expect(answer.error?.message).toContain('went silent');
  });

  it('a stream dropped mid-call without event ids: the call fails as dropped, what came before it was relayed', async () => {
    const server = await faultServer((_req, res) => {
      sse(res).write(event({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }));
      setTimeout(() => res.destroy(), 50);
    });
    const driver = upstream({ url: server.url });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(failureOf(answer)).toBe('dropped');
    expect(answer.error?.message).toContain('ended before the answer to tools/call');
    expect(driver.messages.some((m) => m.method === 'notifications/progress')).toBe(true);
  });

  it('a stream dropped mid-call with event ids: resumed with Last-Event-ID, and the answer arrives', async () => {
    const server = await faultServer((req, res, message) => {
      if (req.method === 'POST') {
        sse(res).write(event({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }, 'ev-1'));
        setTimeout(() => res.destroy(), 50);
        return;
      }
      expect(message).toBeUndefined();
      sse(res).end(`retry: 10\n\n${event({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'resumed' }] } }, 'ev-2')}`);
    });
    const driver = upstream({ url: server.url });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(answer.result).toEqual({ content: [{ type: 'text', text: 'resumed' }] });
    const get = server.seen.find((r) => r.method === 'GET');
    expect(get?.headers['last-event-id']).toBe('ev-1');
  });

  it('an oversized SSE event: dropped, reported as oversize, and the call fails naming the limit', async () => {
    const server = await faultServer((_req, res) => {
      sse(res).end(event({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'x'.repeat(5000) }] } }));
    });
    const driver = upstream({ url: server.url, maxFrameBytes: 1024 });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(driver.oversizes).toHaveLength(1);
    expect(driver.oversizes[0]).toBeGreaterThan(5000);
    expect(failureOf(answer)).toBe('oversize');
    expect(answer.error?.message).toContain('over the 1024-byte limit');
  });

  it('an oversized JSON body: not read past the limit, reported as oversize', async () => {
    const server = await faultServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { big: 'y'.repeat(10_000) } }));
    });
    const driver = upstream({ url: server.url, maxFrameBytes: 1024 });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(driver.oversizes[0]).toBeGreaterThan(1024);
    expect(failureOf(answer)).toBe('oversize');
  });

  it('a redirect to another host: not followed, named', async () => {
    const server = await faultServer((_req, res) => res.writeHead(307, { location: 'https://elsewhere.example/mcp' }).end());
    const driver = upstream({ url: server.url, headers: { 'x-api-key': 'key-never-forwarded' } });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(failureOf(answer)).toBe('redirect');
    expect(answer.error?.message).toContain('the server redirected to elsewhere.example; Airlock does not follow redirects of an MCP endpoint');
    expect(server.seen).toHaveLength(1);
  });

  it('a self-signed certificate: a named TLS failure', async () => {
    const server = await startSelfSignedHttps((_req, res) => res.writeHead(500).end());
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(failureOf(answer)).toBe('tls');
    expect(answer.error?.message).toMatch(/^the TLS connection to 127\.0\.0\.1:\d+ failed \(\w+\)/);
    expect(server.seen).toHaveLength(0);
  });

  it('403, 404 and 5xx are named with their status', async () => {
    const statuses = [403, 404, 503];
    const server = await faultServer((_req, res) => res.writeHead(statuses.shift()!).end('nope'));
    const driver = upstream({ url: server.url });
    const answers = [await driver.request(1, 'tools/call', callParams), await driver.request(2, 'tools/call', callParams), await driver.request(3, 'tools/call', callParams)];
    expect(answers.map(failureOf)).toEqual(['forbidden', 'not-found', 'server-error']);
    expect(answers.map((a) => a.error?.data?.status)).toEqual([403, 404, 503]);
    expect(answers[2]!.error?.message).toContain('answered 503 (a server error)');
  });
});

describe('UpstreamHttp concurrency', () => {
  it('a slow call answered as JSON does not hold back the next call', async () => {
    const server = await faultServer((_req, res, message) => {
      const name = (message?.params as { name?: string } | undefined)?.name;
      const answer = (): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: message?.id, result: { content: [{ type: 'text', text: name }] } }));
      if (name === 'slow') setTimeout(answer, 1_000);
      else answer();
    });
    const driver = upstream({ url: server.url });
    const slow = driver.request(1, 'tools/call', { name: 'slow', arguments: {} });
    await driver.request(2, 'tools/call', { name: 'fast', arguments: {} });
    expect(driver.messages.map((m) => m.id)).toEqual([2]);
    await slow;
    expect(driver.messages.map((m) => m.id)).toEqual([2, 1]);
  });
});

describe('UpstreamHttp sign-in', () => {
  it('a 401 with no sign-in: the Host is told "sign in again" and the call fails naming it', async () => {
    const server = await faultServer((_req, res) => res.writeHead(401, { 'www-authenticate': 'Bearer' }).end());
    const reasons: string[] = [];
    const driver = upstream({ url: server.url, onAuthRequired: (reason) => reasons.push(reason) });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(failureOf(answer)).toBe('sign-in');
    expect(answer.error?.message).toContain('sign in again');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toContain('asks for sign-in (401)');
  });

  it("sends the provider's token, and a 401 the provider cannot fix is reported once, without the token", async () => {
    const token = 'tok-very-secret-123';
    const server = await faultServer((req, res) => {
      if (req.url?.startsWith('/mcp')) return void res.writeHead(401, { 'www-authenticate': 'Bearer' }).end(`bad token ${req.headers.authorization}`);
      res.writeHead(404).end(); // no authorization server here: the SDK's flow cannot renew
    });
    const reasons: string[] = [];
    const driver = upstream({ url: server.url, authProvider: fakeProvider(token), onAuthRequired: (reason) => reasons.push(reason) });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(server.seen[0]!.headers.authorization).toBe(`Bearer ${token}`);
    expect(failureOf(answer)).toBe('sign-in');
    expect(reasons.length).toBeGreaterThanOrEqual(1);
    for (const text of [answer.error!.message, driver.upstream.stderr(), ...reasons]) expect(text).not.toContain(token);
  });
});

describe('UpstreamHttp safety', () => {
  it('refuses plain http to a host that is not this machine, with a clear message', async () => {
    const driver = upstream({ url: 'http://example.com/mcp' });
    const exit = await driver.exited;
    expect(exit.error?.message).toContain('plain http is allowed only to this machine (127.0.0.1, [::1], localhost), not to example.com: use https');
    expect(driver.upstream.alive).toBe(false);
  });

  it('allows https anywhere and plain http only to 127.0.0.1, ::1 and localhost', () => {
    for (const url of ['https://example.com/mcp', 'http://127.0.0.1:3000/mcp', 'http://[::1]:3000/mcp', 'http://localhost/mcp']) expect(() => checkUpstreamUrl(url)).not.toThrow();
    for (const url of ['http://10.0.0.1/mcp', 'http://127.0.0.1.example.com/mcp', 'ftp://example.com/', 'https://user:pw@example.com/mcp', 'not a url']) expect(() => checkUpstreamUrl(url)).toThrow(UpstreamUrlError);
  });

  it('never shows header values in errors or stderr()', async () => {
    const secret = 'sk-live-abcdef123456';
    const server = await faultServer((req, res) => res.writeHead(403).end(`key ${String(req.headers['x-api-key'])} is not allowed`));
    const driver = upstream({ url: server.url, headers: { 'X-Api-Key': secret } });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(server.seen[0]!.headers['x-api-key']).toBe(secret);
    expect(answer.error?.message).toContain('key *** is not allowed');
    expect(`${answer.error?.message} ${driver.upstream.stderr()}`).not.toContain(secret);
  });

  it('sends requests through HTTP_PROXY, and straight to the server for a host in NO_PROXY', async () => {
    const proxy = await startCountingProxy();
    cleanups.push(proxy.stop);
    const viaProxy = await startSdkServer({ stateful: false, json: true });
    const bypassing = await startSdkServer({ stateful: false, json: true });
    cleanups.push(viaProxy.stop, bypassing.stop);
    const seenByProxy = (port: number): number => [...proxy.connects, ...proxy.forwards].filter((target) => target.includes(`127.0.0.1:${port}`)).length;
    await upstream({ url: viaProxy.url, env: { HTTP_PROXY: proxy.url } }).initialize();
    expect(seenByProxy(viaProxy.port)).toBeGreaterThan(0);
    await upstream({ url: bypassing.url, env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' } }).initialize();
    expect(seenByProxy(bypassing.port)).toBe(0);
    expect(bypassing.seen.length).toBeGreaterThan(0);
  });

  it('tunnels https through HTTPS_PROXY with CONNECT (and still checks the certificate)', async () => {
    const proxy = await startCountingProxy();
    cleanups.push(proxy.stop);
    const server = await startSelfSignedHttps((_req, res) => res.writeHead(500).end());
    cleanups.push(server.stop);
    const driver = upstream({ url: server.url, env: { HTTPS_PROXY: proxy.url } });
    const answer = await driver.request(1, 'tools/call', callParams);
    expect(proxy.connects).toEqual([`127.0.0.1:${server.port}`]);
    expect(failureOf(answer)).toBe('tls');
  });
});

/** An OAuth provider that has a token and no way to renew it (the OAuth engineer's provider does more). */
function fakeProvider(accessToken: string): OAuthClientProvider {
  return {
    redirectUrl: 'http://127.0.0.1:9/callback',
    clientMetadata: { redirect_uris: ['http://127.0.0.1:9/callback'], client_name: 'airlock-test' },
    clientInformation: () => undefined,
    tokens: () => ({ access_token: accessToken, token_type: 'Bearer' }),
    saveTokens: () => undefined,
    redirectToAuthorization: () => undefined,
    saveCodeVerifier: () => undefined,
    codeVerifier: () => 'verifier',
  };
}
