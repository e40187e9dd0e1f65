import { EventEmitter } from 'node:events';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Dispatcher } from 'undici';
import { DEFAULT_MAX_FRAME_BYTES } from './line-framer.js';
import type { Upstream, UpstreamEvents, UpstreamExit } from './upstream.js';
import { errorText, exchange, proxyDispatcher, readBounded, type Exchange } from './http/http-client.js';
import { GetStream } from './http/get-stream.js';
import { failureOfRedirect, failureOfStatus, UpstreamHttpFailure } from './http/http-failure.js';
import { openLegacySse, type LegacySse } from './http/legacy-sse.js';
import { idKey, messageHeaders, readMessage, toLine, type OutgoingMessage } from './http/outgoing-message.js';
import { sseMessages, type StreamPosition } from './http/sse-messages.js';
import { UpstreamAuth } from './http/upstream-auth.js';
import { checkUpstreamUrl, UpstreamUrlError } from './http/upstream-url.js';

export interface UpstreamHttpOptions {
  /** The MCP endpoint: https, or plain http to loopback only. */
  url: string;
  /**
   * 'streamable-http' (default): Streamable HTTP, falling back to HTTP+SSE when the server answers
   * the first POST with a 4xx; 'sse': the older HTTP+SSE transport only.
   */
  transport?: 'streamable-http' | 'sse';
  /** Extra request headers (API keys), values from the secret store; never shown in any message. */
  headers?: Record<string, string>;
  /** Sign-in (OAuth 2.1), the MCP SDK's provider interface; its tokens go in the Authorization header. */
  authProvider?: OAuthClientProvider;
  /** A 401 (or 403 insufficient_scope) the provider could not fix: the Host holds calls with "sign in again". */
  onAuthRequired?: (reason: string) => void;
  /**
   * A 403 insufficient_scope named a scope the sign-in lacks: told before the provider is asked,
   * so the next sign-in asks for it (a wider scope needs the user's consent in a browser).
   */
  onScopeChallenge?: (scope: string) => void;
  /** What the user does about a sign-in that lapsed, as the failed call's error says it (default: "sign in again"). */
  signInHint?: string;
  /** Largest JSON-RPC message taken from a response body or an SSE event. */
  maxFrameBytes?: number;
  /** Longest wait for a TCP/TLS connection. */
  connectTimeoutMs?: number;
  /** Longest wait for the response headers of a request. */
  responseTimeoutMs?: number;
  /** Longest silence inside one answer's body; the GET stream and subscriptions/listen have none. */
  idleTimeoutMs?: number;
  /** Where HTTPS_PROXY, HTTP_PROXY and NO_PROXY are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Removes further secret values from messages (the Host's own redaction). */
  redact?: (text: string) => string;
}

/** JSON-RPC's "server error" code, for an answer Airlock writes because the exchange failed. */
export const RPC_UPSTREAM_FAILED = -32000;
const DEFAULT_RETRY_MS = 1_000;
const RESUME_MAX_ATTEMPTS = 3;
const STOP_DELETE_TIMEOUT_MS = 2_000;
const STDERR_TAIL_CHARS = 4_000;
/** Headers the transport owns: a configured header must not change the session or the protocol. */
const RESERVED_HEADERS = new Set(['accept', 'content-type', 'content-length', 'host', 'mcp-session-id', 'mcp-protocol-version', 'mcp-method', 'mcp-name', 'last-event-id', 'connection', 'transfer-encoding']);

/**
 * A remote MCP server over Streamable HTTP (both protocol eras Airlock relays), or the older
 * HTTP+SSE transport when the server only speaks that. The relay's raw JSON-RPC bytes are
 * POSTed as they are, and the server's answers are emitted as the bytes it sent (JSON
 * whitespace newlines aside): the gate judges what the server said, not a re-serialization.
 * That is why the MCP SDK's client transports are not used here (they parse every message
 * through their schemas and re-serialize it, and bound neither bodies nor events).
 *
 * A failed exchange answers its request with a JSON-RPC error naming the failure; 'exit'
 * means the upstream can no longer be used at all (a refused URL, the old SSE stream closed, stop()).
 */
