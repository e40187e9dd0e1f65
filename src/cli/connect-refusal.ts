import type { Readable, Writable } from 'node:stream';
import { LineFramer } from '../proxy/line-framer.js';
import { JSONRPC_HOST_ERROR, TRACK_MAX_BYTES, forEachMessage } from './connect-relay.js';

/** After the first answer (or after giving up, if no request came), how long to keep answering. */
export const REFUSAL_WINDOW_MS = 5_000;

/**
 * `connect` could not reach the server: say why where the user will see it. Clients show a
 * JSON-RPC error from the server far better than a dead process, so every request that arrives
 * on stdin gets `message` as an error, until stdin ends or REFUSAL_WINDOW_MS pass after the
 * first answer. Notifications get nothing (JSON-RPC forbids answering them).
 */
export function answerRequestsWithError(io: { stdin: Readable; stdout: Writable }, message: string): Promise<void> {
  return new Promise<void>((resolve) => {
    let timer = setTimeout(() => finish(), REFUSAL_WINDOW_MS);
    let answered = false;
    const framer = new LineFramer({
      maxBytes: TRACK_MAX_BYTES,
      onLine: (line) =>
        forEachMessage(line, (request) => {
          if (typeof request.method !== 'string' || (typeof request.id !== 'string' && typeof request.id !== 'number')) return;
          io.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, error: { code: JSONRPC_HOST_ERROR, message } })}\n`);
          if (!answered) {
            answered = true;
            clearTimeout(timer);
            timer = setTimeout(() => finish(), REFUSAL_WINDOW_MS);
          }
        }),
      onOversize: () => {},
    });
    const onData = (chunk: Buffer): void => framer.push(chunk);
    const onEnd = (): void => {
      framer.end();
      finish();
    };
    const finish = (): void => {
      clearTimeout(timer);
      io.stdin.off('data', onData);
      io.stdin.off('end', onEnd);
      io.stdin.off('error', finish);
      io.stdout.off('error', finish);
      io.stdin.pause();
      resolve();
    };
    io.stdin.on('data', onData);
    io.stdin.once('end', onEnd);
    io.stdin.once('error', finish);
    io.stdout.once('error', finish);
  });
}
