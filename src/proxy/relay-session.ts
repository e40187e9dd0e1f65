import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { judgeClientMessage, judgeServerMessage, judgeServerResponse, type GateContext, type RequestJudgement, type ResponseVerdict, type ServerMessageJudgement, type SessionIds } from '../engine/gate/gate.js';
import { RPC_DENIED_BY_AIRLOCK, RPC_INVALID_REQUEST, RPC_PARSE_ERROR, type JsonRpcId, type JsonRpcMessage } from '../engine/gate/jsonrpc.js';
import type { JudgedCall } from '../engine/gate/judged-methods.js';
import { verdict as buildVerdict, type Verdict } from '../engine/gate/verdict.js';
import { parseSurface, type Surface } from '../engine/surface.js';
import { ClientWriter } from './client-writer.js';
import { DEFAULT_MAX_FRAME_BYTES, LineFramer } from './line-framer.js';
import { isListMethod, LIST_CHANGED, LIST_METHODS, listSurface, serverSelfFrom, type ServerSelf } from './surface-listing.js';
import { servedListResult, servedSelfResult } from './served-results.js';
import { upstreamGoneText, type Upstream, type UpstreamExit } from './upstream.js';
import { ID_READABLE, idFromKey, idInHead, idKey, idOf, isRecord, listingDigest, type ListingDigest } from './relay-ids.js';

/** What a session asks of the Host; the Host owns the engine state, holds, audit and events. */
export interface RelayHooks {
  gateContext(): GateContext;
  /** Every judged call and every message the gate refused or held (audit, events). */
  judged(judgement: RequestJudgement): void;
  /** A held call: resolves with the final verdict once the user answers, time runs out, or `cancelled` aborts (the client gave up on it). */
  hold(judgement: RequestJudgement, cancelled?: AbortSignal): Promise<Verdict>;
  /**
   * A call's answer was judged (R6). `response` is the server's payload as judged, for its hash;
   * a verdict with `rewritten` says what the client got instead.
   */
  finished(call: JudgedCall, verdict: ResponseVerdict, response: unknown, latencyMs: number): void;
  /** A request the server started (sampling, elicitation, roots…) or a notification it sent that was dropped. */
  fromServer(judgement: ServerMessageJudgement): void;
  observe(surface: Surface, listing: ListingDigest): void;
  /**
   * Whether this server's last observed listing had exactly these bytes (as JSON.stringify
   * writes them): then reading, hashing and diffing it again would find what it found then.
   */
  sameListing?(listing: ListingDigest): boolean;
  /** The listing could not be pinned; a number asks for another listing after that many ms (a fault of Airlock's own store). */
  observeFailed(error: Error): number | void;
  /** The approved surface, as the model may read it now. */
  served(): Surface;
  log(message: string): void;
}

interface PendingClientRequest {
  method: string;
  call: JudgedCall | null;
  startedAt: number;
}

const MODERN_META_KEYS = ['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/clientInfo'];
const OWN_REQUEST_TIMEOUT_MS = 30_000;

/**
 * One client connected through `airlock connect` to one upstream server. Relays raw JSON-RPC
 * both ways; judges what the client sends; answers list requests with the approved surface;
 * re-lists the server on its own whenever the server says its lists changed.
 */
export class RelaySession {
  readonly id = randomBytes(6).toString('hex');
  /** The client's name from its initialize or per-request _meta, once it said. */
  clientName: string | null = null;
  private readonly ownPrefix = `airlock-${this.id}-`;
  private ownSeq = 0;
  private readonly pendingClient = new Map<string, PendingClientRequest>();
  private readonly pendingOwn = new Map<string, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private era: 'unknown' | 'legacy' | 'modern' = 'unknown';
  private modernMeta: Record<string, unknown> = {};
  private self: ServerSelf | null = null;
  private refreshing: Promise<void> | null = null;
  private dirty = false;
  private listed = false;
  private lastServed: Record<string, string> = {};
  /** 2026-07-28: the client's open subscriptions/listen requests; list_changed goes only to them. */
  private readonly clientListens = new Map<string, { id: JsonRpcId; filter: Record<string, unknown> }>();
  private ownListenSent = false;
  /** Held calls by id, each with the way to end its hold when the client cancels it. */
  private readonly heldIds = new Map<string, AbortController>();
  /** Requests the server sent the client and the client has not answered yet. */
  private readonly serverAsked = new Set<string>();
  private readonly cancelledHolds = new Set<string>();
  private closed = false;
  private closing: Promise<void> | null = null;
  private resolveClosed!: () => void;
  private readonly out: ClientWriter;
  readonly closedPromise = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(
    readonly server: string,
    private readonly client: Duplex,
    private readonly upstream: Upstream,
    private readonly hooks: RelayHooks,
    private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
  ) {
    this.out = new ClientWriter(client, upstream, () => this.closed);
  }

