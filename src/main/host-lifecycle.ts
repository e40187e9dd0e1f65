import os from 'node:os';
import { HomeLockedError, type HomeLockInfo } from '../engine/store/index.js';
import { realTimers, type Timers } from './timers.js';

/** Who holds the home, in the lock's words (`airlock serve`'s lock names it so). */
export const DESKTOP_APP_KIND = 'desktop app';

/** The part of Electron's dialog used here. */
export interface DialogLike {
  showMessageBox(options: { type: 'question' | 'error'; title: string; message: string; detail: string; buttons: string[]; defaultId: number; cancelId: number; noLink: boolean }): Promise<{ response: number }>;
}

export interface StartHostForAppOptions<H> {
  home: string;
  /** Host.start, with whatever else the app passes it. */
  startHost(options: { home: string; kind: string }): Promise<H>;
  dialog: DialogLike;
  /** process.kill */
  kill(pid: number, signal: 'SIGTERM'): void;
  /** How long a stopped headless Host may take to let go of the home (its own drain is up to 10 s). */
  waitMs?: number;
  pollMs?: number;
  timers?: Timers;
}

export type HostStart<H> = { started: true; host: H } | { started: false; reason: string };

const STOP = 0;
const QUIT = 1;

/**
 * Starts the Host on the home. When another Host holds it (usually `airlock serve`), the user
 * chooses: stop that one (SIGTERM, which lets it finish in-flight calls) and continue once the
 * home is free, or quit. A holder on another machine cannot be stopped from here: say so, quit.
 */
export async function startHostForApp<H>(options: StartHostForAppOptions<H>): Promise<HostStart<H>> {
  const { home, startHost, dialog, kill, waitMs = 12_000, pollMs = 200, timers = realTimers } = options;
  const start = (): Promise<H> => startHost({ home, kind: DESKTOP_APP_KIND });
  let holder: HomeLockInfo;
  try {
    return { started: true, host: await start() };
  } catch (error) {
    if (!(error instanceof HomeLockedError)) throw error;
    holder = error.holder;
    if (holder.hostname !== os.hostname()) {
      await dialog.showMessageBox({ type: 'error', title: 'Airlock', message: 'Airlock’s data folder is in use on another computer', detail: error.message, buttons: ['Quit'], defaultId: 0, cancelId: 0, noLink: true });
      return { started: false, reason: error.message };
    }
  }
  const { response } = await dialog.showMessageBox({
    type: 'question',
    title: 'Airlock',
    message: 'Another Airlock host is running',
    detail: `${holder.kind} (pid ${holder.pid}, started ${holder.startedAt}) is using ${home}. Stop it and run Airlock here? It finishes the calls it is relaying first.`,
    buttons: ['Stop it and continue', 'Quit'],
    defaultId: STOP,
    cancelId: QUIT,
    noLink: true,
  });
  if (response !== STOP) return { started: false, reason: `the user chose to keep ${holder.kind} (pid ${holder.pid}) running` };
  try {
    kill(holder.pid, 'SIGTERM');
  } catch (error) {
    // ESRCH: it already exited, and the home is free to take.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw new Error(`Airlock could not stop pid ${holder.pid}: ${(error as Error).message}. Stop it yourself, then start Airlock again.`, { cause: error });
  }
  return { started: true, host: await retryWhileHeld(start, holder.pid, waitMs, pollMs, timers) };
}

async function retryWhileHeld<H>(start: () => Promise<H>, pid: number, waitMs: number, pollMs: number, timers: Timers): Promise<H> {
  // Counted in polls rather than read from the clock, so a test's fake timers decide the wait.
  for (let polls = 1; ; polls++) {
    await new Promise<void>((resolve) => timers.setTimeout(resolve, pollMs));
    try {
      return await start();
    } catch (error) {
      // Only the process the user agreed to stop is waited for; any other holder is reported.
      if (!(error instanceof HomeLockedError) || error.holder.pid !== pid) throw error;
      if (polls * pollMs >= waitMs) {
        throw new Error(`the Airlock host with pid ${pid} did not stop within ${Math.round(waitMs / 1000)} s. Stop it yourself (Ctrl-C where it runs, or: kill ${pid}), then start Airlock again.`, { cause: error });
      }
    }
  }
}

export interface StoppableHost {
  stop(): Promise<void>;
}

/**
 * Drains the Host (in-flight calls finish, held ones are denied, the log is signed). Never
 * rejects: after `timeoutMs`, or if stopping fails, the app quits anyway, and the home lock
 * is released on exit.
 */
export async function quitGracefully(host: StoppableHost, options: { timeoutMs?: number; timers?: Timers } = {}): Promise<'stopped' | 'timed out' | 'failed'> {
  const { timeoutMs = 15_000, timers = realTimers } = options;
  let timer: unknown;
  const timeout = new Promise<'timed out'>((resolve) => (timer = timers.setTimeout(() => resolve('timed out'), timeoutMs)));
  try {
    return await Promise.race([host.stop().then(() => 'stopped' as const, () => 'failed' as const), timeout]);
  } finally {
    timers.clearTimeout(timer);
  }
}

/** The part of Electron's app used to quit. */
export interface QuitAppLike {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/** Holds the first quit until the Host has drained, then quits for real. */
export function stopHostBeforeQuit(app: QuitAppLike, host: StoppableHost, options: { timeoutMs?: number; timers?: Timers } = {}): void {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    void quitGracefully(host, options).then(() => {
      state = 'stopped';
      app.quit();
    });
  });
}
