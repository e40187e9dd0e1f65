import type { EventEmitter } from 'node:events';

/** How an upstream ended: a stdio child's exit, or a remote connection that became unusable. */
export interface UpstreamExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Why it ended, when it failed: a spawn error, or a remote's named failure. */
  error: Error | null;
}

export interface UpstreamEvents {
  /** One JSON-RPC message from the server, without a line ending. */
  line: [Buffer];
  /** A message over the size limit was dropped; the number is how many bytes it had, the Buffer its first bytes (when known). */
  oversize: [number, Buffer?];
  /** The upstream is finished: no more lines come and send() does nothing. */
  exit: [UpstreamExit];
}

/**
 * What a relay session needs of the server it talks to, whatever carries the messages: a
 * stdio child (UpstreamStdio), Streamable HTTP or the older HTTP+SSE (UpstreamHttp).
 */
export interface Upstream extends Pick<EventEmitter<UpstreamEvents>, 'on' | 'once' | 'off'> {
  readonly alive: boolean;
  /** A server reached over the network rather than started as a command: messages say "reached", not "started". */
  readonly remote?: boolean;
  /** Sends one JSON-RPC message, as the client's bytes (with or without its newline). */
  send(line: Buffer | string): void;
  /** Stops reading the server's output while its client is full (backpressure); resumeReading() reads on. Optional: a remote upstream reads on. */
  pauseReading?(): void;
  resumeReading?(): void;
  /** Ends the upstream; resolves once 'exit' was emitted. */
  stop(): Promise<void>;
  /** What went wrong lately, for the relay's error messages (a child's stderr tail, a remote's last transport error); secrets redacted. */
  stderr(): string;
}

/** Why a server's upstream cannot take a message, for the client's error and the Host log: a command that exited or could not start, a remote that could not be reached or closed. */
export function upstreamGoneText(upstream: Upstream, server: string, exit?: UpstreamExit): string {
  const tail = upstream.stderr();
  if (upstream.remote === true) {
    const how = exit?.error ? `could not be reached (${exit.error.message})` : exit ? 'closed the connection' : 'is not connected';
    return `server "${server}" ${how}${tail ? `; its last transport notes: ${tail.slice(-1000)}` : ''}. Check its address and sign-in with: airlock servers list`;
  }
  const how = exit?.error ? `could not be started (${exit.error.message})` : exit ? `exited (${exit.signal ?? `code ${exit.code}`})` : 'is not running';
  return `server "${server}" ${how}${tail ? `; the end of its stderr: ${tail.slice(-1000)}` : ''}. Check its command with: airlock servers list`;
}