export class UpstreamHttp extends EventEmitter<UpstreamEvents> implements Upstream {
  private readonly url: URL | null = null;
  private readonly host: string;
  private readonly dispatcher: Dispatcher | null = null;
  private readonly auth: UpstreamAuth | null = null;
  private readonly maxFrameBytes: number;
  private readonly stopping = new AbortController();
  private exited = false;
  private errors: string[] = [];
  /** 2025-11-25: the session the server gave, and the version the initialize answer negotiated. */
  private sessionId: string | undefined;
  private negotiatedVersion: string | undefined;
  private initializeRequest: OutgoingMessage | null = null;
  private initializedNotification: OutgoingMessage | null = null;
  private reinitializing: Promise<boolean> | null = null;
  private getStream: GetStream | null = null;
  private legacy: LegacySse | null = null;
  private legacyOpening: Promise<LegacySse> | null = null;
  /** Requests whose answer is awaited on an exchange, for 2026-07-28 cancellation by closing it. */
  private readonly open = new Map<string, Exchange>();
  /**
   * Each send waits until the one before it was accepted, so the server sees them in order; a
   * request other than initialize counts as accepted at once (a JSON answer may take as long as
   * the call, and must not hold back the next call or its cancellation).
   */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: UpstreamHttpOptions) {
    super();
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    try {
      this.url = checkUpstreamUrl(options.url);
    } catch (error) {
      this.host = 'the server';
      // Like a command that cannot start: the relay hears it as an exit, after it listened.
      const failure = error instanceof UpstreamUrlError ? error : new UpstreamUrlError(String(error));
      setImmediate(() => this.finish(failure));
      return;
    }
    this.host = this.url.host;
    this.dispatcher = proxyDispatcher(options.env ?? process.env, options.connectTimeoutMs ?? 10_000);
    this.auth = new UpstreamAuth(this.url, options.authProvider, this.dispatcher, options.onAuthRequired, options.onScopeChallenge);
  }

  readonly remote = true;

  get alive(): boolean {
    return !this.exited;
  }

  /** stop() began or the upstream ended: no exchange may start, no stream may be resumed. */
  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  /** The last transport errors (redacted), for the relay's messages. */
  stderr(): string {
    return this.errors.join('\n');
  }

  send(line: Buffer | string): void {
    if (this.stopped || !this.url) return;
    const message = readMessage(line);
    const before = this.queue;
    let accepted!: () => void;
    this.queue = new Promise((resolve) => (accepted = resolve));
    void before
      .then(() => this.deliver(message, accepted))
      .catch((error: unknown) => this.failed(message, error))
      .finally(() => accepted());
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.stopping.abort();
    this.getStream?.stop();
    const sessionId = this.sessionId;
    if (sessionId && this.url && this.dispatcher && !this.legacy) {
      // The spec asks a client that leaves to end its session; the server may refuse (405).
      const headers = { ...(await this.baseHeaders().catch(() => ({}))), 'mcp-session-id': sessionId };
      await exchange(this.url, { method: 'DELETE', headers }, this.exchangeOptions(STOP_DELETE_TIMEOUT_MS, 0, new AbortController().signal))
        .then(async (done) => (await done.response.body?.cancel(), done.done()))
        .catch(() => undefined);
    }
    this.finish(null);
  }

  private finish(error: Error | null): void {
    if (this.exited) return;
    this.exited = true;
    this.stopping.abort();
    this.getStream?.stop();
    if (error) this.note(error.message);
    void this.dispatcher?.close().catch(() => undefined);
    const exit: UpstreamExit = { code: error ? null : 0, signal: null, error: error ? new Error(this.redact(error.message)) : null };
    this.emit('exit', exit);
  }

  /** One message to the server, by the transport the server speaks. */
  private async deliver(message: OutgoingMessage, accepted: () => void): Promise<void> {
    if (this.stopped) return;
    if (message.id !== undefined && !message.isResponse && message.method !== 'initialize') accepted();
    if (message.method === 'initialize') {
      this.initializeRequest = message;
      this.sessionId = undefined;
      this.negotiatedVersion = undefined;
    }
    if (message.method === 'notifications/initialized') this.initializedNotification = message;
    if (message.method === 'notifications/cancelled' && message.modern) {
      // 2026-07-28 cancels a request by closing its stream; there is nothing to POST.
      const requestId = (message.params?.requestId ?? null) as string | number | null;
      if (requestId !== null) this.open.get(idKey(requestId))?.abort();
      return;
    }
    if (this.options.transport === 'sse' && !this.legacy) await this.openLegacy();
    if (this.legacy) return this.legacy.post(message, accepted);
    await this.post(message, accepted, { retried: false, sink: (line, parsed) => this.fromServer(line, parsed) });
  }

  private async post(message: OutgoingMessage, accepted: () => void, how: { retried: boolean; signedIn?: boolean; replay?: boolean; sink: Sink }): Promise<void> {
    const url = this.url!;
    // A new session is being started: what would go with the old one waits for the new one.
    if (this.reinitializing && !how.replay) await this.reinitializing;
    const headers: Record<string, string> = {
      ...(await this.baseHeaders()),
      ...messageHeaders(message, this.negotiatedVersion),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    };
    const sentSession = message.modern ? undefined : this.sessionId;
    if (sentSession) headers['mcp-session-id'] = sentSession;
    const longLived = message.method === 'subscriptions/listen';
    const done = await exchange(url, { method: 'POST', headers, body: message.body }, this.exchangeOptions(undefined, longLived ? 0 : undefined));
    accepted();
    const { response } = done;
    const sessionId = response.headers.get('mcp-session-id');
    if (message.method === 'initialize' && sessionId) this.sessionId = sessionId;
    if (response.ok) return this.answered(message, done, how.sink);
    done.done();
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw failureOfRedirect(response.status, response.headers.get('location'), url);
    }
    const text = this.redact(await errorText(response));
    if ((response.status === 401 || response.status === 403) && !how.signedIn) {
      const recovered = await this.auth!.recover(response, (value) => this.redact(value));
      if (recovered.retry) return this.post(message, () => undefined, { ...how, signedIn: true });
      if (recovered.reason) throw new UpstreamHttpFailure('sign-in', `${recovered.reason}: ${this.options.signInHint ?? 'sign in again'}`, response.status);
    }
    if (response.status === 404 && sentSession && message.method !== 'initialize' && !how.retried) {
      // The server forgot the session (restarted, expired): start a new one as the client did, then try again.
      const renewed = this.sessionId !== undefined && this.sessionId !== sentSession && !this.reinitializing;
      if (renewed || (await this.reinitialize())) return this.post(message, () => undefined, { ...how, retried: true });
      throw new UpstreamHttpFailure('not-found', `${this.host} ended the session (404) and a new one could not be started: ${this.errors.at(-1) ?? 'no reason given'}`, 404);
    }
    if (message.method === 'initialize' && !message.modern && !how.replay && response.status >= 400 && response.status < 500 && response.status !== 401 && response.status !== 403) {
      // Backwards compatibility: a server that only speaks the HTTP+SSE transport answers the POST with a 4xx.
      return this.fallBackToLegacy(message, failureOfStatus(response.status, this.host, text));
    }
    // Still 401 after the provider renewed the sign-in: only a person can fix it.
    if (response.status === 401 && how.signedIn) this.auth!.required(`${this.host} still answers 401 after a renewed sign-in`);
    throw failureOfStatus(response.status, this.host, text);
  }

  /** Reads one 2xx answer: nothing (202), one JSON message, or an SSE stream of them. */
  private async answered(message: OutgoingMessage, done: Exchange, sink: Sink): Promise<void> {
    const { response } = done;
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (message.id === undefined || message.isResponse || response.status === 202) {
      await response.body?.cancel().catch(() => undefined);
      done.done();
      if (message.method === 'notifications/initialized' && !message.modern) this.openGetStream();
      return;
    }
    const key = idKey(message.id);
    this.open.set(key, done);
    try {
      if (type === 'text/event-stream') return await this.readAnswerStream(message, done, sink);
      if (type !== 'application/json') {
        await response.body?.cancel().catch(() => undefined);
        throw new UpstreamHttpFailure('protocol', `${this.host} answered ${message.method} with ${type || 'no content type'}, not JSON or an event stream`);
      }
      const read = await readBounded(done, this.maxFrameBytes).catch((error: unknown) => {
        throw done.failure(error);
      });
      if ('oversize' in read) {
        this.emit('oversize', read.oversize);
        throw new UpstreamHttpFailure('oversize', `the answer of ${this.host} to ${message.method} was over the ${this.maxFrameBytes}-byte limit and was dropped`);
      }
      const parsed = parseJson(read.body);
      sink(toLine(read.body), parsed);
    } finally {
      done.done();
      this.open.delete(key);
    }
  }

  /**
   * An answer as an SSE stream: every event is a message. When the stream breaks before the
   * answer came, it is resumed with Last-Event-ID where the server gave event ids.
   */
  private async readAnswerStream(message: OutgoingMessage, first: Exchange, sink: Sink): Promise<void> {
    let current = first;
    const position: StreamPosition = { lastEventId: undefined, retryMs: DEFAULT_RETRY_MS };
    let oversized = false;
    const onOversize = (bytes: number): void => {
      oversized = true;
      this.emit('oversize', bytes);
    };
    for (let attempt = 0; ; attempt++) {
      let answered = false;
      try {
        for await (const line of sseMessages(current, this.maxFrameBytes, position, onOversize)) {
          const parsed = parseJson(line);
          if (parsed && parsed.id === message.id && ('result' in parsed || 'error' in parsed)) answered = true;
          sink(line, parsed);
        }
      } catch (error) {
        if (this.stopped) return;
        const failure = current.failure(error);
        if (failure.kind === 'timeout' || (failure.kind === 'dropped' && failure.message.includes('cancelled'))) throw failure;
        this.note(`the answer stream of ${this.host} to ${message.method} broke: ${failure.message}`);
      } finally {
        current.done();
      }
      if (answered || this.stopped) return;
      if (oversized) throw new UpstreamHttpFailure('oversize', `the answer of ${this.host} to ${message.method} was over the ${this.maxFrameBytes}-byte limit and was dropped`);
      const { lastEventId } = position;
      if (lastEventId === undefined || message.modern || attempt >= RESUME_MAX_ATTEMPTS) {
        throw new UpstreamHttpFailure('dropped', `the stream from ${this.host} ended before the answer to ${message.method}${lastEventId === undefined ? ' (it gave no event ids to resume from)' : ''}`);
      }
      await delay(position.retryMs, this.stopping.signal);
      current = await this.resume(lastEventId);
      this.open.set(idKey(message.id!), current);
    }
  }

  /** Reopens a broken stream from its last event, as 2025-11-25 servers with event ids allow. */
  private async resume(lastEventId: string): Promise<Exchange> {
    const headers: Record<string, string> = { ...(await this.baseHeaders()), ...this.sessionHeaders(), accept: 'text/event-stream', 'last-event-id': lastEventId };
    const done = await exchange(this.url!, { method: 'GET', headers }, this.exchangeOptions());
    if (done.response.ok) return done;
    done.done();
    const text = this.redact(await errorText(done.response));
    throw failureOfStatus(done.response.status, this.host, text);
  }

  /** The 2025-11-25 GET stream for server messages, once the session is initialized. */
  private openGetStream(): void {
    if (this.getStream || this.stopped) return;
    this.getStream = new GetStream({
      host: this.host,
      maxFrameBytes: this.maxFrameBytes,
      open: async (lastEventId) => {
        const headers: Record<string, string> = { ...(await this.baseHeaders()), ...this.sessionHeaders(), accept: 'text/event-stream' };
        if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
        return exchange(this.url!, { method: 'GET', headers }, this.exchangeOptions(undefined, 0));
      },
      onLine: (line) => this.fromServer(line, parseJson(line)),
      onOversize: (bytes) => this.emit('oversize', bytes),
      onSessionGone: () => void (this.sessionId && this.reinitialize()),
      note: (text) => this.note(text),
    });
  }

  /**
   * A new session after the server answered 404 to the one it had given: the client's own
   * initialize and initialized are sent again, and their answer is Airlock's to read, not the client's.
   */
  private reinitialize(): Promise<boolean> {
    if (this.reinitializing) return this.reinitializing;
    const initialize = this.initializeRequest;
    this.reinitializing = (async () => {
      if (!initialize) return false;
      this.sessionId = undefined;
      this.getStream?.stop();
      this.getStream = null;
      try {
        let answer: Record<string, unknown> | null = null;
        await this.post(initialize, () => undefined, { retried: true, replay: true, sink: (_line, parsed) => (answer = parsed ?? answer) });
        const result = (answer as Record<string, unknown> | null)?.result as Record<string, unknown> | undefined;
        if (!result) throw new UpstreamHttpFailure('protocol', `${this.host} did not accept the repeated initialize`);
        if (typeof result.protocolVersion === 'string') this.negotiatedVersion = result.protocolVersion;
        if (this.initializedNotification) await this.post(this.initializedNotification, () => undefined, { retried: true, replay: true, sink: () => undefined });
        this.note(`${this.host} had ended the session; Airlock started a new one`);
        return true;
      } catch (error) {
        this.note(`a new session with ${this.host} could not be started: ${(error as Error).message}`);
        return false;
      } finally {
        this.reinitializing = null;
      }
    })();
    return this.reinitializing;
  }

  private async fallBackToLegacy(message: OutgoingMessage, postFailure: UpstreamHttpFailure): Promise<void> {
    try {
      await this.openLegacy();
    } catch (error) {
      throw new UpstreamHttpFailure(postFailure.kind, `${postFailure.message}; the older HTTP+SSE transport was tried too: ${(error as Error).message}`, postFailure.status);
    }
    this.note(`${this.host} speaks the older HTTP+SSE transport; Airlock uses it`);
    await this.legacy!.post(message, () => undefined);
  }

  /** Opens the HTTP+SSE event stream once; a failed attempt may be tried again by the next message. */
  private openLegacy(): Promise<LegacySse> {
    this.legacyOpening ??= openLegacySse({
      url: this.url!,
      headers: () => this.baseHeaders(),
      exchange: (url, init, idle) => exchange(url, init, this.exchangeOptions(undefined, idle)),
      maxFrameBytes: this.maxFrameBytes,
      onLine: (line) => this.fromServer(line, parseJson(line)),
      onOversize: (bytes) => this.emit('oversize', bytes),
      onClosed: (failure) => this.finish(failure),
      redact: (text) => this.redact(text),
    }).then(
      (legacy) => (this.legacy = legacy),
      (error: unknown) => {
        this.legacyOpening = null;
        throw error;
      },
    );
    return this.legacyOpening;
  }

  private fromServer(line: Buffer, parsed: Record<string, unknown> | null): void {
    if (this.exited) return;
    // The negotiated version goes in every later request's MCP-Protocol-Version header.
    if (parsed && this.initializeRequest && parsed.id === this.initializeRequest.id) {
      const version = (parsed.result as Record<string, unknown> | undefined)?.protocolVersion;
      if (typeof version === 'string') this.negotiatedVersion = version;
    }
    this.emit('line', line);
  }

  /** A failed exchange: its request is answered with the named failure; a notification's failure is only noted. */
  private failed(message: OutgoingMessage, error: unknown): void {
    if (this.stopped) return;
    const text = this.redact(error instanceof Error ? error.message : String(error));
    this.note(text);
    if (message.id === undefined || message.isResponse) return;
    const failure = error instanceof UpstreamHttpFailure ? error : null;
    const data = { transport: 'http', failure: failure?.kind ?? 'unreachable', ...(failure?.status === undefined ? {} : { status: failure.status }) };
    this.emit('line', Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: RPC_UPSTREAM_FAILED, message: text, data } })));
  }

  private note(text: string): void {
    this.errors = [...this.errors, this.redact(text)].slice(-3);
    const joined = this.errors.join('\n');
    if (joined.length > STDERR_TAIL_CHARS) this.errors = [joined.slice(-STDERR_TAIL_CHARS)];
  }

  /** Every header value and token this upstream sends, replaced with ***, then the Host's own redaction. */
  private redact(text: string): string {
    let out = text;
    const values = [...Object.values(this.options.headers ?? {}), ...(this.auth?.secrets ?? [])];
    for (const value of values) if (value.length >= 4) out = out.split(value).join('***');
    return this.options.redact ? this.options.redact(out) : out;
  }

  private async baseHeaders(): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.options.headers ?? {})) if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
    return { ...headers, ...(await this.auth!.headers()) };
  }

  private sessionHeaders(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
    if (this.negotiatedVersion) headers['mcp-protocol-version'] = this.negotiatedVersion;
    return headers;
  }

  private exchangeOptions(responseTimeoutMs?: number, idleTimeoutMs?: number, stopSignal?: AbortSignal) {
    return {
      dispatcher: this.dispatcher!,
      host: this.host,
      stopSignal: stopSignal ?? this.stopping.signal,
      responseTimeoutMs: responseTimeoutMs ?? this.options.responseTimeoutMs ?? 60_000,
      idleTimeoutMs: idleTimeoutMs ?? this.options.idleTimeoutMs ?? 300_000,
    };
  }
}

type Sink = (line: Buffer, parsed: Record<string, unknown> | null) => void;

function parseJson(line: Buffer): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

// Re-exported for the Host: check a URL when a server is added, before any session.
export { checkUpstreamUrl, UpstreamUrlError } from './http/upstream-url.js';
export { UpstreamHttpFailure, type FailureKind } from './http/http-failure.js';
