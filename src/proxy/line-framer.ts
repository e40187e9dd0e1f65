/** The largest JSON-RPC line Airlock relays by default; a longer one is dropped, never buffered. */
export const DEFAULT_MAX_FRAME_BYTES = 32 * 1024 * 1024;

const NEWLINE = 0x0a;
/** How much of a dropped line is kept: enough for the id a JSON-RPC answer usually starts with. */
export const OVERSIZE_HEAD_BYTES = 256;
const CARRIAGE_RETURN = 0x0d;

export interface LineFramerOptions {
  /** Longest line kept, without its line ending; default DEFAULT_MAX_FRAME_BYTES. */
  maxBytes?: number;
  /**
   * One line, without "\n" or "\r\n". It may share memory with a pushed chunk: copy it if you
   * keep it past the call. Blank lines carry no message and are not passed on.
   */
  onLine(line: Buffer): void;
  /** A line longer than maxBytes was dropped (once per line, when it ends), with its first OVERSIZE_HEAD_BYTES; framing resumes after it. */
  onOversize(bytesDropped: number, head: Buffer): void;
}

/**
 * Splits a byte stream into newline-delimited lines (the MCP stdio framing) with bounded memory:
 * a line longer than maxBytes is counted and dropped as it streams, never held, so a peer cannot
 * make Airlock buffer without limit. Chunks of a pending line are kept in a list and joined once,
 * so many small chunks and one huge line both cost O(n).
 */
export class LineFramer {
  private readonly maxBytes: number;
  private readonly onLine: (line: Buffer) => void;
  private readonly onOversize: (bytesDropped: number, head: Buffer) => void;
  /** Pieces of the line not yet ended, and their total length. */
  private parts: Buffer[] = [];
  private pendingBytes = 0;
  /** Set while discarding an oversized line up to its newline. */
  private dropping = false;
  private droppedBytes = 0;
  private droppedHead: Buffer = Buffer.alloc(0);

  constructor(options: LineFramerOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1) throw new RangeError(`LineFramer maxBytes must be a positive integer, got ${this.maxBytes}`);
    this.onLine = options.onLine;
    this.onOversize = options.onOversize;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, newline));
      this.finishLine();
      start = newline + 1;
    }
  }

  /** The stream ended: a last line without its newline still counts. */
  end(): void {
    if (this.dropping || this.pendingBytes > 0) this.finishLine();
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.dropping) {
      this.droppedBytes += piece.length;
      return;
    }
    // One byte of slack: a line of exactly maxBytes may still be followed by the "\r" of "\r\n".
    if (this.pendingBytes + piece.length > this.maxBytes + 1) {
      this.dropping = true;
      this.droppedBytes = this.pendingBytes + piece.length;
      this.droppedHead = headOf([...this.parts, piece]);
      this.parts = [];
      this.pendingBytes = 0;
      return;
    }
    this.parts.push(piece);
    this.pendingBytes += piece.length;
  }

  private finishLine(): void {
    if (this.dropping) {
      const dropped = this.droppedBytes;
      this.dropping = false;
      this.droppedBytes = 0;
      this.onOversize(dropped, this.droppedHead);
      return;
    }
    const parts = this.parts;
    const length = this.pendingBytes;
    this.parts = [];
    this.pendingBytes = 0;
    let line = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
    if (line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN) line = line.subarray(0, line.length - 1);
    if (line.length === 0) return;
    if (line.length > this.maxBytes) {
      this.onOversize(line.length, Buffer.from(line.subarray(0, OVERSIZE_HEAD_BYTES)));
      return;
    }
    this.onLine(line);
  }
}

/** The first OVERSIZE_HEAD_BYTES of a line's pieces, copied (the pieces may share a chunk's memory). */
function headOf(pieces: Buffer[]): Buffer {
  const head: Buffer[] = [];
  let bytes = 0;
  for (const piece of pieces) {
    if (bytes >= OVERSIZE_HEAD_BYTES) break;
    const part = piece.subarray(0, OVERSIZE_HEAD_BYTES - bytes);
    head.push(part);
    bytes += part.length;
  }
  return Buffer.concat(head);
}
