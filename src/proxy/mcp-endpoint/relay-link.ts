import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { DEFAULT_MAX_FRAME_BYTES, LineFramer } from '../line-framer.js';
import { EventStream, parseEventId } from './event-stream.js';
import { HttpRefusal, rpcError, RPC_SERVER_ERROR } from './http-replies.js';
import type { PostExchange } from './post-exchange.js';
import { idKey, isRecord, PROTOCOL_VERSION_META } from './request-body.js';

export interface RelayLinkOptions {
  server: string;
  /** 'legacy' (2025-11-25 session: event ids, resumption, a GET stream) or 'modern' (2026-07-28, none). */
  era: 'legacy' | 'modern';
  maxEventBytes: number;
  log(message: string): void;
  /** The relay ended its side, or the endpoint closed the link. */
  onGone(): void;
}

const SUBSCRIPTION_META = 'io.modelcontextprotocol/subscriptionId';
/** Messages for a GET stream that is not open yet: the most recent are kept, the oldest dropped. */
const QUEUE_MAX = 1_000;
/** Ended POST streams kept for a late resume. */
const ENDED_STREAMS_KEPT = 16;
const KEEP_EVENTS = 1_000;

/**
 * The endpoint's end of one relay: routes what the relay says to the POSTs waiting for it (by
 * id, by progress token, by subscription) and the rest to the newest open POST, else the GET
 * stream, else a bounded queue until a GET stream opens.
 */
export class RelayLink {
  private readonly waiting = new Map<string, PostExchange[]>();
  private readonly byProgress = new Map<string, PostExchange>();
  private readonly posts: PostExchange[] = [];
  private lastWritten: PostExchange | null = null;
  private readonly streams = new Map<string, EventStream>();
  private readonly endedStreams: string[] = [];
  private streamSeq = 0;
  private standalone: EventStream | null = null;
  private queue: string[] = [];
  private queueBytes = 0;
  lastActivity = Date.now();
  gone = false;

  constructor(
    readonly side: Duplex,
    private readonly options: RelayLinkOptions,
  ) {
    const framer = new LineFramer({
      maxBytes: DEFAULT_MAX_FRAME_BYTES,
      onLine: (line) => this.fromRelay(line),
      onOversize: (bytes) => options.log(`the relay for "${options.server}" sent a message of ${bytes} bytes, over the frame limit; dropped`),
    });
    side.on('data', (chunk: Buffer) => framer.push(chunk));
    side.on('end', () => (framer.end(), this.close('the relay ended the session')));
    side.on('close', () => this.close('the relay closed'));
    side.on('error', () => this.close('the relay failed'));
  }

  get server(): string {
    return this.options.server;
  }

  get resumable(): boolean {
    return this.options.era === 'legacy';
  }

  /** A POST is reading, or the GET stream is open: the session is in use, not idle. */
  get busy(): boolean {
    return this.posts.some((p) => p.open) || (this.standalone?.attached ?? false);
  }

  get inFlight(): number {
    return this.posts.length;
  }

  /** Writes one client message (already a line) to the relay; a request's POST waits for its answer. */
  send(line: Buffer, exchange: PostExchange | null): void {
    if (this.gone) return;
    this.lastActivity = Date.now();
    if (exchange) this.register(exchange);
    this.side.write(line);
  }

  newStream(): EventStream {
    const key = `s${++this.streamSeq}`;
    const stream = new EventStream({ key, resumable: this.resumable, maxUnreadBytes: this.maxUnreadBytes, keepEvents: KEEP_EVENTS, keepBytes: this.maxUnreadBytes, log: this.options.log });
    if (this.resumable) this.streams.set(key, stream);
    return stream;
  }

