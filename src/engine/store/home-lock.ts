import { parseStrictJson } from '../../input/strict-json.js';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir } from './private-fs.js';
import { StoreError, errorCode, errorMessage } from './store-error.js';

export const HOME_LOCK_FILE_NAME = 'host.lock';

export const HomeLockInfoSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  kind: z.string(),
  startedAt: z.string(),
  /** Random per acquisition, so release() can tell its own lock from a successor's with the same pid. */
  token: z.string().optional(),
});
export type HomeLockInfo = z.infer<typeof HomeLockInfoSchema>;

export interface HomeLock {
  readonly path: string;
  readonly info: HomeLockInfo;
  /** Removes the lock file if it is still ours. Safe to call twice. */
  release(): void;
}

/** Another live Host holds this home. `holder` says who, for the UI. */
export class HomeLockedError extends StoreError {
  override name = 'HomeLockedError';
  constructor(
    readonly home: string,
    readonly holder: HomeLockInfo,
  ) {
    const onHost = holder.hostname === os.hostname() ? '' : ` on host "${holder.hostname}"`;
    const advice =
      onHost === ''
        ? 'Stop that process or choose another home with --home.'
        : `Airlock cannot check a process on another machine: stop it there, or if it is gone, remove ${path.join(home, HOME_LOCK_FILE_NAME)}.`;
    super(`Airlock home ${home} is in use by pid ${holder.pid}${onHost} (${holder.kind}, started ${holder.startedAt}). ${advice}`);
  }
}

/** A lock file younger than this that does not parse may still be being written by its creator. */
const FRESH_GARBAGE_MS = 2_000;
const MAX_ATTEMPTS = 5;

/**
 * Takes the one-Host-per-home lock (DESIGN.md §1): `host.lock`, created with O_EXCL and mode
 * 0600, holding who took it. A lock whose pid is dead on this machine, or that is unreadable,
 * is taken over; a live one (or one from another machine, which cannot be checked) is refused.
 */
export function acquireHomeLock(home: string, options: { kind: string }): HomeLock {
  ensurePrivateDir(home);
  const lockPath = path.join(home, HOME_LOCK_FILE_NAME);
  const info: HomeLockInfo = {
    pid: process.pid,
    hostname: os.hostname(),
    kind: options.kind,
    startedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    token: randomBytes(16).toString('hex'),
  };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (tryCreate(lockPath, info)) return holdLock(lockPath, info);
    const existing = readLock(lockPath);
    if (existing === 'missing') continue; // released between our create and our read: try again
    if (existing === 'garbage') {
      if (isFresh(lockPath)) {
        sleepMs(250 * attempt); // probably a creator between open() and write(): give it time
        continue;
      }
    } else if (existing.info.hostname !== info.hostname || isAlive(existing.info.pid)) {
      throw new HomeLockedError(home, existing.info);
    }
    removeStale(lockPath, existing === 'garbage' ? undefined : existing.text);
  }
  throw new StoreError(`cannot take the Airlock home lock ${lockPath}: it kept changing while we tried. Another Airlock may be starting; try again in a moment.`);
}

function tryCreate(lockPath: string, info: HomeLockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw new StoreError(`cannot create the Airlock home lock ${lockPath}: ${errorMessage(error)}. Check the folder's permissions.`);
  }
  try {
    // One write right after the exclusive create keeps the window in which others see an empty file short.
    fs.writeSync(fd, JSON.stringify(info));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

function readLock(lockPath: string): 'missing' | 'garbage' | { info: HomeLockInfo; text: string } {
  let text: string;
  try {
    const fd = fs.openSync(lockPath, fs.constants.O_RDONLY | (process.platform === 'win32' ? 0 : fs.constants.O_NOFOLLOW));
    try {
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    if (errorCode(error) === 'ELOOP') return 'garbage';
    throw new StoreError(`cannot read the Airlock home lock ${lockPath}: ${errorMessage(error)}. Check its permissions, or remove it if no Airlock is running.`);
  }
  try {
    const parsed = HomeLockInfoSchema.safeParse(parseStrictJson(text));
    return parsed.success ? { info: parsed.data, text } : 'garbage';
  } catch {
    return 'garbage';
  }
}

/**
 * Moves a stale lock aside before removing it, then checks that what moved is what we judged
 * stale. Two processes taking over at once could otherwise both delete-and-create; with the
 * rename, a process that moved a fresh lock by mistake sees different contents and puts it back
 * (link() fails if a third lock appeared meanwhile). The residual race needs three processes
 * interleaved within microseconds; the O_EXCL create still lets at most one win each round.
 */
function removeStale(lockPath: string, judgedText: string | undefined): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return; // someone else removed it first
    throw new StoreError(`cannot remove the stale Airlock home lock ${lockPath}: ${errorMessage(error)}. Remove it by hand if no Airlock is running.`);
  }
  const moved = readLock(aside);
  const movedText = typeof moved === 'object' ? moved.text : undefined;
  if (judgedText !== undefined && movedText !== judgedText) {
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // a new lock already stands at lockPath; the one we moved loses its file (see above)
    }
  }
  fs.rmSync(aside, { force: true });
}

function holdLock(lockPath: string, info: HomeLockInfo): HomeLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    const current = readLock(lockPath);
    // Only our own file: after a takeover the file at this path may belong to another Host.
    if (typeof current === 'object' && current.info.token === info.token) fs.rmSync(lockPath, { force: true });
  };
  // Best effort: 'exit' runs on normal exit and process.exit(), not on SIGKILL or a crash;
  // such a lock names a dead pid and the next Host takes it over.
  process.once('exit', release);
  return { path: lockPath, info, release };
}

/** kill(pid, 0) probes without signalling: EPERM means alive but not ours, ESRCH means gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

function isFresh(lockPath: string): boolean {
  try {
    return Date.now() - fs.statSync(lockPath).mtimeMs < FRESH_GARBAGE_MS;
  } catch {
    return false;
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
