import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client as Sdk2Client } from '@modelcontextprotocol/client';
import { StdioClientTransport as Sdk2StdioTransport } from '@modelcontextprotocol/client/stdio';
import { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as Sdk1StdioTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

/**
 * Real MCP clients for end-to-end tests: the 1.x SDK client (2025 era) and the 2.x client that
 * can negotiate 2026-07-28, both spawning their server over stdio. Each answers the server's
 * sampling, elicitation and roots requests from `handlers`, which a test may change at any time,
 * and logs every notification so a test can await one.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How a server is started: what `connectSdk1` / `connectSdk2` spawn. */
export interface ServerCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export type ElicitContent = Record<string, string | number | boolean | string[]>;

/** What the client answers to the server's requests. */
export interface ClientHandlers {
  /** The text of every `sampling/createMessage` answer. */
  samplingText: string;
  /** The answer to every `elicitation/create`. */
  elicitation: { action: 'accept' | 'decline' | 'cancel'; content?: ElicitContent };
  /** The answer to every `roots/list`. */
  roots: { uri: string; name?: string }[];
}

export const DEFAULT_HANDLERS: ClientHandlers = {
  samplingText: 'the model says hello',
  elicitation: { action: 'accept', content: { name: 'Ada' } },
  roots: [{ uri: 'file:///tmp/airlock-test-root', name: 'test root' }],
};

export interface ConnectOptions {
  /** Overrides of DEFAULT_HANDLERS. */
  handlers?: Partial<ClientHandlers>;
  /** The server's stderr is captured by default (see `stderr()`); 'inherit' shows it while debugging. */
  stderr?: 'pipe' | 'inherit';
  /** Request timeout for connect, in ms. */
  timeoutMs?: number;
}

export interface ReceivedNotification {
  method: string;
  params: unknown;
}

/** Every notification the client received, in order, with waits that never miss an early arrival. */
export class NotificationLog {
  readonly received: ReceivedNotification[] = [];
  private readonly waiters = new Set<() => void>();

  add(notification: ReceivedNotification): void {
    this.received.push(notification);
    for (const wake of [...this.waiters]) wake();
  }

  count(method: string): number {
    return this.received.filter((n) => n.method === method).length;
  }

  of(method: string): unknown[] {
    return this.received.filter((n) => n.method === method).map((n) => n.params);
  }

  /** Resolves once `count` notifications of `method` have arrived in total (counting those already here). */
  waitFor(method: string, count = 1, timeoutMs = 10_000): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.count(method) < count) return false;
        this.waiters.delete(wake);
        clearTimeout(timer);
        resolve(this.of(method));
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} × ${method}; got ${this.count(method)}`));
      }, timeoutMs);
      this.waiters.add(wake);
      check();
    });
  }

  /** The next notification of `method` after this call: call it before the action that triggers it. */
  next(method: string, timeoutMs = 10_000): Promise<unknown> {
    const count = this.count(method) + 1;
    return this.waitFor(method, count, timeoutMs).then((all) => all[count - 1]);
  }
}

/** What the server asked the client, so a test can see a request reached (or did not reach) it. */
export interface ServerRequests {
  sampling: unknown[];
  elicitation: unknown[];
  roots: number;
}

export interface McpConnection<C> {
  client: C;
  /** Mutable: change an answer mid-test. */
  handlers: ClientHandlers;
  requests: ServerRequests;
  notifications: NotificationLog;
  /** The server's stderr so far (empty with stderr: 'inherit'). */
  stderr(): string;
  close(): Promise<void>;
}

export interface Sdk2Connection extends McpConnection<Sdk2Client> {
  /** 'modern' after server/discover (2026-07-28), 'legacy' after initialize. */
  era: 'modern' | 'legacy' | undefined;
  protocolVersion: string | undefined;
}

const CLIENT_INFO = { name: 'airlock-test-client', version: '1.0.0' };

interface Wiring {
  handlers: ClientHandlers;
  requests: ServerRequests;
  notifications: NotificationLog;
}

function wiring(options: ConnectOptions): Wiring {
  return {
    handlers: { ...DEFAULT_HANDLERS, ...options.handlers },
    requests: { sampling: [], elicitation: [], roots: 0 },
    notifications: new NotificationLog(),
  };
}

function captureStderr(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return () => text;
}

/** The client's answers to server requests, from the (mutable) handlers, recording each request. */
function answers(w: Wiring) {
  return {
    sampling(params: unknown) {
      w.requests.sampling.push(params);
      return { model: 'airlock-test-model', role: 'assistant' as const, content: { type: 'text' as const, text: w.handlers.samplingText } };
    },
    elicitation(params: unknown) {
      w.requests.elicitation.push(params);
      return w.handlers.elicitation;
    },
    roots() {
      w.requests.roots += 1;
      return { roots: w.handlers.roots };
    },
  };
}

/** An @modelcontextprotocol/sdk 1.x client (2025 era, `initialize`) connected to a spawned server. */
export async function connectSdk1(command: string, args: string[], env?: Record<string, string>, options: ConnectOptions = {}): Promise<McpConnection<Sdk1Client>> {
  const w = wiring(options);
  const client = new Sdk1Client(CLIENT_INFO, { capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } } });
  const answer = answers(w);
  client.setRequestHandler(CreateMessageRequestSchema, (request) => answer.sampling(request.params));
  client.setRequestHandler(ElicitRequestSchema, (request) => answer.elicitation(request.params));
  client.setRequestHandler(ListRootsRequestSchema, () => answer.roots());
  client.fallbackNotificationHandler = async (n) => w.notifications.add({ method: n.method, params: n.params });
  const transport = new Sdk1StdioTransport({ command, args, ...(env ? { env } : {}), stderr: options.stderr ?? 'pipe' });
  const stderr = captureStderr(transport.stderr as NodeJS.ReadableStream | null);
  await client.connect(transport, options.timeoutMs === undefined ? undefined : { timeout: options.timeoutMs });
  return { client, ...w, stderr, close: () => client.close() };
}

export interface Sdk2Options extends ConnectOptions {
  /** 'auto' (default) probes with server/discover and falls back to initialize; 'legacy' only initializes. */
  negotiation?: 'auto' | 'legacy' | { pin: string };
  /** On a modern connection, open `subscriptions/listen` for every list_changed (default true). */
  listen?: boolean;
}

/**
 * An @modelcontextprotocol/client 2.x client connected to a spawned server. With 'auto' it first
 * probes `server/discover` on a throwaway sibling process, then starts the real one: modern era
 * when the server offers 2026-07-28, else the 2025 `initialize` handshake.
 */
export async function connectSdk2(command: string, args: string[], env?: Record<string, string>, options: Sdk2Options = {}): Promise<Sdk2Connection> {
  const w = wiring(options);
  const client = new Sdk2Client(CLIENT_INFO, {
    capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
    versionNegotiation: { mode: options.negotiation ?? 'auto' },
  });
  const answer = answers(w);
  client.setRequestHandler('sampling/createMessage', (request) => answer.sampling(request.params));
  client.setRequestHandler('elicitation/create', (request) => answer.elicitation(request.params));
  client.setRequestHandler('roots/list', () => answer.roots());
  client.fallbackNotificationHandler = async (n) => w.notifications.add({ method: n.method, params: n.params });
  const transport = new Sdk2StdioTransport({ command, args, ...(env ? { env } : {}), stderr: options.stderr ?? 'pipe' });
  const stderr = captureStderr(transport.stderr as NodeJS.ReadableStream | null);
  await client.connect(transport, options.timeoutMs === undefined ? undefined : { timeout: options.timeoutMs });
  const era = client.getProtocolEra();
  if (era === 'modern' && options.listen !== false) {
    // On 2026-07-28 list_changed arrives only on an open subscriptions/listen, never unsolicited.
    const capabilities = client.getServerCapabilities();
    await client.listen({
      ...(capabilities?.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(capabilities?.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(capabilities?.resources?.listChanged ? { resourcesListChanged: true } : {}),
    });
  }
  return { client, ...w, stderr, era, protocolVersion: client.getNegotiatedProtocolVersion(), close: () => client.close() };
}

// ---- servers ----

/** Airlock's own fixture server (compiled by the tests' global setup). */
export function demoServer(toolsFile: string): ServerCommand {
  return { command: process.execPath, args: [path.join(ROOT, 'dist/cli/demo/demo-server.js'), '--tools', toolsFile] };
}

/** The script a package's `bin` names, resolved inside this repo's node_modules. */
function binScript(pkg: string): string {
  const dir = path.join(ROOT, 'node_modules', pkg);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${pkg} has no bin in its package.json`);
  return path.join(dir, bin);
}

/** server-everything: its first argument picks the transport ('stdio' is also its default). */
export function everythingServer(): ServerCommand {
  return { command: process.execPath, args: [binScript('@modelcontextprotocol/server-everything'), 'stdio'] };
}

/**
 * server-filesystem serving `allowedDir`. It also asks a client that declares roots for
 * `roots/list` and then serves those roots INSTEAD: give the connection matching roots.
 */
export function filesystemServer(allowedDir: string): ServerCommand {
  return { command: process.execPath, args: [binScript('@modelcontextprotocol/server-filesystem'), allowedDir] };
}

/** server-memory with its knowledge graph in `dataDir`, never in node_modules (its default). */
export function memoryServer(dataDir: string): ServerCommand {
  return { command: process.execPath, args: [binScript('@modelcontextprotocol/server-memory')], env: { MEMORY_FILE_PATH: path.join(dataDir, 'memory.jsonl') } };
}
