import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Larger files are not hashed: a server binary is far smaller, and the Host must not stall. */
const MAX_HASHED_BYTES = 512 * 1024 * 1024;

/**
 * Digests by file identity (device, inode, size, change time): an interpreter such as node is
 * ~100 MB and is hashed once per Host, not once per session. A replaced or rewritten file gets
 * a new inode or ctime, so it is hashed again.
 */
const cache = new Map<string, string>();

/** "sha256:<hex>" of a file's bytes, or null with why when it cannot be read. */
export function fileDigest(file: string): { sha256: string } | { sha256: null; problem: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    return { sha256: null, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { sha256: null, problem: 'is not a file' };
    if (stat.size > MAX_HASHED_BYTES) return { sha256: null, problem: `is larger than ${MAX_HASHED_BYTES} bytes and was not hashed` };
    const key = `${stat.dev}:${stat.ino}:${stat.size}:${stat.ctimeMs}:${stat.mtimeMs}`;
    const known = cache.get(key);
    if (known) return { sha256: known };
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    let read: number;
    while ((read = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0) hash.update(buffer.subarray(0, read));
    const digest = `sha256:${hash.digest('hex')}`;
    cache.set(key, digest);
    return { sha256: digest };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Where a command runs from, as the spawn finds it: a path is taken against the session's cwd,
 * a bare name is looked up on the server's PATH. The real path, through symlinks, so a
 * node_modules/.bin link names the package file it points to.
 */
export function findCommand(command: string, cwd: string, pathEnv: string | undefined): string | null {
  const candidates: string[] = [];
  if (command.includes('/') || command.includes('\\')) candidates.push(path.resolve(cwd, command));
  else {
    const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase())] : [''];
    for (const dir of (pathEnv ?? '').split(path.delimiter)) if (dir) for (const ext of exts) candidates.push(path.resolve(cwd, dir, command + ext));
  }
  for (const candidate of candidates) {
    try {
      const stat = fs.statSync(candidate);
      if (stat.isFile()) return fs.realpathSync(candidate);
    } catch {
      // Not there: the next directory of PATH.
    }
  }
  return null;
}

/** A file taken against the cwd, through symlinks (null when it is not there). */
export function findFile(file: string, cwd: string): string | null {
  try {
    return fs.realpathSync(path.resolve(cwd, file));
  } catch {
    return null;
  }
}

/** The package a file inside node_modules belongs to: its name and version, from the nearest package.json. */
export function packageAround(file: string): { name: string; version: string } | null {
  if (!file.split(path.sep).includes('node_modules')) return null;
  for (let dir = path.dirname(file); dir !== path.dirname(dir) && path.basename(dir) !== 'node_modules'; dir = path.dirname(dir)) {
    const manifest = readJson(path.join(dir, 'package.json'));
    if (manifest && typeof manifest.name === 'string' && typeof manifest.version === 'string') return { name: manifest.name, version: manifest.version };
  }
  return null;
}

/** A small JSON file (a package.json, a lockfile) as an object, or null. */
export function readJson(file: string): Record<string, unknown> | null {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > 32 * 1024 * 1024) return null;
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A path as the record shows it: under the home folder as `~/…`, so a shared receipt does not name the user. */
export function shownPath(file: string, home = os.homedir()): string {
  return home && (file === home || file.startsWith(home + path.sep)) ? `~${file.slice(home.length)}` : file;
}
