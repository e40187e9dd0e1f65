import type { Readable } from 'node:stream';
import type { HelloReply } from './local-socket.js';

/**
 * The zod-free half of the local-socket hello, for `airlock connect`'s start-up budget (zod alone
 * takes longer to load than the whole budget). local-socket.ts holds the schemas; a test checks
 * that parseHelloReplyLine agrees with HelloReplySchema.
 */

/** A hello line longer than this is refused: it is a few paths, not a payload. */
export const MAX_HELLO_BYTES = 256 * 1024;

/** A value as one line of the hello exchange. */
export function encodeHelloLine(value: object): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * Checks the Host's reply by hand, as HelloReplySchema would: `{"hello":"ok"}` or
 * `{"hello":"error","message":string}` (other fields ignored). Undefined when it is neither.
 */
export function parseHelloReplyLine(line: Buffer | string): HelloReply | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line.toString());
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const reply = value as { hello?: unknown; message?: unknown };
  if (reply.hello === 'ok') return { hello: 'ok' };
  if (reply.hello === 'error' && typeof reply.message === 'string') return { hello: 'error', message: reply.message };
  return undefined;
}

/** Why the first line could not be read; `reason` names the case for callers that explain it. */
export class FirstLineError extends Error {
  override name = 'FirstLineError';
  constructor(
    message: string,
    readonly reason: 'ended' | 'too-long' | 'timeout' | 'failed',
  ) {
    super(message);
  }
}

/**
 * Reads the stream's first line (without its line ending), then puts the bytes after it back
 * with unshift(), so whoever reads the stream next sees exactly the JSON-RPC that followed the
 * hello, even when both arrived in one chunk. The stream is left paused.
 */
export function readFirstLine(stream: Readable, options: { maxBytes?: number; timeoutMs?: number } = {}): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? MAX_HELLO_BYTES;
  return new Promise<Buffer>((resolve, reject) => {
    const parts: Buffer[] = [];
    let length = 0;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => fail(new FirstLineError(`no hello line within ${options.timeoutMs} ms`, 'timeout')), options.timeoutMs);
    const cleanup = (): void => {
      if (timer) clearTimeout(timer);
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const fail = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onEnd = (): void => fail(new FirstLineError('the peer closed the connection before its hello line', 'ended'));
    const onError = (error: Error): void => fail(new FirstLineError(`the connection failed before its hello line: ${error.message}`, 'failed'));
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while ((chunk = stream.read() as Buffer | null) !== null) {
        const newline = chunk.indexOf(0x0a);
        if (newline === -1) {
          parts.push(chunk);
          length += chunk.length;
          if (length > maxBytes) return fail(new FirstLineError(`the hello line is longer than ${maxBytes} bytes`, 'too-long'));
          continue;
        }
        parts.push(chunk.subarray(0, newline));
        length += newline;
        if (length > maxBytes) return fail(new FirstLineError(`the hello line is longer than ${maxBytes} bytes`, 'too-long'));
        cleanup();
        const rest = chunk.subarray(newline + 1);
        if (rest.length > 0) stream.unshift(rest);
        stream.pause();
        let line = Buffer.concat(parts, length);
        if (line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
        return resolve(line);
      }
    };
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
