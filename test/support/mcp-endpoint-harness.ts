import http from 'node:http';
import type { Duplex } from 'node:stream';
import { startMcpEndpoint, type McpEndpoint, type McpEndpointOptions } from '../../src/proxy/mcp-endpoint/index.js';

/**
 * A fake relay for the endpoint's tests: each opened session gets a tiny JSON-RPC server on its
 * relay side (both eras) instead of a real RelaySession, so the endpoint is tested alone. Its
 * shape follows Airlock's demo server (src/cli/demo/demo-server.ts), which speaks both eras.
 */

export const TOKENS: Record<string, string> = { 'token-alice': 'alice', 'token-bob': 'bob' };
export const SERVER = 'echo';

type Json = Record<string, unknown>;

export interface FakeSession {
  request: { server: string; token: string; sessionKey: string; era: 'legacy' | 'modern' };
  /** Every line the relay side received, as raw bytes (without the '\n'). */
  lines: Buffer[];
  /** Sends a message to the client, as the relay would. */
  send(message: Json): void;
  /** Ends the relay side, as a relay whose server exited. */
  end(): void;
  closed: boolean;
}

export interface Harness {
  endpoint: McpEndpoint;
  url: string;
  sessions: FakeSession[];
  logs: string[];
  close(): Promise<void>;
}

const MODERN = '2026-07-28';
const TOOLS = [
  { name: 'echo', description: 'echoes its arguments', inputSchema: { type: 'object' } },
  { name: 'progress', description: 'reports progress, asks the client to sample, then answers', inputSchema: { type: 'object' } },
  { name: 'slow', description: 'answers after 300 ms', inputSchema: { type: 'object' } },
  { name: 'later', description: 'answers, then notifies 100 ms later', inputSchema: { type: 'object' } },
  { name: 'big', description: 'answers with more bytes than the limit', inputSchema: { type: 'object' } },
];

