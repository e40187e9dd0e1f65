import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads a file with a size cap, before anything parses it. The descriptor is checked, not the
 * path: a device (/dev/zero), a pipe or a socket is refused at once instead of read forever,
 * and a file larger than the cap is refused without reading it. O_NONBLOCK keeps the open of a
 * FIFO from waiting for a writer.
 */
export class BoundedReadError extends Error {
  override readonly name = 'BoundedReadError';
  constructor(
    readonly reason: 'missing' | 'folder' | 'denied' | 'not-a-file' | 'too-large' | 'unreadable',
    message: string,
  ) {
    super(message);
  }
}

/** A size in words a person reads quickly: 35.0 MB, 16 MiB limit. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

export function readBoundedFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new BoundedReadError('missing', 'no such file');
    if (code === 'EISDIR') throw new BoundedReadError('folder', 'it is a folder');
    if (code === 'EACCES' || code === 'EPERM') throw new BoundedReadError('denied', 'permission denied');
    throw new BoundedReadError('unreadable', (error as Error).message);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new BoundedReadError('folder', 'it is a folder');
    if (!stat.isFile()) throw new BoundedReadError('not-a-file', 'it is not a regular file (a device, pipe or socket); Airlock reads only regular files');
    if (stat.size > maxBytes) {
      throw new BoundedReadError('too-large', `it is ${formatBytes(stat.size)}, over the ${formatBytes(maxBytes)} limit for this kind of file`);
    }
    // The file may grow while it is read: read until its end, and stop one byte past the cap.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(Math.max(stat.size - length, 64 * 1024), maxBytes + 1 - length));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) throw new BoundedReadError('too-large', `it grew past the ${formatBytes(maxBytes)} limit for this kind of file while it was read`);
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, length);
  } finally {
    closeSync(fd);
  }
}
