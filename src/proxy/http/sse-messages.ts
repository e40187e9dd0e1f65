import type { Exchange } from './http-client.js';
import { toLine } from './outgoing-message.js';
import { readSse } from './sse-reader.js';

/** Where a stream stands, for resuming it: the last event id it gave, and the delay it asked for. */
export interface StreamPosition {
  lastEventId: string | undefined;
  retryMs: number;
}

/**
 * The JSON-RPC messages of an MCP event stream, one line each: events of type "message" (or
 * none) with data. Keeps `position` up to date; an oversized event goes to `onOversize`.
 */
export async function* sseMessages(exchange: Exchange, maxEventBytes: number, position: StreamPosition, onOversize: (bytes: number) => void): AsyncGenerator<Buffer> {
  if (!exchange.response.body) return;
  for await (const item of readSse(exchange.response.body, maxEventBytes)) {
    exchange.touch();
    if (item.kind === 'oversize') {
      onOversize(item.bytes);
      continue;
    }
    if (item.event.id !== undefined) position.lastEventId = item.event.id;
    if (item.event.retry !== undefined) position.retryMs = item.event.retry;
    if (item.event.data === '' || (item.event.event !== '' && item.event.event !== 'message')) continue;
    yield toLine(Buffer.from(item.event.data, 'utf8'));
  }
}