export function fakeRelay(side: Duplex, request: FakeSession['request']): FakeSession {
  let buffered = '';
  const inFlight = new Set<string>();
  const askedSampling = new Map<string, (result: Json) => void>();
  let serverSeq = 0;
  let era: 'legacy' | 'modern' = request.era;
  const session: FakeSession = {
    request,
    lines: [],
    closed: false,
    send: (message) => {
      if (!side.destroyed && !side.writableEnded) side.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    },
    end: () => side.end(),
  };
  // 2026-07-28 results carry resultType, and cacheable ones a cache hint.
  const answer = (id: unknown, result: Json, cacheable = false): void => {
    inFlight.delete(JSON.stringify(id));
    session.send({ id, result: era === 'modern' ? { resultType: 'complete', ...(cacheable ? { ttlMs: 0, cacheScope: 'private' } : {}), ...result } : result });
  };
  const onRequest = (id: unknown, method: string, params: Json): void => {
    const key = JSON.stringify(id);
    // Like the real gate: an id already in flight is refused at once.
    if (inFlight.has(key)) return session.send({ id, error: { code: -32600, message: `request id ${key} is already in flight` } });
    inFlight.add(key);
    const meta = (params._meta ?? {}) as Json;
    if (meta['io.modelcontextprotocol/protocolVersion'] !== undefined) era = 'modern';
    switch (method) {
      case 'initialize':
        era = 'legacy';
        return answer(id, { protocolVersion: (params.protocolVersion as string) ?? '2025-11-25', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'fake', version: '1.0.0' } });
      case 'server/discover':
        return answer(id, { supportedVersions: [MODERN, '2025-11-25'], capabilities: { tools: { listChanged: true } }, _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'fake', version: '1.0.0' } } }, true);
      case 'ping':
        return answer(id, {});
      case 'tools/list':
        return answer(id, { tools: TOOLS }, true);
      case 'subscriptions/listen':
        session.send({ method: 'notifications/subscriptions/acknowledged', params: { notifications: params.notifications ?? {}, _meta: { 'io.modelcontextprotocol/subscriptionId': id } } });
        setTimeout(() => session.send({ method: 'notifications/tools/list_changed', params: { _meta: { 'io.modelcontextprotocol/subscriptionId': id } } }), 50);
        return;
      case 'tools/call':
        return void callTool(id, params, meta);
      default:
        inFlight.delete(key);
        return session.send({ id, error: { code: -32601, message: `Method not found: ${method}` } });
    }
  };
  const callTool = async (id: unknown, params: Json, meta: Json): Promise<void> => {
    const args = (params.arguments ?? {}) as Json;
    switch (params.name) {
      case 'echo':
        return answer(id, { content: [{ type: 'text', text: JSON.stringify(args) }] });
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, 300));
        return answer(id, { content: [{ type: 'text', text: 'slow done' }] });
      case 'later':
        answer(id, { content: [{ type: 'text', text: 'now' }] });
        setTimeout(() => session.send({ method: 'notifications/message', params: { level: 'info', data: 'later' } }), 100);
        return;
      case 'big':
        return answer(id, { content: [{ type: 'text', text: 'x'.repeat(Number(args.bytes ?? 100_000)) }] });
      case 'progress': {
        if (meta.progressToken !== undefined) session.send({ method: 'notifications/progress', params: { progressToken: meta.progressToken, progress: 1, total: 2 } });
        const askId = `srv-${++serverSeq}`;
        const sampled = new Promise<Json>((resolve) => askedSampling.set(askId, resolve));
        session.send({ id: askId, method: 'sampling/createMessage', params: { messages: [{ role: 'user', content: { type: 'text', text: 'hi' } }], maxTokens: 10 } });
        const result = await sampled;
        const text = ((result.content ?? {}) as Json).text;
        return answer(id, { content: [{ type: 'text', text: `sampled: ${String(text)}` }] });
      }
      default:
        inFlight.delete(JSON.stringify(id));
        return session.send({ id, error: { code: -32602, message: `unknown tool ${String(params.name)}` } });
    }
  };
  side.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('latin1');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const raw = Buffer.from(buffered.slice(0, newline), 'latin1');
      buffered = buffered.slice(newline + 1);
      session.lines.push(raw);
      let message: Json;
      try {
        message = JSON.parse(raw.toString('utf8')) as Json;
      } catch {
        session.send({ id: null, error: { code: -32700, message: 'not JSON' } });
        continue;
      }
      if ((raw.toString('utf8').match(/"id":/g) ?? []).length > 1) {
        // Like the real gate: a key given twice puts even the id in doubt, so the refusal has id null.
        session.send({ id: null, error: { code: -32600, message: 'a key is given twice' } });
        continue;
      }
      if (raw.includes('__proto__')) {
        // Like the real gate: prototype-shaped keys are refused.
        session.send({ id: message.id ?? null, error: { code: -32600, message: 'a __proto__ key is refused' } });
        continue;
      }
      if (typeof message.method === 'string' && message.id !== undefined) onRequest(message.id, message.method, (message.params ?? {}) as Json);
      else if (message.method === undefined && typeof message.id === 'string') askedSampling.get(message.id)?.((message.result ?? {}) as Json);
    }
  });
  side.on('close', () => (session.closed = true));
  side.on('end', () => side.end());
  side.resume();
  return session;
}

export async function startHarness(overrides: Partial<McpEndpointOptions> = {}): Promise<Harness> {
  const sessions: FakeSession[] = [];
  const logs: string[] = [];
  const endpoint = await startMcpEndpoint({
    port: 0,
    authorize: (bearer) => TOKENS[bearer] ?? null,
    hasServer: (name) => name === SERVER || name === 'broken',
    openSession: (request, relaySide) => {
      if (request.server === 'broken') throw new Error('environment variable API_KEY is not set; set it with airlock servers env broken API_KEY');
      sessions.push(fakeRelay(relaySide, request));
    },
    log: (message) => logs.push(message),
    ...overrides,
  });
  return { endpoint, url: `${endpoint.url}/${SERVER}`, sessions, logs, close: () => endpoint.close() };
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One raw HTTP exchange, with exactly the headers given (no defaults but Host and Content-Length). */
export function rawRequest(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? `/mcp/${SERVER}`, headers: options.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The headers a well-behaved client sends on a POST. */
export function postHeaders(token = 'token-alice', extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...extra };
}

/** Opens a 2025-11-25 session with a raw initialize; returns its id. */
export async function rawInitialize(port: number, token = 'token-alice'): Promise<string> {
  const res = await rawRequest(port, {
    headers: postHeaders(token),
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }),
  });
  if (res.status !== 200) throw new Error(`initialize answered ${res.status}: ${res.body}`);
  return String(res.headers['mcp-session-id']);
}

export function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out waiting'));
      setTimeout(tick, 10);
    };
    tick();
  });
}
