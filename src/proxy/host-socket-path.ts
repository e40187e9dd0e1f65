import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { ensurePrivateDir } from '../engine/store/private-fs.js';

/**
 * The longest Unix socket path the kernel takes, in bytes, without the final NUL: sun_path is
 * 104 bytes on macOS and the BSDs, 108 on Linux.
 */
const MAX_SOCKET_PATH_BYTES = process.platform === 'linux' ? 107 : 103;

export const HOST_SOCKET_FILE_NAME = 'host.sock';

/**
 * Where the Host of `home` listens and `airlock connect` reaches it. This module imports only
 * node builtins and the engine's small private-fs, so `connect` can use it without paying for zod.
 *
 * - POSIX: `<home>/host.sock`; when that is too long for a socket address, a file named after
 *   the home's hash in `<tmpdir>/airlock-<uid>/`, a folder created 0700 and checked to be ours
 *   (in a shared /tmp another user could otherwise plant it and see or intercept the socket).
 * - Windows: a named pipe named after the hash of the lowercased home (paths there are
 *   case-insensitive, so two spellings of one home must meet on one pipe).
 */
export function hostSocketPath(home: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const resolved = path.win32.resolve(home).toLowerCase();
    return `\\\\.\\pipe\\airlock-${shortHash(resolved)}`;
  }
  const resolved = path.resolve(home);
  const inHome = path.join(resolved, HOST_SOCKET_FILE_NAME);
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH_BYTES) return inHome;
  const folder = path.join(os.tmpdir(), `airlock-${process.getuid?.() ?? 'user'}`);
  ensurePrivateDir(folder);
  return path.join(folder, `${shortHash(resolved)}.sock`);
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
