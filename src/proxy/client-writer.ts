import type { Duplex } from 'node:stream';
import type { JsonRpcId } from '../engine/gate/jsonrpc.js';
import type { Verdict } from '../engine/gate/verdict.js';

/** What the writer stops while the client is full: the reading of the session's server. */
export interface PausableSource {
  pauseReading?(): void;
  resumeReading?(): void;
}

const NEWLINE = Buffer.from('\n');

/**
 * Writes one session's messages to its client, with backpressure: when the client reads slower
 * than its server writes (a flood, or a client that stopped reading), the server's output is
 * paused until the client drains. Without it a server could make the Host buffer without limit;
 * with it the flood waits in the server's own pipe and the Host holds about one socket buffer.
 */
export class ClientWriter {
  private paused = false;

  constructor(
    private readonly client: Duplex,
    private readonly source: PausableSource,
    /** The session closed: nothing more is written. */
    private readonly closed: () => boolean,
  ) {}

  line(line: Buffer): void {
    this.write(line[line.length - 1] === 0x0a ? line : Buffer.concat([line, NEWLINE]));
  }

  json(value: object): void {
    this.write(`${JSON.stringify(value)}\n`);
  }

  error(id: JsonRpcId | null, code: number, message: string, verdict?: Verdict): void {
    const data = verdict?.error?.data;
    this.json({ jsonrpc: '2.0', id, error: { code, message, ...(data === undefined ? {} : { data }) } });
  }

  private write(data: Buffer | string): void {
    if (this.closed() || this.client.destroyed) return;
    if (this.client.write(data) || this.paused || !this.source.pauseReading) return;
    this.paused = true;
    this.source.pauseReading();
    this.client.once('drain', () => {
      this.paused = false;
      this.source.resumeReading?.();
    });
  }
}
