import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { bearerToken, checkAccept, checkContentType, checkHostAndOrigin, headerOnce, protocolVersionHeader, truncate, unauthorized } from './access-checks.js';
import { checkHeadersMatchBody } from './header-match.js';
import { BASE_HEADERS, HttpRefusal, RPC_SERVER_ERROR, sendAccepted, sendRefusal } from './http-replies.js';
import { PostExchange } from './post-exchange.js';
import { readBoundedBody, readClientMessage, toRelayLine, type ClientMessage } from './request-body.js';
import type { RelayLink } from './relay-link.js';
import { SessionTable } from './session-table.js';

export { duplexPair } from './duplex-pair.js';

export interface McpEndpointOptions {
  /** 0 = any free port; always bound to 127.0.0.1 only. */
  port: number;
  /** A bearer token's name, or null when it is unknown or revoked. Called on every request. */
  authorize(bearer: string): string | null;
  /** Whether a server of this name is registered (404 with a clear message otherwise). */
  hasServer(name: string): boolean;
  /**
   * Opens a relay for a new MCP session: the Host builds the upstream + RelaySession on `relaySide`
   * (one end of an in-memory duplex pair the endpoint creates; the endpoint keeps the other end).
   * Throws an Error whose message is for the client (e.g. missing env var): answered 502 with a
   * JSON-RPC error carrying that message. `token` is the token's NAME (what `authorize` returned),
   * never the secret itself. `sessionKey` is a stable id for the audit ("http-<random>").
   */
  openSession(request: { server: string; token: string; sessionKey: string; era: 'legacy' | 'modern' }, relaySide: Duplex): void;
  /** Largest request body and largest message sent back (one JSON answer or SSE event); default 4 MiB. */
  maxBodyBytes?: number;
  /** Default 32; the next initialize gets 429 with what to do. */
  maxSessionsPerToken?: number;
  /** Default 30 min without a request or an open stream -> session closed. */
  idleSessionMs?: number;
  /** Longest wait for a request's headers (slowloris); default 10 s. */
  headersTimeoutMs?: number;
  /** Longest wait for a whole request (headers and body); default 30 s. */
  requestTimeoutMs?: number;
  log(message: string): void;
}

export interface McpEndpoint {
  /** `http://127.0.0.1:PORT/mcp`; a server's endpoint is this plus `/NAME`. */
  readonly url: string;
  readonly port: number;
  /** Open 2025-11-25 sessions plus shared 2026-07-28 relays. */
  readonly sessionCount: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const ALLOW = 'GET, POST, DELETE';
/** Requests of one session (or shared relay) waiting for their answers at once. */
const MAX_IN_FLIGHT = 1_000;

/**
 * Starts Airlock's Streamable HTTP endpoint on 127.0.0.1: `POST|GET|DELETE /mcp/NAME`.
 *
 * Layout of this folder: access-checks (Host/Origin, token, content negotiation), request-body
 * (bounded body, routing fields, the line for the relay), header-match (2026-07-28 headers vs
 * body), session-table (sessions, per-token limit, idle sweep), relay-link (routing what the relay
 * says), post-exchange (a POST's JSON-or-SSE answer), event-stream (SSE with ids and resumption),
 * duplex-pair (the in-memory pipe to the relay). Hand-written on node:http: the MCP SDK's server
 * transport parses and re-serializes every message, while the gate must judge the client's bytes.
 */
export async function startMcpEndpoint(options: McpEndpointOptions): Promise<McpEndpoint> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const table = new SessionTable({
    maxSessionsPerToken: options.maxSessionsPerToken ?? 32,
    idleSessionMs: options.idleSessionMs ?? 30 * 60_000,
    maxEventBytes: maxBodyBytes,
    openSession: (request, side) => options.openSession(request, side),
    log: (message) => options.log(message),
  });
  let port = 0;
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = http.createServer({
    headersTimeout,
    requestTimeout: Math.max(options.requestTimeoutMs ?? 30_000, headersTimeout),
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpRefusal) {
        // Past the limit the rest of the body is not read: the connection closes after the answer.
        if (error.status === 413) res.setHeader('connection', 'close');
        return sendRefusal(res, error);
      }
      options.log(`the MCP endpoint failed on ${req.method ?? '?'} ${truncate(req.url ?? '')}: ${(error as Error)?.message ?? String(error)}`);
      sendRefusal(res, new HttpRefusal(500, 'Airlock failed while handling this request; see its log', RPC_SERVER_ERROR));
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    checkHostAndOrigin(req, port);
    const token = bearerToken(req);
    const clientName = options.authorize(token);
    if (clientName === null) throw unauthorized('this bearer token is unknown or was revoked');
    const name = serverName(req.url ?? '');
    if (!options.hasServer(name)) throw new HttpRefusal(404, `no server named "${truncate(name)}" is registered in Airlock; see the names with \`airlock servers list\``, RPC_SERVER_ERROR);
    if (req.method === 'POST') return post(req, res, name, token, clientName);
    if (req.method === 'GET') return get(req, res, name, token);
    if (req.method === 'DELETE') return remove(req, res, name, token);
    throw new HttpRefusal(405, `Airlock's MCP endpoint takes ${ALLOW}, not ${truncate(req.method ?? '')}`, RPC_SERVER_ERROR, { allow: ALLOW });
  }

