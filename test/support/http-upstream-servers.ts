/**
 * Real HTTP MCP servers on 127.0.0.1 for the remote-upstream tests: server-everything in its
 * Streamable HTTP and SSE modes (a child process), servers built with the SDK 1.x (stateful,
 * stateless, JSON responses) and with the 2026-07-28 server package, all in this process.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHandler, McpServer as ModernMcpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';

export interface Listening {
  url: string;
  port: number;
  /** Every request the server saw: method, path and headers. */
  seen: Array<{ method: string; path: string; headers: IncomingMessage['headers'] }>;
  stop(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 at a free port, with a log of what it saw. */
export async function listen(handler: RequestListener, path = '/mcp', server: Server = createHttpServer()): Promise<Listening> {
  const seen: Listening['seen'] = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => (sockets.add(socket), socket.on('close', () => sockets.delete(socket))));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    seen,
    stop: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The SDK 1.x server with one tool, "echo". */
function echoServer(server: McpServer): McpServer {
  server.registerTool('echo', { description: 'Echoes the text back.', inputSchema: { text: z.string() } }, async ({ text }) => ({ content: [{ type: 'text' as const, text }] }));
  return server;
}

/** The 2026-07-28 server with the same tool. */
function modernEchoServer(): ModernMcpServer {
  const server = new ModernMcpServer({ name: 'modern', version: '2.0.0' }, { capabilities: { tools: { listChanged: true } } });
  server.registerTool('echo', { description: 'Echoes the text back.', inputSchema: z.object({ text: z.string() }) }, async ({ text }) => ({ content: [{ type: 'text' as const, text }] }));
  return server;
}

export interface SdkServerMode {
  /** Sessions with Mcp-Session-Id (stateful), or none. */
  stateful: boolean;
  /** application/json answers instead of SSE streams. */
  json?: boolean;
}

/** A server built with the MCP SDK 1.x: an "echo" tool; `expireSessions()` forgets every session (the next request gets 404). */
export async function startSdkServer(mode: SdkServerMode): Promise<Listening & { expireSessions(): void; sessions(): number; addTool(name: string): void; dropGetStreams(): void }> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const servers: McpServer[] = [];
  const running = await listen((req, res) => {
    void (async () => {
      const raw = req.method === 'POST' ? await readBody(req) : undefined;
      const body: unknown = raw ? JSON.parse(raw.toString('utf8')) : undefined;
      if (!mode.stateful) {
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: mode.json });
        const server = echoServer(new McpServer({ name: 'sdk-stateless', version: '1.0.0' }));
        res.on('close', () => void transport.close().then(() => server.close()));
        await server.connect(transport);
        return transport.handleRequest(req, res, body);
      }
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId !== undefined || !isInitializeRequest(body)) {
          // As the spec says of a session the server no longer has: 404.
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
          return;
        }
        const created: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: mode.json,
          eventStore: memoryEventStore(),
          onsessioninitialized: (id) => void transports.set(id, created),
        });
        transport = created;
        const server = echoServer(new McpServer({ name: 'sdk-stateful', version: '1.0.0' }));
        servers.push(server);
        await server.connect(transport);
      }
      return transport.handleRequest(req, res, body);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  return {
    ...running,
    expireSessions: () => transports.clear(),
    sessions: () => transports.size,
    // A new tool: each session's server announces it on its GET stream (notifications/tools/list_changed).
    addTool: (name) => {
      for (const server of servers) server.registerTool(name, { description: `Added later: ${name}.` }, async () => ({ content: [] }));
    },
    // The SDK's own way to end a GET stream so that the client reconnects.
    dropGetStreams: () => {
      for (const transport of transports.values()) transport.closeStandaloneSSEStream();
    },
  };
}

/**
 * Events kept for resumption. The SDK's example store reads the stream back out of the event id
 * by splitting on "_", which loses the GET stream ("_GET_stream"); this one keeps it beside the event.
 */
function memoryEventStore(): EventStore {
  const events: Array<{ id: string; streamId: string; message: Parameters<EventStore['storeEvent']>[1] }> = [];
  return {
    storeEvent: async (streamId, message) => {
      const id = `ev-${events.length + 1}`;
      events.push({ id, streamId, message });
      return id;
    },
    getStreamIdForEventId: async (eventId) => events.find((e) => e.id === eventId)?.streamId,
    replayEventsAfter: async (lastEventId, { send }) => {
      const at = events.findIndex((e) => e.id === lastEventId);
      if (at === -1) return '';
      const { streamId } = events[at]!;
      for (const event of events.slice(at + 1)) if (event.streamId === streamId) await send(event.id, event.message);
      return streamId;
    },
  };
}

/** A 2026-07-28 server from the @modelcontextprotocol/server 2.x package (createMcpHandler, stateless). */
export async function startModernServer(): Promise<Listening> {
  const handler = createMcpHandler(() => modernEchoServer(), { legacy: 'reject' });
  let base = '';
  const running = await listen((req, res) => {
    void (async () => {
      const body = req.method === 'POST' ? await readBody(req) : undefined;
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
      const response = await handler.fetch(new Request(`${base}${req.url ?? '/'}`, { method: req.method, headers, body }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.flushHeaders();
      if (response.body) for await (const chunk of response.body) res.write(chunk);
      res.end();
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });
  base = `http://127.0.0.1:${running.port}`;
  return { ...running, stop: async () => (await handler.close(), await running.stop()) };
}

/** @modelcontextprotocol/server-everything in its streamableHttp or sse mode, as a child process. */
export async function startEverything(mode: 'streamableHttp' | 'sse'): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const entry = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const child = spawn(process.execPath, [entry, mode], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`server-everything ${mode} did not start: ${text}`)), 20_000);
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (/listening on port|running on port/i.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server-everything ${mode} exited (${code}): ${text}`)));
  });
  return {
    url: `http://127.0.0.1:${port}${mode === 'sse' ? '/sse' : '/mcp'}`,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An https server with a self-signed certificate nobody trusts: every client must refuse it. */
export async function startSelfSignedHttps(handler: RequestListener): Promise<Listening> {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
  const running = await listen(handler, '/mcp', server);
  return { ...running, url: running.url.replace(/^http:/, 'https:') };
}

/**
 * A forward proxy as corporate networks run: CONNECT tunnels and absolute-URI requests, each
 * one counted, so a test can see whether a request went through it.
 */
export async function startCountingProxy(): Promise<{ url: string; connects: string[]; forwards: string[]; stop(): Promise<void> }> {
  const connects: string[] = [];
  const forwards: string[] = [];
  const server = createHttpServer((req, res) => {
    forwards.push(req.url ?? '');
    const target = new URL(req.url ?? '');
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = netConnect(Number(port), host!.replace(/^\[|\]$/g, ''), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  const running = await listen(() => undefined, '', server);
  return { url: `http://127.0.0.1:${running.port}`, connects, forwards, stop: running.stop };
}
