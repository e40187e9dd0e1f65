import type { ServerResponse } from 'node:http';
import { BASE_HEADERS } from './http-replies.js';

export interface EventStreamOptions {
  /** Names the stream inside the session; every event id is `<key>.<seq>` (no dot in a key). */
  key: string;
  /** 2025-11-25: events carry ids, recent ones are kept for a GET with Last-Event-ID. 2026-07-28: neither. */
  resumable: boolean;
  /** A client whose unread output passes this many bytes is dropped (a reader that never reads). */
  maxUnreadBytes: number;
  /** How many recent events (and bytes) are kept for resumption. */
  keepEvents: number;
  keepBytes: number;
  log(message: string): void;
}

const KEEP_ALIVE_MS = 25_000;

/**
 * One SSE stream of a session: a POST's answer stream or the standalone GET stream. It outlives
 * the HTTP response that carries it (2025-11-25): when the client's connection drops, events keep
 * their ids and wait in a bounded buffer until a GET with Last-Event-ID attaches a new response.
 */
export class EventStream {
  private seq = 0;
  private readonly kept: Array<{ seq: number; frame: string }> = [];
  private keptBytes = 0;
  private sink: ServerResponse | null = null;
  private keepAlive: NodeJS.Timeout | null = null;
  /** The answer was sent: nothing more comes; a resume replays what is kept and ends. */
  ended = false;
  /** Called when the client's connection went away before the stream ended. */
  onDetached: (() => void) | null = null;

  constructor(readonly options: EventStreamOptions) {}

  get attached(): boolean {
    return this.sink !== null;
  }

  /** Starts the HTTP response of this stream; with `prime`, the 2025-11-25 priming event (an id, empty data). */
  open(res: ServerResponse, headers: Record<string, string>, prime: boolean): void {
    res.writeHead(200, { ...BASE_HEADERS, ...headers, 'content-type': 'text/event-stream', 'x-accel-buffering': 'no', connection: 'keep-alive' });
    this.sink = res;
    res.on('close', () => this.lost(res));
    if (prime && this.options.resumable) this.write(`id: ${this.options.key}.${this.seq}\ndata: \n\n`);
    this.startKeepAlive();
  }

  /** Resumes on a new GET response: replays the kept events after `afterSeq`, then continues (or ends). */
  resume(res: ServerResponse, headers: Record<string, string>, afterSeq: number): void {
    if (this.ended && !this.kept.some((event) => event.seq > afterSeq)) {
      // Nothing more will come on this stream: 204, so a client stops asking (an SSE reply that
      // ends at once would have the SDK's client reconnect again and again).
      res.writeHead(204, { ...BASE_HEADERS, ...headers });
      res.end();
      return;
    }
    this.open(res, headers, false);
    const oldest = this.kept[0]?.seq;
    if (oldest !== undefined && oldest > afterSeq + 1) this.options.log(`stream ${this.options.key}: events ${afterSeq + 1}–${oldest - 1} are no longer kept and cannot be replayed`);
    for (const event of this.kept) if (event.seq > afterSeq) this.write(event.frame);
    if (this.ended) this.finish();
  }

  /** Sends one JSON-RPC message (one line, no raw CR/LF) as an event. */
  send(data: string): void {
    if (this.ended) return;
    if (!this.options.resumable) {
      this.write(`event: message\ndata: ${data}\n\n`);
      return;
    }
    const seq = ++this.seq;
    const frame = `id: ${this.options.key}.${seq}\nevent: message\ndata: ${data}\n\n`;
    this.kept.push({ seq, frame });
    this.keptBytes += frame.length;
    while (this.kept.length > this.options.keepEvents || (this.keptBytes > this.options.keepBytes && this.kept.length > 1)) {
      this.keptBytes -= this.kept.shift()!.frame.length;
    }
    this.write(frame);
  }

  /** The last message was sent: the response ends; kept events stay for a late resume. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.finish();
  }

  /** The session is gone: drop the client and everything kept. */
  close(): void {
    this.ended = true;
    this.kept.length = 0;
    this.keptBytes = 0;
    this.finish();
  }

  private finish(): void {
    const sink = this.sink;
    this.sink = null;
    this.stopKeepAlive();
    if (sink && !sink.destroyed) sink.end();
  }

  private write(frame: string): void {
    const sink = this.sink;
    if (!sink || sink.destroyed) return;
    sink.write(frame);
    // A client that stops reading must not make Airlock hold its output without limit.
    if (sink.writableLength > this.options.maxUnreadBytes) {
      this.options.log(`stream ${this.options.key}: the client read none of its last ${sink.writableLength} bytes; it was disconnected`);
      sink.destroy();
    }
  }

  private lost(res: ServerResponse): void {
    if (this.sink !== res) return;
    this.sink = null;
    this.stopKeepAlive();
    if (!this.ended) this.onDetached?.();
  }

  private startKeepAlive(): void {
    this.stopKeepAlive();
    this.keepAlive = setInterval(() => this.sink?.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.keepAlive.unref();
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = null;
  }
}

/** Reads a Last-Event-ID of ours: the stream's key and the sequence number within it. */
export function parseEventId(value: string): { key: string; seq: number } | null {
  const match = /^([A-Za-z0-9_-]{1,32})\.(\d{1,15})$/.exec(value);
  return match ? { key: match[1]!, seq: Number(match[2]) } : null;
}
