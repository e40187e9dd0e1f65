import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { duplexPair } from './duplex-pair.js';
import { HttpRefusal, RPC_SERVER_ERROR } from './http-replies.js';
import { RelayLink } from './relay-link.js';

export interface OpenRequest {
  server: string;
  token: string;
  sessionKey: string;
  era: 'legacy' | 'modern';
}

export interface SessionTableOptions {
  maxSessionsPerToken: number;
  idleSessionMs: number;
  maxEventBytes: number;
  openSession(request: OpenRequest, relaySide: Duplex): void;
  log(message: string): void;
}

/** A 2025-11-25 session: its id, the token that created it, and its relay. */
interface LegacySession {
  id: string;
  server: string;
  tokenDigest: Buffer;
  link: RelayLink;
}

/**
 * The endpoint's sessions: 2025-11-25 sessions by Mcp-Session-Id, and the one shared
 * 2026-07-28 relay per (server, token). A session answers only the token that created it; to
 * any other it does not exist (404). Idle ones are closed by a sweep.
 */
export class SessionTable {
  private readonly legacy = new Map<string, LegacySession>();
  private readonly modern = new Map<string, RelayLink>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: SessionTableOptions) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(options.idleSessionMs / 2, 60_000)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.legacy.size + this.modern.size;
  }

  /** The session `id` of this token on this server, or 404 whatever the reason (never reveal that it exists). */
  find(id: string, token: string, server: string): RelayLink {
    const session = this.legacy.get(id);
    if (!session || session.server !== server || !sameDigest(session.tokenDigest, digest(token)) || session.link.gone) {
      throw new HttpRefusal(404, 'this Mcp-Session-Id names no open session (it ended, or never existed); start a new one with initialize and no Mcp-Session-Id', RPC_SERVER_ERROR);
    }
    return session.link;
  }

  /** A new 2025-11-25 session for an initialize: its id, and its relay. */
  openLegacy(server: string, token: string, clientName: string, requestId: string | number): { id: string; link: RelayLink } {
    const tokenDigest = digest(token);
    const mine = [...this.legacy.values()].filter((session) => sameDigest(session.tokenDigest, tokenDigest) && !session.link.gone);
    let count = mine.length;
    if (count >= this.options.maxSessionsPerToken) {
      // Clients that never send DELETE (the SDK's close() does not) would lock themselves out until
      // the idle sweep: the token's least recently used session with nothing in flight ends instead,
      // and its client meets a 404 and initializes again, as the specification provides.
      const idle = mine.filter((session) => !session.link.busy).sort((a, b) => a.link.lastActivity - b.link.lastActivity)[0];
      if (idle) {
        idle.link.close(`client "${clientName}" opened more than ${this.options.maxSessionsPerToken} sessions; its least recently used one ended`);
        count -= 1;
      }
    }
    if (count >= this.options.maxSessionsPerToken) {
      throw new HttpRefusal(
        429,
        `client "${clientName}" already has ${count} sessions with Airlock's MCP endpoint waiting for answers, the most one token may hold. End sessions you no longer use (HTTP DELETE with their Mcp-Session-Id, or close the client), or wait: a session unused for ${Math.round(this.options.idleSessionMs / 60_000)} min closes by itself.`,
        RPC_SERVER_ERROR,
        {},
        requestId,
      );
    }
    // 128 random bits, hex: unguessable, and visible ASCII as the spec asks.
    const id = randomBytes(16).toString('hex');
    const link = this.open({ server, token: clientName, era: 'legacy' }, requestId, () => this.legacy.delete(id));
    this.legacy.set(id, { id, server, tokenDigest, link });
    return { id, link };
  }

  /** The shared 2026-07-28 relay of (server, token), opened on first use. */
  modernRelay(server: string, token: string, clientName: string, requestId: string | number | null): RelayLink {
    const key = `${server}\n${digest(token).toString('hex')}`;
    const existing = this.modern.get(key);
    if (existing && !existing.gone) return existing;
    const link = this.open({ server, token: clientName, era: 'modern' }, requestId, () => {
      if (this.modern.get(key) === link) this.modern.delete(key);
    });
    this.modern.set(key, link);
    return link;
  }

  /** DELETE of a session: the relay sees its client leave. */
  end(id: string, reason: string): void {
    this.legacy.get(id)?.link.close(reason);
  }

  closeAll(reason: string): void {
    clearInterval(this.sweeper);
    for (const session of [...this.legacy.values()]) session.link.close(reason);
    for (const link of [...this.modern.values()]) link.close(reason);
  }

  private open(request: Omit<OpenRequest, 'sessionKey'>, requestId: string | number | null, onGone: () => void): RelayLink {
    const [mine, theirs] = duplexPair();
    const sessionKey = `http-${randomBytes(8).toString('hex')}`;
    const link = new RelayLink(mine, { server: request.server, era: request.era, maxEventBytes: this.options.maxEventBytes, log: this.options.log, onGone });
    try {
      this.options.openSession({ ...request, sessionKey }, theirs);
    } catch (error) {
      link.close('it could not be opened');
      theirs.destroy();
      const message = error instanceof Error ? error.message : String(error);
      throw new HttpRefusal(502, `Airlock could not start "${request.server}": ${message}`, RPC_SERVER_ERROR, {}, requestId);
    }
    return link;
  }

  private sweep(): void {
    const now = Date.now();
    const idle = this.options.idleSessionMs;
    const reason = `unused for ${idle >= 60_000 ? `${Math.round(idle / 60_000)} min` : `${idle} ms`}`;
    for (const session of [...this.legacy.values()]) if (!session.link.busy && now - session.link.lastActivity >= idle) session.link.close(reason);
    for (const link of [...this.modern.values()]) if (!link.busy && now - link.lastActivity >= idle) link.close(reason);
  }
}

/** Tokens are kept as SHA-256 digests only: the table never holds a client's secret. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