  /** GET: the standalone stream (2025-11-25), or a resume of any stream with Last-Event-ID. */
  openGet(res: ServerResponse, lastEventId: string | undefined): void {
    this.lastActivity = Date.now();
    if (lastEventId !== undefined) {
      const at = parseEventId(lastEventId);
      const stream = at && (at.key === 'g' ? this.standalone : this.streams.get(at.key));
      if (!at || !stream) throw new HttpRefusal(400, `Last-Event-ID "${lastEventId.slice(0, 40)}" names no stream this session still keeps; open a new GET stream without it`);
      if (stream.attached) throw new HttpRefusal(409, 'that stream is already open on another connection; close it first');
      stream.resume(res, {}, at.seq);
      if (stream === this.standalone) this.flushQueue();
      return;
    }
    if (this.standalone?.attached) throw new HttpRefusal(409, "this session's GET stream is already open; a session has at most one");
    this.standalone ??= new EventStream({ key: 'g', resumable: true, maxUnreadBytes: this.maxUnreadBytes, keepEvents: KEEP_EVENTS, keepBytes: this.maxUnreadBytes, log: this.options.log });
    this.standalone.open(res, {}, true);
    this.flushQueue();
  }

  /** The endpoint ends the link (DELETE, idle, shutdown): waiting POSTs get an error, the relay sees the client leave. */
  close(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.options.log(`HTTP session for "${this.options.server}" closed: ${reason}`);
    for (const exchange of [...this.posts]) exchange.answer(rpcError(exchange.message.id, RPC_SERVER_ERROR, `the session with "${this.options.server}" ended before the answer (${reason}); start a new session`));
    this.posts.length = 0;
    this.waiting.clear();
    this.byProgress.clear();
    for (const stream of this.streams.values()) stream.close();
    this.standalone?.close();
    this.queue = [];
    if (!this.side.destroyed) {
      this.side.end();
      setImmediate(() => this.side.destroy());
    }
    this.options.onGone();
  }

  private get maxUnreadBytes(): number {
    return Math.max(2 * this.options.maxEventBytes, 1024 * 1024);
  }

  private register(exchange: PostExchange): void {
    const key = idKey(exchange.message.id);
    const list = this.waiting.get(key) ?? [];
    list.push(exchange);
    this.waiting.set(key, list);
    this.posts.push(exchange);
    this.lastWritten = exchange;
    const token = exchange.message.progressToken;
    if (token !== undefined) this.byProgress.set(idKey(token), exchange);
    exchange.onAbandoned = () => this.abandoned(exchange);
    // 2026-07-28 streams cannot be resumed: closing one is the request's cancellation.
    if (this.options.era === 'modern') exchange.onStreamLost = () => this.abandoned(exchange);
  }

  private forget(exchange: PostExchange): void {
    const key = idKey(exchange.message.id);
    const list = this.waiting.get(key)?.filter((e) => e !== exchange) ?? [];
    if (list.length > 0) this.waiting.set(key, list);
    else this.waiting.delete(key);
    const at = this.posts.indexOf(exchange);
    if (at !== -1) this.posts.splice(at, 1);
    const token = exchange.message.progressToken;
    if (token !== undefined && this.byProgress.get(idKey(token)) === exchange) this.byProgress.delete(idKey(token));
    if (this.lastWritten === exchange) this.lastWritten = null;
    if (exchange.stream && this.resumable) this.retire(exchange.stream);
  }

  /**
   * The client closed a POST before anything came back. 2026-07-28: that is its cancellation,
   * passed on to the relay. 2025-11-25: it is not (the spec says so), but with no event id the
   * client cannot resume, so the answer will have nowhere to go and is dropped when it comes.
   * A 2025-11-25 POST whose SSE stream drops stays: its events wait for a resume; a 2026-07-28
   * one is cancelled like an unanswered POST.
   */
  private abandoned(exchange: PostExchange): void {
    this.forget(exchange);
    if (this.options.era === 'modern') this.cancel(exchange);
  }

