import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/temp-dir.js';

/** `npm start` (scripts/start.mjs) on a machine where Electron's binary could not be downloaded, as here. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NO_ELECTRON = 'No Electron runtime on this machine (its binary could not be downloaded); starting the headless Airlock host with the window in your browser instead.';

/** Whether this checkout has an Electron binary (start.mjs would then start the app instead). */
function hasElectron(): boolean {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return true;
  try {
    const relative = fs.readFileSync(path.join(ROOT, 'node_modules', 'electron', 'path.txt'), 'utf8').trim();
    return fs.existsSync(path.join(ROOT, 'node_modules', 'electron', 'dist', relative));
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 45_000): Promise<T> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

// The fake browser is a shell script; Windows cannot run one as a program.
describe.skipIf(hasElectron() || process.platform === 'win32')('npm start without an Electron runtime', () => {
  it('says so in one line, serves the window, opens it in the browser through a file, and stops with exit 0 on Ctrl-C', async () => {
    const { dir, cleanup } = makeTempDir('airlock-start-');
    cleanups.push(cleanup);
    const home = path.join(dir, 'home');
    const opened = path.join(dir, 'opened.txt');
    const browser = path.join(dir, 'fake-browser');
    // Records what it was asked to open, as a browser would be handed it.
    fs.writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`, { mode: 0o755 });

    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, AIRLOCK_HOME: home, AIRLOCK_BROWSER: browser },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    cleanups.push(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    const target = await until('the browser to be opened', () => (fs.existsSync(opened) ? fs.readFileSync(opened, 'utf8') : undefined));
    // A file in the home, never the address with the token on a command line.
    expect(target).toBe(path.join(home, 'open-window.html'));
    const token = fs.readFileSync(path.join(home, 'control-token'), 'utf8').trim();
    expect(target).not.toContain(token);
    const page = fs.readFileSync(target, 'utf8');
    const address = /url=(http:\/\/127\.0\.0\.1:\d+)\/#token=/.exec(page)?.[1];
    expect(address).toBeDefined();

    const response = await fetch(`${address}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<div id="root"></div>');

    expect(stdout.split('\n')[0]).toBe(NO_ELECTRON);
    expect(stdout.split(NO_ELECTRON)).toHaveLength(2); // said once
    const pid = Number(/\(pid (\d+)\)/.exec(stdout)?.[1]);
    expect(isAlive(pid)).toBe(true);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/SIGINT: finishing in-flight calls, then stopping\n.*stopped\n$/);
    expect(isAlive(pid)).toBe(false);
    expect(stderr).toBe('');
  });

  it('opens the window of a Host already running on the home (started by a client) and exits 0, instead of failing', async () => {
    const { dir, cleanup } = makeTempDir('airlock-start-running-');
    cleanups.push(cleanup);
    const home = path.join(dir, 'home');
    const opened = path.join(dir, 'opened.txt');
    const browser = path.join(dir, 'fake-browser');
    fs.writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(opened)}\n`, { mode: 0o755 });
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, AIRLOCK_HOME: home, AIRLOCK_BROWSER: browser };
    // The background Host `airlock connect` starts: `airlock serve --home HOME`, no --open.
    const running = spawn(process.execPath, [path.join(ROOT, 'bin', 'airlock.js'), 'serve', '--home', home], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const runningExited = new Promise<number | null>((resolve) => running.once('close', (code) => resolve(code)));
    cleanups.push(() => {
      if (running.exitCode === null) running.kill('SIGKILL');
    });
    await until('the background Host to serve its window', () => (fs.existsSync(path.join(home, 'control-endpoint.json')) ? true : undefined));

    const start = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    start.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    start.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await new Promise<number | null>((resolve) => start.once('close', (code) => resolve(code)))).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toBe(`${NO_ELECTRON}\nAn Airlock host already runs for ${home} (pid ${running.pid}): opened its window in your browser (${JSON.parse(fs.readFileSync(path.join(home, 'control-endpoint.json'), 'utf8')).url}).\n`);
    expect(await until('the browser to be opened', () => (fs.existsSync(opened) ? fs.readFileSync(opened, 'utf8') : undefined))).toBe(path.join(home, 'open-window.html'));
    expect(isAlive(running.pid!)).toBe(true);
    running.kill('SIGTERM');
    expect(await runningExited).toBe(0);
  });
});
