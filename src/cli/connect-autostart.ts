import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrivateDir, ensurePrivateFile } from '../engine/store/private-fs.js';
import { errorCode, errorMessage } from '../engine/store/store-error.js';

/** Errors that mean "no Host is listening there (yet)", as opposed to a Host we may not reach. */
const NOT_LISTENING = new Set(['ENOENT', 'ECONNREFUSED', 'EAGAIN']);

export const RETRY_INTERVAL_MS = 50;
export const HOST_LOG_PATH = ['logs', 'host.log'] as const;

export type ConnectAttempt = { socket: net.Socket } | { notListening: true; code: string } | { failed: string };

/** One attempt to reach the Host's socket. */
export function connectOnce(socketPath: string): Promise<ConnectAttempt> {
  return new Promise((resolve) => {
    const socket = net.createConnection(socketPath);
    const onError = (error: Error): void => {
      socket.off('connect', onConnect);
      const code = errorCode(error) ?? 'EUNKNOWN';
      resolve(NOT_LISTENING.has(code) ? { notListening: true, code } : { failed: `${code}: ${errorMessage(error)}` });
    };
    const onConnect = (): void => {
      socket.off('error', onError);
      resolve({ socket });
    };
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

/** Retries every RETRY_INTERVAL_MS while nobody listens, until `deadline` (a Date.now() value). */
export async function connectUntil(socketPath: string, deadline: number): Promise<ConnectAttempt> {
  for (;;) {
    const attempt = await connectOnce(socketPath);
    if (!('notListening' in attempt) || Date.now() + RETRY_INTERVAL_MS > deadline) return attempt;
    await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS));
  }
}

export interface StartedHost {
  logPath: string;
  /** Set once the Host we started has exited (it lost the race to another one, or failed). */
  exitCode(): number | null | undefined;
}

/**
 * Starts the Host in the background, like gpg-agent: `airlock serve --home HOME`, or with
 * `startApp` the desktop app with --background (the packaged app cannot run this file itself:
 * its RunAsNode fuse is off). Detached from the client, no stdin, output appended to
 * <home>/logs/host.log (0600 in a 0700 folder). Two connects may both start one; the Host's
 * home lock lets one win and the other exits, and both connects just keep retrying the socket.
 */
export function startHostInBackground(home: string, env: NodeJS.ProcessEnv, startApp?: string): StartedHost {
  const [command, args] = startApp === undefined ? serveCommand(home) : [startApp, ['--background']];
  ensurePrivateDir(home);
  const logPath = path.join(home, ...HOST_LOG_PATH);
  ensurePrivateDir(path.dirname(logPath));
  ensurePrivateFile(logPath); // created 0600 and checked ours, not a planted symlink
  const { O_WRONLY, O_APPEND, O_NOFOLLOW } = fs.constants;
  const fd = fs.openSync(logPath, O_WRONLY | O_APPEND | (process.platform === 'win32' ? 0 : O_NOFOLLOW));
  let exited: number | null | undefined;
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      // Not the client's cwd: a long-lived Host should not keep the client's folder busy.
      cwd: home,
      env: startApp === undefined ? env : appEnv(home, env),
      windowsHide: true,
    });
    child.once('error', () => (exited = null));
    child.once('exit', (code) => (exited = code));
    child.unref();
  } finally {
    fs.closeSync(fd);
  }
  return { logPath, exitCode: () => exited };
}

/** This package's `airlock serve`, run by the Node running this file. */
function serveCommand(home: string): [string, string[]] {
  const bin = fileURLToPath(new URL('../../bin/airlock.js', import.meta.url));
  // The bundled connect script shipped with the desktop app has no bin/ beside it.
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing, so this airlock connect cannot start the Host itself; pass --start-app=PATH with the Airlock app's path.`);
  return [process.execPath, [bin, 'serve', '--home', home]];
}

/**
 * The app learns the home from AIRLOCK_HOME, as `airlock serve` does. ELECTRON_RUN_AS_NODE
 * (set in the environment of editors built on Electron) is dropped so the app starts as the app.
 */
function appEnv(home: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { ELECTRON_RUN_AS_NODE: _runAsNode, ...rest } = env;
  return { ...rest, AIRLOCK_HOME: home };
}