  /** Client requests forwarded and not answered yet. */
  get inFlight(): number {
    let n = 0;
    // A subscriptions/listen stays open for the session's life: it is not a call in flight.
    for (const p of this.pendingClient.values()) if (p.method !== 'subscriptions/listen') n += 1;
    return n;
  }

  start(): void {
    const framer = new LineFramer({
      maxBytes: this.maxFrameBytes,
      onLine: (line) => void this.fromClient(line).catch((error: unknown) => this.fault('a client message', error)),
      onOversize: (bytes) => this.out.error(null, RPC_INVALID_REQUEST, `a message of ${bytes} bytes to "${this.server}" is over the ${this.maxFrameBytes}-byte limit; it was dropped`),
    });
    this.client.on('data', (chunk: Buffer) => framer.push(chunk));
    this.client.on('end', () => framer.end());
    this.client.on('close', () => void this.close('the client disconnected'));
    this.client.on('error', () => void this.close('the client connection failed'));
    this.upstream.on('line', (line) => {
      try {
        this.fromUpstream(line);
      } catch (error) {
        this.fault('a server message', error);
      }
    });
    this.upstream.on('oversize', (bytes, head) => this.upstreamOversize(bytes, head));
    this.upstream.on('exit', (exit) => this.upstreamExited(exit));
    // The client may already have sent bytes after its hello (readHello put them back).
    this.client.resume();
  }

  /** After an approval: tell the client its lists changed, where what it may read did change. */
  notifyListChanged(): void {
    if (this.closed || !this.listed) return;
    this.sendListChangedWhereServedChanged();
  }

  /** A fault while handling one message ends this session, never the Host. */
  private fault(what: string, error: unknown): void {
    void this.close(`Airlock failed while handling ${what} (${(error as Error)?.message ?? String(error)}); the session was closed`);
  }

  /** The gate's context for this session: the Host's, with the ids this session has in play. */
  private gateContext(): GateContext {
    // Object.assign, not a spread and a new key: that is ≈ 1 µs on every message (V8 adds the key the slow way).
    return Object.assign({}, this.hooks.gateContext(), { ids: this.ids });
  }

  private readonly ids: SessionIds = {
    clientRequestInFlight: (id) => this.pendingClient.has(idKey(id)) || this.heldIds.has(idKey(id)),
    ownRequest: (id) => typeof id === 'string' && id.startsWith(this.ownPrefix),
    serverAsked: (id) => this.serverAsked.has(idKey(id)),
  };

  /** Ends the session; every caller waits for the same end, its server stopped (a Host that stops must not leave one running). */
  close(reason: string): Promise<void> {
    this.closing ??= this.shutDown(reason);
    return this.closing;
  }

  private async shutDown(reason: string): Promise<void> {
    this.closed = true;
    this.hooks.log(`session ${this.id} for "${this.server}" closed: ${reason}`);
    for (const [, own] of this.pendingOwn) own.reject(new Error(reason));
    this.pendingOwn.clear();
    // Calls the server never answered end with the session, on record: none stays "running". A record
    // that fails must not keep the server from being stopped (an orphan process).
    try {
      for (const [key, pending] of [...this.pendingClient]) this.endPending(key, pending, 'response.unanswered', `the session closed before "${this.server}" answered: ${reason}`);
    } catch (error) {
      this.hooks.log(`session ${this.id}: could not record its unanswered calls (${(error as Error).message})`);
    }
    await this.upstream.stop();
    if (!this.client.destroyed) this.client.end();
    this.resolveClosed();
  }

