import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { LineFramer } from '../proxy/line-framer.js';

/**
 * Lines longer than this are relayed but not parsed for request tracking: parsing a 30 MB
 * payload in `connect` would cost more than the relay itself. So if the Host dies, a request
 * that big gets no error from us (the client sees us exit), and a request whose answer was that
 * big gets a second, error answer, which clients drop as a response to an id they no longer wait for.
 */
export const TRACK_MAX_BYTES = 4 * 1024 * 1024;

/** How long to wait for the Host to close after the client's stdin ended. */
export const CLOSE_GRACE_MS = 2_000;

export const JSONRPC_HOST_ERROR = -32001;

export interface RelayStreams {
  stdin: Readable;
  stdout: Writable;
}

export interface RelayEnd {
  /** 0: the client ended its stdin; 1: the Host went away while the client was still there. */
  code: number;
  /** Set when the Host went away: said once on stderr by the caller. */
  message?: string;
}

/** A JSON-RPC id, keyed so that 1 and "1" stay distinct. */
type IdKey = string;

/**
 * Relays raw bytes both ways between the client's stdio and the Host's socket (never
 * re-encoded), and keeps the ids of client requests the Host has not answered yet, so that a
 * Host that dies mid-call leaves no client waiting forever: each pending call gets an error.
 */
export function relaySession(socket: Socket, io: RelayStreams, hostLostMessage: string): Promise<RelayEnd> {
  const pending = new Map<IdKey, string | number>();
  const clientLines = new LineFramer({
    maxBytes: TRACK_MAX_BYTES,
    onLine: (line) => forEachMessage(line, (message) => {
      if (typeof message.method === 'string' && isId(message.id)) pending.set(JSON.stringify(message.id), message.id);
      // A cancelled request gets no response (MCP spec), so nobody waits for it any more.
      const cancelled = message.method === 'notifications/cancelled' ? (message.params as { requestId?: unknown } | undefined)?.requestId : undefined;
      if (isId(cancelled)) pending.delete(JSON.stringify(cancelled));
    }),
    onOversize: () => {},
  });
  const hostLines = new LineFramer({
    maxBytes: TRACK_MAX_BYTES,
    onLine: (line) => forEachMessage(line, (message) => {
      if (message.method === undefined && isId(message.id) && ('result' in message || 'error' in message)) pending.delete(JSON.stringify(message.id));
    }),
    onOversize: () => {},
  });

  return new Promise<RelayEnd>((resolve) => {
    let stdinEnded = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (end: RelayEnd): void => {
      if (done) return;
      done = true;
      if (graceTimer) clearTimeout(graceTimer);
      io.stdin.off('data', onStdinData);
      io.stdin.off('end', onStdinEnd);
      io.stdin.off('error', onStdinEnd);
      io.stdout.off('error', onStdoutError);
      socket.off('close', onSocketClose);
      // Paused, stdin no longer holds the event loop open; socket.destroy() releases the other end.
      io.stdin.pause();
      socket.destroy();
      resolve(end);
    };
    /** Writes with backpressure: a full destination pauses the source until it drains. */
    const forward = (from: Readable, to: Writable, chunk: Buffer): void => {
      if (to.destroyed || to.writableEnded) return;
      if (!to.write(chunk) && !from.isPaused()) {
        from.pause();
        to.once('drain', () => {
          if (!done) from.resume();
        });
      }
    };
    const onStdinData = (chunk: Buffer): void => {
      clientLines.push(chunk);
      forward(io.stdin, socket, chunk);
    };
    const onStdinEnd = (): void => {
      if (stdinEnded) return;
      stdinEnded = true;
      clientLines.end();
      // The client is gone: half-close so the Host sees the end of its input, then give it a moment.
      if (!socket.destroyed) socket.end();
      graceTimer = setTimeout(() => finish({ code: 0 }), CLOSE_GRACE_MS);
      graceTimer.unref();
    };
    const onSocketData = (chunk: Buffer): void => {
      hostLines.push(chunk);
      forward(socket, io.stdout, chunk);
    };
    const onSocketClose = (): void => {
      if (stdinEnded) return finish({ code: 0 });
      for (const id of pending.values()) {
        io.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', id, error: { code: JSONRPC_HOST_ERROR, message: hostLostMessage } })}\n`);
      }
      finish({ code: 1, message: hostLostMessage });
    };
    // The client closed its end of our stdout: nobody reads answers any more, same as stdin EOF.
    const onStdoutError = (): void => onStdinEnd();
    io.stdin.on('data', onStdinData);
    io.stdin.once('end', onStdinEnd);
    io.stdin.once('error', onStdinEnd);
    io.stdout.on('error', onStdoutError);
    socket.on('data', onSocketData);
    socket.on('error', () => {}); // 'close' follows and says what to do
    socket.once('close', onSocketClose);
  });
}

export interface MessageFields {
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: unknown;
}

/** Calls `visit` for the message on a line, or each message of a batch; lines that are not JSON are relayed untracked. */
export function forEachMessage(line: Buffer, visit: (message: MessageFields) => void): void {
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    return;
  }
  for (const item of Array.isArray(value) ? (value as unknown[]) : [value]) {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) visit(item as MessageFields);
  }
}

function isId(id: unknown): id is string | number {
  return typeof id === 'string' || typeof id === 'number';
}
