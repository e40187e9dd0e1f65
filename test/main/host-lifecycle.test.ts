import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HomeLockedError } from '../../src/engine/store/index.js';
import { Host } from '../../src/host/host.js';
import { DESKTOP_APP_KIND, quitGracefully, startHostForApp, stopHostBeforeQuit, type DialogLike } from '../../src/main/host-lifecycle.js';
import { spawnCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { fakeTimers, settle } from './fake-timers.js';

const HOME = '/tmp/airlock-home';
const lockedBy = (pid: number, hostname = os.hostname()) => new HomeLockedError(HOME, { pid, hostname, kind: 'airlock serve', startedAt: '2026-01-01T00:00:00Z' });

/** A dialog that answers with the button named `answer`, and remembers what it showed. */
function fakeDialog(answer: string) {
  const shown: Parameters<DialogLike['showMessageBox']>[0][] = [];
  const dialog: DialogLike = {
    showMessageBox: async (options) => {
      shown.push(options);
      return { response: options.buttons.indexOf(answer) };
    },
  };
  return { dialog, shown };
}

/** Host.start stand-in: refuses while `heldBy` is set. */
function fakeStart(heldBy: { pid: number | undefined; hostname?: string }) {
  const starts: { home: string; kind: string }[] = [];
  const startHost = async (options: { home: string; kind: string }) => {
    starts.push(options);
    if (heldBy.pid !== undefined) throw lockedBy(heldBy.pid, heldBy.hostname);
    return { name: 'host' };
  };
  return { startHost, starts };
}

describe('startHostForApp', () => {
  it('starts the Host as the desktop app when the home is free, asking nothing', async () => {
    const { startHost, starts } = fakeStart({ pid: undefined });
    const { dialog, shown } = fakeDialog('Quit');
    expect(await startHostForApp({ home: HOME, startHost, dialog, kill: () => undefined })).toEqual({ started: true, host: { name: 'host' } });
    expect(starts).toEqual([{ home: HOME, kind: DESKTOP_APP_KIND }]);
    expect(shown).toEqual([]);
  });

  it('asks, naming the holder, and quits without signalling anyone when the user says Quit', async () => {
    const { startHost } = fakeStart({ pid: 4242 });
    const { dialog, shown } = fakeDialog('Quit');
    const killed: number[] = [];
    const result = await startHostForApp({ home: HOME, startHost, dialog, kill: (pid) => void killed.push(pid) });
    expect(result).toEqual({ started: false, reason: 'the user chose to keep airlock serve (pid 4242) running' });
    expect(shown[0]?.detail).toContain(`airlock serve (pid 4242, started 2026-01-01T00:00:00Z) is using ${HOME}`);
    expect(killed).toEqual([]);
  });

  it('stops the holder with SIGTERM and starts once it has let go of the home', async () => {
    const held = { pid: 4242 as number | undefined };
    const { startHost, starts } = fakeStart(held);
    const signals: string[] = [];
    const kill = (pid: number, signal: string): void => {
      signals.push(`${signal} ${pid}`);
      setTimeout(() => (held.pid = undefined), 30); // it drains, then releases the lock
    };
    const result = await startHostForApp({ home: HOME, startHost, dialog: fakeDialog('Stop it and continue').dialog, kill, pollMs: 5 });
    expect(result).toEqual({ started: true, host: { name: 'host' } });
    expect(signals).toEqual(['SIGTERM 4242']);
    expect(starts.length).toBeGreaterThan(2);
  });

  it('gives up with an error naming the pid when the holder does not stop in time', async () => {
    const { startHost } = fakeStart({ pid: 4242 });
    const run = startHostForApp({ home: HOME, startHost, dialog: fakeDialog('Stop it and continue').dialog, kill: () => undefined, pollMs: 2, waitMs: 20 });
    await expect(run).rejects.toThrow(/the Airlock host with pid 4242 did not stop within 0 s\. Stop it yourself .*kill 4242/);
  });

  it('starts at once when the holder is already gone by the time it is signalled', async () => {
    const held = { pid: 4242 as number | undefined };
    const { startHost } = fakeStart(held);
    const kill = (): void => {
      held.pid = undefined;
      throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    };
    expect(await startHostForApp({ home: HOME, startHost, dialog: fakeDialog('Stop it and continue').dialog, kill, pollMs: 1 })).toMatchObject({ started: true });
  });

  it('cannot stop a holder on another machine: it says so and quits', async () => {
    const { startHost } = fakeStart({ pid: 4242, hostname: 'elsewhere' });
    const { dialog, shown } = fakeDialog('Quit');
    const killed: number[] = [];
    const result = await startHostForApp({ home: HOME, startHost, dialog, kill: (pid) => void killed.push(pid) });
    expect(result).toMatchObject({ started: false, reason: expect.stringContaining('on host "elsewhere"') });
    expect(shown.map((s) => [s.type, s.buttons])).toEqual([['error', ['Quit']]]);
    expect(killed).toEqual([]);
  });

  it('lets any other start failure through without asking', async () => {
    const { dialog, shown } = fakeDialog('Quit');
    const startHost = async (): Promise<never> => {
      throw new Error('cannot open the store: disk full');
    };
    await expect(startHostForApp({ home: HOME, startHost, dialog, kill: () => undefined })).rejects.toThrow('disk full');
    expect(shown).toEqual([]);
  });
});

describe('quitGracefully and stopHostBeforeQuit', () => {
  it('resolves once the Host has drained', async () => {
    let stopped = false;
    const host = { stop: async () => void (stopped = true) };
    expect(await quitGracefully(host)).toBe('stopped');
    expect(stopped).toBe(true);
  });

  it('stops waiting for a Host that does not stop', async () => {
    const clock = fakeTimers();
    const result = quitGracefully({ stop: () => new Promise<void>(() => undefined) }, { timeoutMs: 1_000, timers: clock.timers });
    clock.advance(1_000);
    expect(await result).toBe('timed out');
  });

  it('holds the first quit until the Host has stopped, then quits for real', async () => {
    const listeners: ((e: { preventDefault(): void }) => void)[] = [];
    let quits = 0;
    let prevented = 0;
    const app = { on: (_e: 'before-quit', l: (e: { preventDefault(): void }) => void) => listeners.push(l), quit: () => void quits++ };
    let finishStop!: () => void;
    const host = { stop: () => new Promise<void>((resolve) => (finishStop = resolve)) };
    stopHostBeforeQuit(app, host);
    const beforeQuit = (): void => listeners.forEach((l) => l({ preventDefault: () => void prevented++ }));
    beforeQuit();
    beforeQuit(); // a second Quit click while draining
    expect([prevented, quits]).toEqual([2, 0]);
    finishStop();
    await settle();
    expect(quits).toBe(1);
    beforeQuit(); // the quit that follows goes through
    expect(prevented).toBe(2);
  });
});

describe('startHostForApp with a real `airlock serve`', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('stops the headless Host that holds the home when the user agrees, and takes the home', async () => {
    const tmp = makeTempDir('airlock-lifecycle-');
    cleanups.push(tmp.cleanup);
    const home = path.join(tmp.dir, 'home');
    const serve = spawnCli(['serve', '--home', home, '--no-watch-clients']);
    cleanups.push(() => serve.child.kill('SIGKILL'));
    await serve.linesOut(1);
    const { dialog, shown } = fakeDialog('Stop it and continue');

    const result = await startHostForApp({ home, startHost: (options) => Host.start(options), dialog, kill: (pid, signal) => process.kill(pid, signal) });

    expect(result.started).toBe(true);
    if (!result.started) return;
    cleanups.push(() => result.host.stop());
    expect(shown[0]?.detail).toContain(`airlock serve (pid ${serve.child.pid}`);
    const code = await serve.exited;
    expect(code, `signal ${serve.child.signalCode}; stdout: ${serve.stdout().toString()}; stderr: ${serve.stderr()}`).toBe(0);
    expect(result.host.status().home).toBe(home);
  });
});