  private async fromClient(line: Buffer): Promise<void> {
    if (this.closed) return;
    let judgement = judgeClientMessage(line, this.gateContext());
    if (judgement.call && (!this.listed || this.refreshing)) {
      // A call before this session listed the server, or while it re-lists after the server
      // announced a change: judge it against that listing, never against the one before.
      await this.refresh();
      if (this.closed) return;
      judgement = judgeClientMessage(line, this.gateContext());
    }
    const { verdict, message, call } = judgement;
    if (call || verdict.decision !== 'ALLOW') this.hooks.judged(judgement);
    if (!message) {
      // The id is taken only from a message the gate read as a request; with bytes it could not
      // read (not UTF-8, not JSON, too large) or a key given twice, even the id is in doubt.
      const id = ID_READABLE.has(verdict.code) ? idOf(line) : null;
      if (verdict.decision === 'DENY') this.out.error(id, verdict.error?.code ?? RPC_PARSE_ERROR, verdict.reason);
      return;
    }
    if (message.kind === 'request') this.noteClientRequest(message.message.method, message.message.params, message.message.id);
    if ((message.kind === 'result' || message.kind === 'error') && message.message.id !== null) this.serverAsked.delete(idKey(message.message.id));
    if (message.kind === 'notification' && message.message.method === 'notifications/cancelled') {
      const requestId = message.message.params?.requestId;
      const key = typeof requestId === 'string' || typeof requestId === 'number' ? idKey(requestId) : null;
      if (key !== null && this.heldIds.has(key)) {
        // Nobody waits for a held call its client cancelled: its hold ends now, not at the user's answer.
        this.cancelledHolds.add(key);
        this.heldIds.get(key)!.abort();
      } else if (key !== null && this.pendingClient.get(key)?.call) {
        this.endPending(key, this.pendingClient.get(key)!, 'response.cancelled', `the client cancelled the call before "${this.server}" answered`);
      }
      if (key !== null) this.clientListens.delete(key);
    }
    switch (verdict.decision) {
      case 'ALLOW':
        return this.forward(line, message, call);
      case 'SILENCE':
        return;
      case 'DENY':
        return this.out.error(message.kind === 'request' ? message.message.id : null, verdict.error?.code ?? RPC_DENIED_BY_AIRLOCK, verdict.reason, verdict);
      case 'HOLD': {
        const key = message.kind === 'request' ? idKey(message.message.id) : '';
        const cancel = new AbortController();
        this.heldIds.set(key, cancel);
        const final = await this.hooks.hold(judgement, cancel.signal);
        this.heldIds.delete(key);
        // The client gave up on this call while it waited: answer nothing, forward nothing.
        if (this.cancelledHolds.delete(key) || this.closed) return;
        if (final.decision === 'ALLOW') return this.forward(line, message, call);
        return this.out.error(message.kind === 'request' ? message.message.id : null, final.error?.code ?? RPC_DENIED_BY_AIRLOCK, final.reason, final);
      }
    }
  }

  private forward(line: Buffer, message: JsonRpcMessage, call: JudgedCall | null): void {
    if (!this.upstream.alive) {
      if (message.kind === 'request') this.out.error(message.message.id, RPC_DENIED_BY_AIRLOCK, this.upstreamGoneMessage());
      return;
    }
    if (message.kind === 'request') {
      this.pendingClient.set(idKey(message.message.id), { method: message.message.method, call, startedAt: performance.now() });
    }
    this.upstream.send(line);
    if (message.kind === 'notification' && message.message.method === 'notifications/initialized') void this.refresh();
  }

  /** The AI client's own name (clientInfo.name), for the window's Live view; at most 100 characters. */
  private noteClientInfo(info: unknown): void {
    if (isRecord(info) && typeof info.name === 'string' && info.name !== '') this.clientName = info.name.slice(0, 100);
  }

