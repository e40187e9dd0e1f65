import type http from 'node:http';
import type { HostApiEvent } from '../shared/host-api/index.js';
import { SECURITY_HEADERS } from './http-static.js';

const HEARTBEAT_MS = 15_000;

/**
 * Host events to one browser as a server-sent event stream (`data: {json}` per event). A
 * comment line every 15 s keeps proxies and idle timers from closing it; the stream ends
 * when the client goes or the Host stops.
 */
export function streamEvents(request: http.IncomingMessage, response: http.ServerResponse, subscribe: (listener: (event: HostApiEvent) => void) => () => void, streams: Set<http.ServerResponse>): void {
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  response.write(': connected\n\n');
  streams.add(response);
  const unsubscribe = subscribe((event) => response.write(`data: ${JSON.stringify(event)}\n\n`));
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = (): void => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(response);
  };
  request.on('close', end);
  response.on('close', end);
}
