import { Duplex } from 'node:stream';

/**
 * Two in-memory Duplex streams wired to each other, like the two ends of a socket: what one
 * writes, the other reads; ending one ends the other's reading, and (allowHalfOpen off) both
 * then close. Node 20 has no `stream.duplexPair`, so it is written here.
 * Delivery is deferred by a tick so that a write never re-enters the writer's own handlers.
 */
export function duplexPair(): [Duplex, Duplex] {
  const a = new PairSide();
  const b = new PairSide();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class PairSide extends Duplex {
  peer: PairSide | null = null;

  constructor() {
    super({ allowHalfOpen: false });
  }

  override _read(): void {
    // Data is pushed by the peer's writes; there is nothing to pull.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    process.nextTick(() => {
      if (peer && !peer.destroyed && !peer.readableEnded) peer.push(chunk);
    });
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    process.nextTick(() => {
      if (peer && !peer.destroyed) peer.push(null);
    });
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = null;
    // One end destroyed is the connection gone: the other end closes too (without an error of its own).
    if (peer && !peer.destroyed) process.nextTick(() => peer.destroy());
    callback(error);
  }
}