  /** Learns the protocol era from what the client sends, and keeps what Airlock's own requests need. */
  private noteClientRequest(method: string, params: Record<string, unknown> | undefined, id: JsonRpcId): void {
    if (method === 'initialize') {
      this.era = 'legacy';
      this.noteClientInfo(params?.clientInfo);
    }
    if (method === 'subscriptions/listen') {
      const filter = isRecord(params?.notifications) ? params.notifications : {};
      this.clientListens.set(idKey(id), { id, filter });
    }
    const meta = params?._meta;
    if (typeof meta === 'object' && meta !== null && 'io.modelcontextprotocol/protocolVersion' in meta) {
      this.era = 'modern';
      for (const key of MODERN_META_KEYS) if (key in meta) this.modernMeta[key] = (meta as Record<string, unknown>)[key];
      this.noteClientInfo((meta as Record<string, unknown>)['io.modelcontextprotocol/clientInfo']);
      if (!this.listed && !this.refreshing && method !== 'server/discover') void this.refresh();
    }
  }

  private fromUpstream(line: Buffer): void {
    if (this.closed) return;
    const judgement = judgeServerMessage(line, this.gateContext());
    const { verdict, message } = judgement;
    if (!message) return this.upstreamRefused(line, judgement);
    if (message.kind === 'result' || message.kind === 'error') return this.upstreamResponse(line, message);
    if (message.kind === 'notification' && Object.hasOwn(LIST_CHANGED, message.message.method)) {
      // Not forwarded as is: Airlock re-lists now, and tells the client only if what it may read changed.
      this.dirty = true;
      this.refresh()
        .then(() => this.sendListChangedWhereServedChanged())
        .catch((error: unknown) => this.fault('a list change', error));
      return;
    }
    if (message.kind === 'notification' && this.isForOwnSubscription(message.message.params)) return;
    if (message.kind === 'request' || verdict.decision !== 'ALLOW') this.hooks.fromServer(judgement);
    if (verdict.decision !== 'ALLOW') {
      if (message.kind === 'request') this.upstream.send(JSON.stringify({ jsonrpc: '2.0', id: message.message.id, error: { code: verdict.error?.code ?? RPC_DENIED_BY_AIRLOCK, message: verdict.reason } }));
      return;
    }
    if (message.kind === 'request') this.serverAsked.add(idKey(message.message.id));
    this.out.line(line);
  }