  async function post(req: IncomingMessage, res: ServerResponse, name: string, token: string, clientName: string): Promise<void> {
    checkContentType(req);
    checkAccept(req, ['application/json', 'text/event-stream']);
    const version = protocolVersionHeader(req);
    const sessionId = headerOnce(req, 'mcp-session-id');
    // An unknown session is refused before its body is read.
    const session = sessionId === undefined ? null : table.find(sessionId, token, name);
    const body = await readBoundedBody(req, maxBodyBytes);
    const message = readClientMessage(body);
    checkHeadersMatchBody(req, message, version);
    const line = toRelayLine(body);
    if (session) {
      if (message.method === 'initialize') throw new HttpRefusal(400, 'this session is already initialized; to start a new one, POST initialize without Mcp-Session-Id', RPC_SERVER_ERROR, {}, message.id ?? null);
      return relay(res, session, message, line, {}, version);
    }
    if (message.kind === 'request' && message.method === 'initialize') {
      const opened = table.openLegacy(name, token, clientName, message.id!);
      return relay(res, opened.link, message, line, { 'mcp-session-id': opened.id }, version);
    }
    if (isModern(req, message)) {
      return relay(res, table.modernRelay(name, token, clientName, message.id ?? null), message, line, {}, version);
    }
    throw new HttpRefusal(400, 'this request has no Mcp-Session-Id header: start a session with initialize (2025-11-25) and send its Mcp-Session-Id on every later request, or speak 2026-07-28 (per-request _meta)', RPC_SERVER_ERROR, {}, message.id ?? null);
  }

  function relay(res: ServerResponse, link: RelayLink, message: ClientMessage, line: Buffer, headers: Record<string, string>, version: string | undefined): void {
    // The relay may have ended while the body was read.
    if (link.gone) throw new HttpRefusal(404, 'this session ended while the request was read; start a new one with initialize', RPC_SERVER_ERROR, {}, message.id ?? null);
    if (message.kind !== 'request') {
      link.send(line, null);
      return sendAccepted(res, headers);
    }
    if (link.inFlight >= MAX_IN_FLIGHT) {
      throw new HttpRefusal(429, `${link.inFlight} requests to "${link.server}" already wait for their answers on this session; wait for some before sending more`, RPC_SERVER_ERROR, {}, message.id ?? null);
    }
    const legacy = link.resumable;
    const exchange = new PostExchange(res, message as ClientMessage & { id: string | number }, {
      headers,
      // Older clients may not expect an event without data (the priming event came with 2025-11-25).
      prime: legacy && (version === undefined || version >= '2025-11-25'),
      newStream: () => link.newStream(),
      maxEventBytes: maxBodyBytes,
      log: options.log,
    });
    link.send(line, exchange);
  }

  function get(req: IncomingMessage, res: ServerResponse, name: string, token: string): void {
    checkAccept(req, ['text/event-stream']);
    protocolVersionHeader(req);
    const sessionId = headerOnce(req, 'mcp-session-id');
    if (sessionId === undefined) throw new HttpRefusal(400, 'a GET stream belongs to a session: send the Mcp-Session-Id that initialize gave (2026-07-28 has no GET stream; use subscriptions/listen)', RPC_SERVER_ERROR);
    const link = table.find(sessionId, token, name);
    link.openGet(res, headerOnce(req, 'last-event-id'));
  }

  function remove(req: IncomingMessage, res: ServerResponse, name: string, token: string): void {
    protocolVersionHeader(req);
    const sessionId = headerOnce(req, 'mcp-session-id');
    if (sessionId === undefined) throw new HttpRefusal(400, 'DELETE ends a session: send its Mcp-Session-Id', RPC_SERVER_ERROR);
    table.find(sessionId, token, name);
    table.end(sessionId, 'the client ended it (DELETE)');
    res.writeHead(204, BASE_HEADERS);
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    port,
    get sessionCount() {
      return table.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Waiting POSTs get their error answer and streams end first; connections still open after a moment are cut.
        table.closeAll('Airlock is shutting down');
        const cut = setTimeout(() => server.closeAllConnections(), 1_000);
        server.close(() => (clearTimeout(cut), resolve()));
        server.closeIdleConnections();
      }),
  };
}

/** `/mcp/NAME` (query ignored); anything else is 404. */
function serverName(url: string): string {
  const path = url.split('?')[0]!;
  const match = /^\/mcp\/([^/]+)$/.exec(path);
  let name: string | null;
  try {
    name = match ? decodeURIComponent(match[1]!) : null;
  } catch {
    name = null;
  }
  if (name === null || name === '') throw new HttpRefusal(404, "Airlock's MCP endpoint is /mcp/NAME, where NAME is a server from `airlock servers list`", RPC_SERVER_ERROR);
  return name;
}

/** The 2026-07-28 shape: per-request _meta with a protocol version, an Mcp-Method header, or server/discover. */
function isModern(req: IncomingMessage, message: ClientMessage): boolean {
  return message.modernVersion !== undefined || req.headers['mcp-method'] !== undefined || message.method === 'server/discover';
}
