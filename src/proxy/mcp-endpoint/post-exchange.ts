import type { ServerResponse } from 'node:http';
import type { EventStream } from './event-stream.js';
import { rpcError, RPC_SERVER_ERROR, sendJson } from './http-replies.js';
import type { ClientMessage } from './request-body.js';

export interface PostExchangeOptions {
  /** Extra headers for the answer (Mcp-Session-Id on an initialize). */
  headers: Record<string, string>;
  /** Send the 2025-11-25 priming event when the answer becomes a stream. */
  prime: boolean;
  /** A new event stream of the session, for when the answer becomes one. */
  newStream(): EventStream;
  /** Largest message sent as one JSON body or one SSE event. */
  maxEventBytes: number;
  log(message: string): void;
}

/**
 * One POSTed request waiting for its answer. The answer goes back as plain JSON when it is the
 * first and only message for this POST; a message that comes first (progress, a log line, a
 * server's request) turns the response into an SSE stream that the answer then ends.
 */
export class PostExchange {
  stream: EventStream | null = null;
  done = false;
  /** The client's connection closed before anything was sent back. */
  onAbandoned: (() => void) | null = null;
  /** The client's connection closed after the answer became a stream, before the answer. */
  onStreamLost: (() => void) | null = null;

  constructor(
    readonly res: ServerResponse,
    readonly message: ClientMessage & { id: string | number },
    private readonly options: PostExchangeOptions,
  ) {
    res.on('close', () => {
      if (!this.done && !this.stream && !res.writableFinished) this.onAbandoned?.();
    });
  }

  /** Waiting, and a client is there to read what comes (an undecided response, or an attached stream). */
  get open(): boolean {
    if (this.done) return false;
    return this.stream ? this.stream.attached : !this.res.destroyed && !this.res.headersSent;
  }

  /** A message for this POST that is not its answer. */
  deliver(data: string): void {
    if (this.done) return;
    if (Buffer.byteLength(data) > this.options.maxEventBytes) {
      this.options.log(`a message of ${Buffer.byteLength(data)} bytes for request ${String(this.message.id)} is over the ${this.options.maxEventBytes}-byte limit; it was not sent`);
      return;
    }
    if (!this.stream) {
      if (this.res.destroyed || this.res.headersSent) return;
      this.stream = this.options.newStream();
      this.stream.onDetached = () => this.onStreamLost?.();
      this.stream.open(this.res, this.options.headers, this.options.prime);
    }
    this.stream.send(data);
  }

  /** The answer to this POST's request: the last thing it gets. */
  answer(data: string): void {
    if (this.done) return;
    if (Buffer.byteLength(data) > this.options.maxEventBytes) {
      this.options.log(`the answer of ${Buffer.byteLength(data)} bytes to request ${String(this.message.id)} is over the ${this.options.maxEventBytes}-byte limit; an error was sent instead`);
      data = rpcError(this.message.id, RPC_SERVER_ERROR, `the answer to ${this.message.method ?? 'this request'} was over Airlock's ${this.options.maxEventBytes}-byte limit for one message and was not sent`);
    }
    this.done = true;
    if (this.stream) {
      this.stream.send(data);
      this.stream.end();
      return;
    }
    sendJson(this.res, 200, data, this.options.headers);
  }

  /** A refusal the relay could not tie to an id (the gate could not read the message): HTTP 400 with it. */
  refuse(data: string): void {
    if (this.done) return;
    this.done = true;
    if (this.stream) {
      this.stream.send(data);
      this.stream.end();
      return;
    }
    sendJson(this.res, 400, data, this.options.headers);
  }
}
