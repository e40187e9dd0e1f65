import type { RequestInit } from 'undici';
import { errorText, type Exchange } from './http-client.js';
import { failureOfRedirect, failureOfStatus, UpstreamHttpFailure } from './http-failure.js';
import { toLine, type OutgoingMessage } from './outgoing-message.js';
import { readSse, type SseItem } from './sse-reader.js';

export interface LegacySseOptions {
  url: URL;
  headers(): Promise<Record<string, string>>;
  exchange(url: URL, init: RequestInit, idleTimeoutMs?: number): Promise<Exchange>;
  maxFrameBytes: number;
  onLine(line: Buffer): void;
  onOversize(bytes: number): void;
  /** The event stream ended: this transport cannot go on (it has no resumption). */
  onClosed(failure: UpstreamHttpFailure): void;
  redact(text: string): string;
}

export interface LegacySse {
  /** POSTs one message to the endpoint the server named; its answer arrives on the event stream. */
  post(message: OutgoingMessage, accepted: () => void): Promise<void>;
}

/**
 * The HTTP+SSE transport of 2024-11-05, for servers that answer a Streamable HTTP POST with a
 * 4xx: a GET opens the event stream, whose first event names the endpoint to POST messages to.
 */
export async function openLegacySse(options: LegacySseOptions): Promise<LegacySse> {
  const { url } = options;
  const stream = await options.exchange(url, { method: 'GET', headers: { ...(await options.headers()), accept: 'text/event-stream' } }, 0);
  const { response } = stream;
  if (!response.ok) {
    stream.done();
    if (response.status >= 300 && response.status < 400) throw failureOfRedirect(response.status, response.headers.get('location'), url);
    throw failureOfStatus(response.status, url.host, options.redact(await errorText(response)));
  }
  const events = readSse(response.body!, options.maxFrameBytes)[Symbol.asyncIterator]();
  const endpoint = await firstEndpoint(events, url).catch((error: unknown) => {
    stream.abort();
    stream.done();
    throw error;
  });
  void (async () => {
    let failure = new UpstreamHttpFailure('dropped', `the event stream of ${url.host} (HTTP+SSE) closed; the session with it ended`);
    try {
      for (let next = await events.next(); !next.done; next = await events.next()) {
        const item = next.value;
        if (item.kind === 'oversize') options.onOversize(item.bytes);
        else if (item.event.data !== '' && (item.event.event === '' || item.event.event === 'message')) options.onLine(toLine(Buffer.from(item.event.data, 'utf8')));
      }
    } catch (error) {
      failure = new UpstreamHttpFailure('dropped', `the event stream of ${url.host} (HTTP+SSE) broke (${stream.failure(error).message}); the session with it ended`);
    } finally {
      stream.done();
    }
    options.onClosed(failure);
  })();
  return {
    async post(message, accepted) {
      const headers = { ...(await options.headers()), 'content-type': 'application/json' };
      const posted = await options.exchange(endpoint, { method: 'POST', headers, body: message.body });
      accepted();
      posted.done();
      if (posted.response.ok) return void (await posted.response.body?.cancel().catch(() => undefined));
      if (posted.response.status >= 300 && posted.response.status < 400) throw failureOfRedirect(posted.response.status, posted.response.headers.get('location'), endpoint);
      throw failureOfStatus(posted.response.status, url.host, options.redact(await errorText(posted.response)));
    },
  };
}

/** The endpoint event: a URL on the same origin as the stream (headers and tokens go there, so nowhere else). */
async function firstEndpoint(events: AsyncIterator<SseItem>, url: URL): Promise<URL> {
  const next = await events.next();
  const item = next.done ? null : next.value;
  if (!item || item.kind !== 'event' || item.event.event !== 'endpoint') {
    throw new UpstreamHttpFailure('protocol', `${url.host} did not open an HTTP+SSE stream (no endpoint event came first)`);
  }
  let endpoint: URL;
  try {
    endpoint = new URL(item.event.data.trim(), url);
  } catch {
    throw new UpstreamHttpFailure('protocol', `${url.host} named an endpoint that is not a URL`);
  }
  if (endpoint.origin !== url.origin) {
    throw new UpstreamHttpFailure('protocol', `${url.host} named an endpoint on another origin (${endpoint.host}); Airlock sends messages only to the server's own origin`);
  }
  return endpoint;
}