  private cancel(exchange: PostExchange): void {
    if (this.gone) return;
    const version = exchange.message.modernVersion;
    const params = { requestId: exchange.message.id, reason: 'the client closed its HTTP stream', ...(version ? { _meta: { [PROTOCOL_VERSION_META]: version } } : {}) };
    this.side.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params })}\n`);
  }

  /** A POST stream that ended is kept a while for a client that resumes it late. */
  private retire(stream: EventStream): void {
    this.endedStreams.push(stream.options.key);
    while (this.endedStreams.length > ENDED_STREAMS_KEPT) this.streams.delete(this.endedStreams.shift()!);
  }

  private fromRelay(line: Buffer): void {
    if (this.gone) return;
    // A raw CR would end an SSE line; in JSON it can only be whitespace between tokens.
    const data = line.toString('utf8').replace(/\r/g, ' ');
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      this.options.log(`the relay for "${this.options.server}" sent a line that is not JSON; dropped`);
      return;
    }
    if (!isRecord(message)) return this.options.log(`the relay for "${this.options.server}" sent JSON that is not a message; dropped`);
    if (!('method' in message) && ('result' in message || 'error' in message)) return this.response(message.id, data);
    // An answer over the limit becomes an error for its id (PostExchange); anything else is dropped.
    if (Buffer.byteLength(data) > this.options.maxEventBytes) {
      return this.options.log(`a message of ${Buffer.byteLength(data)} bytes from "${this.options.server}" is over the ${this.options.maxEventBytes}-byte limit for one event; it was not sent`);
    }
    const params = isRecord(message.params) ? message.params : undefined;
    const token = params?.progressToken;
    if (message.method === 'notifications/progress' && (typeof token === 'string' || typeof token === 'number')) {
      const exchange = this.byProgress.get(idKey(token));
      if (exchange && !exchange.done) return exchange.deliver(data);
    }
    const meta = isRecord(params?._meta) ? params._meta : undefined;
    const subscription = meta?.[SUBSCRIPTION_META];
    if (typeof subscription === 'string' || typeof subscription === 'number') {
      const listen = this.waiting.get(idKey(subscription))?.at(-1);
      if (listen) return listen.deliver(data);
    }
    this.unsolicited(data);
  }

  /**
   * An answer goes to the POST that waits for its id. Two POSTs may wait for one id on a shared
   * 2026-07-28 relay: the gate refuses the second at once with an error for that id, while the
   * first still waits for its server, so an answer goes to the NEWEST POST waiting for that id.
   */
  private response(id: unknown, data: string): void {
    if (typeof id === 'string' || typeof id === 'number') {
      const exchange = this.waiting.get(idKey(id))?.at(-1);
      if (!exchange) return this.options.log(`the relay for "${this.options.server}" answered request ${String(id)}, which no POST waits for; dropped`);
      this.forget(exchange);
      exchange.answer(data);
      return;
    }
    // id null: the gate could not read the message (bytes, duplicate keys…). It answers at once,
    // so it is the refusal of the POST written last, if that one still waits with nothing sent.
    const last = this.lastWritten;
    if (last && !last.done && !last.stream) {
      this.forget(last);
      last.refuse(data);
      return;
    }
    this.unsolicited(data);
  }

  /** Server requests and notifications for no POST in particular. */
  private unsolicited(data: string): void {
    for (let i = this.posts.length - 1; i >= 0; i--) {
      const exchange = this.posts[i]!;
      // A 2026-07-28 subscriptions/listen stream carries only what its subscription asked for.
      if (exchange.open && exchange.message.method !== 'subscriptions/listen') return exchange.deliver(data);
    }
    if (!this.resumable) return this.options.log(`a message from "${this.options.server}" for no open request was dropped (2026-07-28 has no GET stream)`);
    if (this.standalone?.attached) return this.standalone.send(data);
    this.queue.push(data);
    this.queueBytes += data.length;
    while (this.queue.length > QUEUE_MAX || (this.queueBytes > this.maxUnreadBytes && this.queue.length > 1)) {
      this.queueBytes -= this.queue.shift()!.length;
      this.options.log(`a message from "${this.options.server}" waiting for a GET stream was dropped: the queue is full`);
    }
  }

  private flushQueue(): void {
    const queued = this.queue;
    this.queue = [];
    this.queueBytes = 0;
    for (const data of queued) this.standalone?.send(data);
  }
}