  /**
   * A line from the server that Airlock will not read (not JSON, too deep, duplicate keys…) is
   * dropped. If it answers a call the client is waiting for, the client gets an error instead
   * and the call keeps its audit record.
   */
  private upstreamRefused(line: Buffer, { verdict }: ServerMessageJudgement): void {
    this.hooks.log(verdict.reason);
    const id = idOf(line);
    const pending = id === null ? undefined : this.pendingClient.get(idKey(id));
    if (id === null || !pending) {
      if (verdict.code === 'structure.not-json') {
        this.upstream.send(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: RPC_PARSE_ERROR, message: 'Airlock could not parse your last message as JSON' } }));
      }
      return;
    }
    this.failPending(id, pending, `the answer of "${this.server}" was refused: ${verdict.reason}`);
  }

  /** A forwarded request nobody waits for any more (cancelled, or its session closed): its call is recorded as ended. */
  private endPending(key: string, pending: PendingClientRequest, code: string, reason: string): void {
    this.pendingClient.delete(key);
    if (pending.call) this.hooks.finished(pending.call, buildVerdict('DENY', 'R6', code, reason), null, performance.now() - pending.startedAt);
  }

  /** Answers a forwarded client request with an error, recording the call as finished. */
  private failPending(id: JsonRpcId, pending: PendingClientRequest, reason: string, code = RPC_INVALID_REQUEST): void {
    this.pendingClient.delete(idKey(id));
    if (pending.call) {
      const refused = buildVerdict('DENY', 'R6', 'response.refused', reason, code);
      this.hooks.finished(pending.call, refused, null, performance.now() - pending.startedAt);
    }
    this.out.error(id, code, reason);
  }

  private isForOwnSubscription(params: Record<string, unknown> | undefined): boolean {
    const meta = params?._meta;
    const id = isRecord(meta) ? meta['io.modelcontextprotocol/subscriptionId'] : undefined;
    return typeof id === 'string' && id.startsWith(this.ownPrefix);
  }

  private upstreamResponse(line: Buffer, message: Extract<JsonRpcMessage, { kind: 'result' | 'error' }>): void {
    const id = message.message.id;
    if (typeof id === 'string' && id.startsWith(this.ownPrefix)) {
      const own = this.pendingOwn.get(id);
      this.pendingOwn.delete(id);
      if (!own) return;
      if (message.kind === 'result') own.resolve(isRecord(message.message.result) ? message.message.result : {});
      else own.reject(new Error(`${message.message.error.message} (code ${message.message.error.code})`));
      return;
    }
    const pending = id === null ? undefined : this.pendingClient.get(idKey(id));
    if (!pending || id === null) {
      this.hooks.log(`"${this.server}" answered an id nobody asked (${String(id)}); dropped`);
      return;
    }
    this.pendingClient.delete(idKey(id));
    if (message.kind === 'result' && (pending.method === 'initialize' || pending.method === 'server/discover')) {
      return this.out.json(this.rewriteSelf(message.message, pending.method));
    }
    if (message.kind === 'result' && isListMethod(pending.method)) {
      this.answerList(pending.method, message.message).catch((error: unknown) => this.fault(`an answer to ${pending.method}`, error));
      return;
    }
    if (pending.call) {
      const verdict = judgeServerResponse(message, pending.call, this.hooks.gateContext());
      this.hooks.finished(pending.call, verdict, message.kind === 'result' ? message.message.result : message.message.error, performance.now() - pending.startedAt);
      if (verdict.decision !== 'ALLOW') return this.out.error(id, verdict.error?.code ?? RPC_DENIED_BY_AIRLOCK, verdict.reason, verdict);
      // Redacted: the client gets Airlock's copy, serialized afresh, never the server's bytes.
      if (verdict.rewritten !== undefined) return this.out.json(message.kind === 'result' ? { jsonrpc: '2.0', id, result: verdict.rewritten } : { jsonrpc: '2.0', id, error: verdict.rewritten });
    }
    this.out.line(line);
  }

  /** Keeps what the server says about itself, and answers with its approved form only. */
  private rewriteSelf(response: { id: JsonRpcId; result: unknown } & Record<string, unknown>, method: string): object {
    const result = isRecord(response.result) ? response.result : {};
    this.self = serverSelfFrom(result);
    return { jsonrpc: '2.0', id: response.id, result: servedSelfResult(method, result, this.hooks.served(), this.server) };
  }

  private async answerList(method: keyof typeof LIST_METHODS, response: { id: JsonRpcId; result: unknown } & Record<string, unknown>): Promise<void> {
    // A client's list is the moment to check the server did not change without saying so.
    this.dirty = true;
    await this.refresh();
    if (this.closed) return;
    const field = LIST_METHODS[method].field;
    const served = this.hooks.served()[field];
    // Only compared with a later serving of the same approved objects (same key order): JSON.stringify
    // says the same as RFC 8785 here, at a fraction of the cost (≈ 10 ms for 500 tools).
    this.lastServed[field] = JSON.stringify(served);
    const result = isRecord(response.result) ? response.result : {};
    this.out.json({ jsonrpc: '2.0', id: response.id, result: servedListResult(field, served, result) });
  }

  /** Lists the whole live surface with Airlock's own requests and hands it to the engine. */
  private refresh(): Promise<void> {
    if (this.refreshing) return this.refreshing;
    this.refreshing = (async () => {
      try {
        do {
          this.dirty = false;
          if (!this.self || this.era === 'modern') this.self = await this.discoverSelf();
          const listing = await listSurface(this.self, (method, params) => this.ownRequest(method, params));
          const digest = listingDigest(listing);
          if (!this.hooks.sameListing?.(digest)) this.hooks.observe(parseSurface(listing), digest);
          if (this.era === 'modern') this.listenForChanges(this.self);
        } while (this.dirty && !this.closed);
      } catch (error) {
        const retryMs = this.closed ? undefined : this.hooks.observeFailed(error as Error);
        if (retryMs) setTimeout(() => void (this.closed || this.refresh()), retryMs).unref();
      } finally {
        this.listed = true;
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async discoverSelf(): Promise<ServerSelf> {
    if (this.era !== 'modern') {
      if (this.self) return this.self;
      throw new Error('the server has not been initialized by the client yet');
    }
    return serverSelfFrom(await this.ownRequest('server/discover', {}));
  }

  private ownRequest(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (!this.upstream.alive) return Promise.reject(new Error(this.upstreamGoneMessage()));
    const id = `${this.ownPrefix}${++this.ownSeq}`;
    const withMeta = this.era === 'modern' ? { ...params, _meta: { ...this.modernMeta } } : params;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingOwn.delete(id);
        reject(new Error(`"${this.server}" did not answer Airlock's ${method} within ${OWN_REQUEST_TIMEOUT_MS / 1000} s`));
      }, OWN_REQUEST_TIMEOUT_MS);
      timer.unref();
      this.pendingOwn.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.upstream.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: withMeta }));
    });
  }

  /**
   * 2026-07-28 servers announce list changes only on an open subscriptions/listen; Airlock keeps
   * one of its own open, so it re-lists at once whether or not the client listens.
   */
  private listenForChanges(self: ServerSelf): void {
    if (this.ownListenSent || !this.upstream.alive) return;
    const notifications: Record<string, boolean> = {};
    for (const name of ['tools', 'prompts', 'resources']) {
      const capability = self.capabilities[name];
      if (isRecord(capability) && capability.listChanged === true) notifications[`${name}ListChanged`] = true;
    }
    if (Object.keys(notifications).length === 0) return;
    this.ownListenSent = true;
    const id = `${this.ownPrefix}listen`;
    this.upstream.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'subscriptions/listen', params: { notifications, _meta: { ...this.modernMeta } } }));
  }

  private sendListChangedWhereServedChanged(): void {
    if (this.closed) return;
    const served = this.hooks.served();
    const lists: Array<[keyof Surface & string, 'tools' | 'prompts' | 'resources']> = [
      ['tools', 'tools'],
      ['prompts', 'prompts'],
      ['resources', 'resources'],
      ['resourceTemplates', 'resources'],
    ];
    const changed = new Set<'tools' | 'prompts' | 'resources'>();
    for (const [field, kind] of lists) {
      const now = JSON.stringify(served[field] ?? null);
      if (this.lastServed[field] !== undefined && this.lastServed[field] !== now) changed.add(kind);
    }
    for (const kind of changed) {
      const method = `notifications/${kind}/list_changed`;
      if (this.era !== 'modern') {
        this.out.json({ jsonrpc: '2.0', method });
        continue;
      }
      // On 2026-07-28 a notification belongs to the subscription that asked for it.
      for (const { id, filter } of this.clientListens.values()) {
        if (filter[`${kind}ListChanged`] === true) this.out.json({ jsonrpc: '2.0', method, params: { _meta: { 'io.modelcontextprotocol/subscriptionId': id } } });
      }
    }
  }

  private upstreamOversize(bytes: number, head?: Buffer): void {
    this.hooks.log(`"${this.server}" sent a message of ${bytes} bytes, over the ${this.maxFrameBytes}-byte limit; it was dropped`);
    // The id the answer starts with names the call it fails (a wrong one only fails a call of this same server);
    // without one, when one call is waiting it is that one.
    const id = head ? idInHead(head) : null;
    const key = id !== null && this.pendingClient.has(idKey(id)) ? idKey(id) : this.pendingClient.size === 1 ? [...this.pendingClient.keys()][0]! : null;
    const pending = key === null ? undefined : this.pendingClient.get(key);
    if (key !== null && pending) this.failPending(idFromKey(key), pending, `the answer of "${this.server}" was over the ${this.maxFrameBytes}-byte limit and was dropped`);
  }

  private upstreamExited(exit: { code: number | null; signal: NodeJS.Signals | null; error: Error | null }): void {
    // The session closed first (its client left, or a fault) and stopped the server itself: that exit is no failure of the server.
    if (this.closed) return;
    const message = this.upstreamGoneMessage(exit);
    this.hooks.log(message);
    for (const [key, pending] of [...this.pendingClient]) this.failPending(idFromKey(key), pending, message, RPC_DENIED_BY_AIRLOCK);
    for (const [, own] of this.pendingOwn) own.reject(new Error(message));
    this.pendingOwn.clear();
    // The client sees its server end, as it would without Airlock.
    setImmediate(() => void this.close('the server exited'));
  }

  private upstreamGoneMessage(exit?: UpstreamExit): string {
    return upstreamGoneText(this.upstream, this.server, exit);
  }
}
