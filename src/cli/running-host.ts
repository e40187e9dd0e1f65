import fs from 'node:fs';
import path from 'node:path';
import { HOME_LOCK_FILE_NAME } from '../engine/store/index.js';
import { HomeLockInfoSchema, type HomeLockInfo } from '../engine/store/home-lock.js';
import { parseStrictJson } from '../input/strict-json.js';
import { readControlEndpoint, type ControlEndpoint } from '../host/control-endpoint.js';
import { RemoteHostControl } from '../host/control.js';
import { EXIT, UsageError } from './exit-codes.js';

/** The home lock's name for a Host run by `airlock serve` (Host.start's default kind). */
const SERVE_KIND = 'airlock serve';

/** The Host that runs on a home, as it answered on the home's socket. */
export interface RunningHost {
  pid: number;
  /** Who holds the home ("airlock serve", "desktop app"…), from the home lock. */
  kind: string;
  /** Where it serves its window, when it does. */
  endpoint: ControlEndpoint | undefined;
}

/**
 * The Host running on `home`, or undefined. It counts only when its socket answers a status
 * request naming this home and the pid the home lock records: a pid alone may have been reused
 * by another program since, and must never be signalled on that evidence.
 */
export async function findRunningHost(home: string): Promise<RunningHost | undefined> {
  let control: RemoteHostControl | null;
  try {
    control = await RemoteHostControl.connect(home);
  } catch {
    return undefined; // a Host that is stopping refuses the hello
  }
  if (control === null) return undefined;
  try {
    const status = await control.status();
    const lock = readLockInfo(home);
    if (lock === undefined || lock.pid !== status.pid || path.resolve(status.home) !== path.resolve(home)) return undefined;
    const endpoint = readControlEndpoint(home);
    return { pid: status.pid, kind: lock.kind, endpoint: endpoint?.pid === status.pid ? endpoint : undefined };
  } catch {
    return undefined;
  } finally {
    control.close();
  }
}

function readLockInfo(home: string): HomeLockInfo | undefined {
  try {
    const parsed = HomeLockInfoSchema.safeParse(parseStrictJson(fs.readFileSync(path.join(home, HOME_LOCK_FILE_NAME), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Host drains in-flight calls for up to 10 s on SIGTERM; this leaves room for the rest of its shutdown. */
export const STOP_TIMEOUT_MS = 20_000;

/**
 * Stops a Host found by findRunningHost the way Ctrl-C does (SIGTERM: it finishes in-flight
 * calls, signs a checkpoint and releases the home), and waits until it is gone and the home
 * lock no longer names it. Returns false if it was still running at the deadline.
 */
export async function stopRunningHost(host: RunningHost, timeoutMs = STOP_TIMEOUT_MS): Promise<boolean> {
  // Only `airlock serve` is known to drain on SIGTERM; the desktop app would just die, mid-call.
  if (host.kind !== SERVE_KIND) throw new UsageError(`the Airlock host for this home is the ${host.kind} (pid ${host.pid}): quit it from its tray menu (Quit), then try again`, EXIT.FAILED);
  try {
    process.kill(host.pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // serve releases the lock before it exits; a Host that died without releasing leaves a stale lock the next one takes over.
    if (!isAlive(host.pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Waits for a Host of `home` to record where it serves its window; undefined at the deadline or once `gaveUp()` says so. */
export async function waitForWindow(home: string, timeoutMs: number, gaveUp: () => boolean = () => false): Promise<ControlEndpoint | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const endpoint = readControlEndpoint(home);
    if (endpoint !== undefined) return endpoint;
    if (Date.now() > deadline || gaveUp()) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
