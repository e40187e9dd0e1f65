import type { Duplex } from 'node:stream';
import type { Store } from '../engine/store/index.js';
import { serverConfigPresence } from '../engine/store/server-configs.js';
import { startMcpEndpoint, type McpEndpoint } from '../proxy/mcp-endpoint/index.js';
import type { RelaySession } from '../proxy/relay-session.js';
import { ClientTokenCheck } from './client-tokens.js';
import { listenPreferring } from './control-port.js';
import { rememberMcpPort } from './mcp-port.js';

/** How often the endpoint's sessions are checked against revoked tokens. */
const TOKEN_SWEEP_MS = 2_000;

export interface HostEndpointOptions {
  home: string;
  store: Store;
  port: number;
  /** Tried first (the port clients were given); `port` when it is taken. */
  preferred?: number;
  maxBodyBytes?: number;
  /** Starts a relay for a new session of `server` on `relaySide`, for the client holding `token`'s name; throws to refuse. */
  open(server: string, client: string, relaySide: Duplex): RelaySession;
  log(message: string): void;
}

/**
 * The Host's side of the MCP endpoint: who may use it (client tokens, checked on every request),
 * where it listens (the port clients were given, remembered in the home), and ending the open
 * sessions of a token once it is revoked.
 */
export class HostEndpoint {
  private readonly sweep: NodeJS.Timeout;

  private constructor(
    private readonly endpoint: McpEndpoint,
    private readonly tokens: ClientTokenCheck,
    /** The endpoint's open sessions, each with its client's name. */
    private readonly sessions: Map<RelaySession, string>,
  ) {
    // A revoked token ends its open sessions too, not only its next request.
    this.sweep = setInterval(() => this.endRevokedSessions(), TOKEN_SWEEP_MS);
    this.sweep.unref();
  }

  static async start(options: HostEndpointOptions): Promise<HostEndpoint> {
    const tokens = new ClientTokenCheck(options.store, options.log);
    const hasServer = serverConfigPresence(options.store);
    const sessions = new Map<RelaySession, string>();
    const track = (session: RelaySession, client: string): void => {
      sessions.set(session, client);
      void session.closedPromise.then(() => sessions.delete(session));
    };
    const endpoint = await listenPreferring(options.preferred, options.port, (port) =>
      startMcpEndpoint({
        port,
        authorize: (bearer) => tokens.clientOf(bearer),
        hasServer,
        openSession: ({ server, token }, relaySide) => track(options.open(server, token, relaySide), token),
        ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
        log: options.log,
      }),
    );
    const host = new HostEndpoint(endpoint, tokens, sessions);
    if (options.preferred !== undefined && endpoint.port !== options.preferred) {
      options.log(`the MCP endpoint's port ${options.preferred} is taken: it listens on ${endpoint.port} instead, and clients given the old address must be routed again (airlock clients install)`);
    }
    rememberMcpPort(options.home, endpoint.port);
    options.log(`MCP endpoint listening on ${endpoint.url}/NAME (each client needs its token: airlock clients token NAME)`);
    return host;
  }

  /** The base address: servers are at `${url}/NAME`. */
  get url(): string {
    return this.endpoint.url;
  }

  close(): Promise<void> {
    clearInterval(this.sweep);
    return this.endpoint.close();
  }

  private endRevokedSessions(): void {
    for (const [session, client] of this.sessions) {
      if (!this.tokens.has(client)) void session.close(`the token of client "${client}" was revoked`);
    }
  }
}
