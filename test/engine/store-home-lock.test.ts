import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireHomeLock, HomeLockedError, type HomeLock } from '../../src/engine/store/index.js';
import { makeTempDir, spawnFixture } from './fixtures/child-fixture.js';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let lockPath: string;
const locks: HomeLock[] = [];
const acquire = (kind: string): HomeLock => {
  const lock = acquireHomeLock(home, { kind });
  locks.push(lock);
  return lock;
};
const lockFile = (): Record<string, unknown> => JSON.parse(fs.readFileSync(lockPath, 'utf8')) as Record<string, unknown>;

beforeEach(() => {
  tmp = makeTempDir();
  home = path.join(tmp.dir, 'home');
  lockPath = path.join(home, 'host.lock');
});
afterEach(() => {
  locks.splice(0).forEach((l) => l.release());
  tmp.cleanup();
});

describe('acquireHomeLock', () => {
  it('refuses a second Host in another process, naming the holder pid and kind', async () => {
    const lock = acquire('airlock serve');
    const child = spawnFixture('home-lock-child.mjs', [home, 'desktop app', 'try']);
    const answer = await child.nextMessage();
    await child.exited;
    expect(answer.name).toBe('HomeLockedError');
    expect(answer.message).toBe(
      `Airlock home ${home} is in use by pid ${process.pid} (airlock serve, started ${lock.info.startedAt}). Stop that process or choose another home with --home.`,
    );
    expect(lock.info.startedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('is refused here while a live child process holds it, and free once the child releases', async () => {
    const child = spawnFixture('home-lock-child.mjs', [home, 'desktop app', 'hold']);
    const locked = await child.nextMessage();
    expect(locked).toEqual({ event: 'locked', pid: child.child.pid });
    let refusal: unknown;
    try {
      acquire('airlock serve');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(HomeLockedError);
    expect((refusal as HomeLockedError).message).toMatch(new RegExp(`^Airlock home ${home} is in use by pid ${child.child.pid} \\(desktop app, started `));
    expect((refusal as HomeLockedError).holder.pid).toBe(child.child.pid);
    child.child.stdin.end();
    expect(await child.exited).toBe(0);
    expect(fs.existsSync(lockPath)).toBe(false);
    expect(acquire('airlock serve').info.pid).toBe(process.pid);
  });

  it('takes over a lock left by a process that was killed', async () => {
    const child = spawnFixture('home-lock-child.mjs', [home, 'airlock serve', 'crash-holding']);
    expect(await child.nextMessage()).toMatchObject({ event: 'locked' });
    expect(await child.exited).toBe('SIGKILL');
    expect(lockFile().pid).toBe(child.child.pid);
    const lock = acquire('desktop app');
    expect(lockFile()).toMatchObject({ pid: process.pid, kind: 'desktop app', token: lock.info.token });
    expect(fs.readdirSync(home)).toEqual(['host.lock']); // the stale file moved aside is gone too
  });

  it('is removed by the exit handler when its process exits without releasing', async () => {
    const child = spawnFixture('home-lock-child.mjs', [home, 'airlock serve', 'exit-holding']);
    expect(await child.nextMessage()).toMatchObject({ event: 'locked' });
    expect(await child.exited).toBe(0);
    expect(fs.existsSync(lockPath)).toBe(false);
  });

  it('takes over an old lock file that is unreadable garbage', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(lockPath, '{"pid": 12', { mode: 0o600 });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPath, old, old);
    acquire('airlock serve');
    expect(lockFile().pid).toBe(process.pid);
  });

  it('refuses a lock taken on another machine, since its pid cannot be checked from here', () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const holder = { pid: 999_999, hostname: `not-${os.hostname()}`, kind: 'airlock serve', startedAt: '2026-01-01T00:00:00Z' };
    fs.writeFileSync(lockPath, JSON.stringify(holder), { mode: 0o600 });
    expect(() => acquire('desktop app')).toThrow(new RegExp(`in use by pid 999999 on host "not-.*remove ${lockPath}`));
  });

  it('writes the lock file 0600 and release() removes it', () => {
    const lock = acquire('airlock serve');
    if (process.platform !== 'win32') expect(fs.statSync(lockPath).mode & 0o777).toBe(0o600);
    lock.release();
    expect(fs.existsSync(lockPath)).toBe(false);
    lock.release();
  });

  it('release() leaves alone a lock file that is no longer its own', () => {
    const lock = acquire('airlock serve');
    const successor = { ...lockFile(), token: 'someone-else' };
    fs.writeFileSync(lockPath, JSON.stringify(successor));
    lock.release();
    expect(lockFile().token).toBe('someone-else');
  });
});
