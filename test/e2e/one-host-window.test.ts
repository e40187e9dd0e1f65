import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from './airlock-harness.js';

/**
 * One Host, one window (issue 13): every Host serves the window however it started, `airlock
 * open` attaches to it, `airlock stop` stops it, and `serve --open` with a Host running opens
 * that Host's window instead of failing. Real processes; the browser is a script that records
 * what it was handed.
 */

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A home with one server, and a fake browser that writes down the file it is asked to open. */
function setup(): { home: string; env: NodeJS.ProcessEnv; opened: () => string | undefined } {
  const { dir, cleanup } = makeTempDir('airlock-one-host-');
  const home = path.join(dir, 'home');
  const toolsFile = path.join(dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  const demo = demoServer(toolsFile);
  expect(runCli(['servers', 'add', 'demo', '--home', home, '--approve', '--', demo.command, ...demo.args]).status).toBe(0);
  const record = path.join(dir, 'opened.txt');
  const browser = path.join(dir, 'fake-browser');
  fs.writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(record)}\n`, { mode: 0o755 });
  cleanups.push(cleanup);
  // Whatever a test leaves running is stopped, as a user would.
  cleanups.push(() => runCli(['stop', '--home', home]));
  return { home, env: { AIRLOCK_BROWSER: browser }, opened: () => (fs.existsSync(record) ? fs.readFileSync(record, 'utf8') : undefined) };
}

/** The address the forwarding page hands the browser, and the page it serves with the token. */
async function checkWindow(home: string, url: string): Promise<void> {
  const match = /^(http:\/\/127\.0\.0\.1:\d+)\/#token=([0-9a-f]{64})$/.exec(url);
  expect(match, url).not.toBeNull();
  const [, origin, token] = match!;
  expect(token).toBe(fs.readFileSync(path.join(home, 'control-token'), 'utf8').trim());
  const page = await fetch(`${origin}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<div id="root"></div>');
  const rpc = await fetch(`${origin}/v1/rpc`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ method: 'status', params: {} }) });
  expect(rpc.status).toBe(200);
  expect(((await rpc.json()) as { ok: boolean }).ok).toBe(true);
}

function forwardedUrl(file: string): string {
  const url = /url=([^"]+)"/.exec(fs.readFileSync(file, 'utf8'))?.[1]?.replace(/&amp;/g, '&');
  expect(url).toBeDefined();
  return url!;
}

// The fake browser is a shell script; Windows cannot run one as a program.
describe.skipIf(process.platform === 'win32')('one Host, one window', () => {
  it('serves the window from the Host that connect started in the background: ui-url prints an address that serves the page', async () => {
    const { home } = setup();
    const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home]);
    cleanups.push(() => client.close());
    await client.client.listTools();
    const uiUrl = runCli(['ui-url', '--home', home]);
    expect(uiUrl.stderr).toBe('');
    expect(uiUrl.status).toBe(0);
    await checkWindow(home, uiUrl.stdout.trim());
    // The same guards as `serve --port` (SECURITY invariants 12 and 17): loopback only, the home's 0600 token, no foreign Host or Origin.
    expect(fs.statSync(path.join(home, 'control-token')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(home, 'control-endpoint.json')).mode & 0o777).toBe(0o600);
    const origin = /^(http:\/\/127\.0\.0\.1:\d+)\//.exec(uiUrl.stdout)?.[1];
    expect(origin).toBeDefined();
    expect((await fetch(`${origin}/v1/status`)).status).toBe(401);
    const token = fs.readFileSync(path.join(home, 'control-token'), 'utf8').trim();
    expect((await fetch(`${origin}/v1/status`, { headers: { authorization: `Bearer ${token}`, origin: 'http://evil.example' } })).status).toBe(403);
    const foreignHost = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`${origin}/v1/status`, { headers: { host: 'evil.example', authorization: `Bearer ${token}` } }, (response) => resolve(response.resume().statusCode)).on('error', reject);
    });
    expect(foreignHost).toBe(403);
  });

  it('opens the running Host\'s window with `airlock open`, through the forwarding page, never the token on a command line', async () => {
    const { home, env, opened } = setup();
    const serve = spawnCli(['serve', '--home', home]);
    cleanups.push(() => serve.child.kill('SIGKILL'));
    await serve.linesOut(2);
    const open = runCli(['open', '--home', home], env);
    expect(open.stderr).toBe('');
    expect(open.status).toBe(0);
    expect(open.stdout).toMatch(new RegExp(`^The Airlock host for .* \\(pid ${serve.child.pid}\\): opened its window in your browser \\(http://127\\.0\\.0\\.1:\\d+\\)\\.\\n$`));
    const file = await until('the browser to be opened', opened);
    expect(file).toBe(path.join(home, 'open-window.html'));
    expect(fs.statSync(file!).mode & 0o777).toBe(0o600);
    await checkWindow(home, forwardedUrl(file!));
  });

  it('starts a Host in the background when `airlock open` finds none, and `airlock stop` stops it, then says none runs', async () => {
    const { home, env, opened } = setup();
    const open = runCli(['open', '--home', home], env);
    expect(open.stderr).toBe('');
    expect(open.status).toBe(0);
    const pid = Number(/pid (\d+)/.exec(open.stdout)?.[1]);
    expect(isAlive(pid)).toBe(true);
    await checkWindow(home, forwardedUrl(await until('the browser to be opened', opened)));

    const stop = runCli(['stop', '--home', home]);
    expect(stop.stderr).toBe('');
    expect(stop.status).toBe(0);
    expect(stop.stdout).toBe(`Stopped the Airlock host for ${home} (pid ${pid}, airlock serve).\n`);
    expect(isAlive(pid)).toBe(false);
    expect(fs.existsSync(path.join(home, 'host.lock'))).toBe(false);
    expect(fs.existsSync(path.join(home, 'control-endpoint.json'))).toBe(false);
    // It finished as on Ctrl-C: the log says so.
    expect(fs.readFileSync(path.join(home, 'logs', 'host.log'), 'utf8')).toMatch(/SIGTERM: finishing in-flight calls, then stopping\n[\s\S]*stopped\n$/);

    const again = runCli(['stop', '--home', home]);
    expect(again.status).toBe(1);
    expect(again.stderr).toBe(`airlock: no Airlock host runs for ${home}; nothing to stop\n`);
    expect(runCli(['ui-url', '--home', home]).stderr).toMatch(/airlock open/);
  });

  it('lets two `airlock open` at once on a fresh home agree on one Host', async () => {
    const { home, env } = setup();
    const [a, b] = [spawnCli(['open', '--home', home], { env }), spawnCli(['open', '--home', home], { env })];
    expect([await a.exited, await b.exited], a.stderr() + b.stderr()).toEqual([0, 0]);
    const pids = [a, b].map((run) => /\(pid (\d+)\)/.exec(run.stdout().toString())?.[1]);
    expect(pids[0]).toBeDefined();
    expect(pids[1]).toBe(pids[0]);
  });

  it('opens the running Host\'s window on `serve --open` instead of failing: one line, exit 0, never "a bug"', async () => {
    const { home, env, opened } = setup();
    const serve = spawnCli(['serve', '--home', home]);
    cleanups.push(() => serve.child.kill('SIGKILL'));
    await serve.linesOut(2);
    const second = runCli(['serve', '--open', '--home', home], env);
    expect(second.stderr).toBe('');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^An Airlock host already runs for .* \\(pid ${serve.child.pid}\\): opened its window in your browser \\(http://127\\.0\\.0\\.1:\\d+\\)\\.\\n$`));
    await checkWindow(home, forwardedUrl(await until('the browser to be opened', opened)));
    expect(isAlive(serve.child.pid!)).toBe(true);

    // Without --open it names the Host and the ways on, still no "bug".
    const plain = runCli(['serve', '--home', home]);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/in use by pid \d+ \(airlock serve\), a running Airlock host\. Open its window with: airlock open; stop it with: airlock stop; or take over with: airlock serve --replace/);
    expect(plain.stderr).not.toMatch(/bug/i);
  });

  it('takes over with `serve --replace`, on the same port, so an open window finds the new Host where it was', async () => {
    const { home } = setup();
    const first = spawnCli(['serve', '--home', home]);
    cleanups.push(() => first.child.kill('SIGKILL'));
    const [, firstApi] = await first.linesOut(2);
    const replacing = spawnCli(['serve', '--replace', '--home', home]);
    cleanups.push(() => replacing.child.kill('SIGKILL'));
    expect(await first.exited).toBe(0);
    const lines = await replacing.linesOut(3);
    expect(lines[0]).toMatch(new RegExp(`^Stopping the Airlock host already running for .* \\(pid ${first.child.pid}, airlock serve\\)`));
    const port = (line: string | undefined) => /127\.0\.0\.1:(\d+)/.exec(line ?? '')?.[1];
    expect(port(lines[2])).toBe(port(firstApi));
    await until('the endpoint of the new Host', () => (runCli(['ui-url', '--home', home]).stdout.includes(`:${port(firstApi)}/`) ? true : undefined));
    replacing.child.kill('SIGTERM');
    expect(await replacing.exited).toBe(0);
  });
});

describe.skipIf(process.platform === 'win32')('airlock stop and the desktop app', () => {
  it('refuses to signal a Host that is not `airlock serve`, and says how to quit it', async () => {
    const { findRunningHost, stopRunningHost } = await import('../../src/cli/running-host.js');
    const { Host } = await import('../../src/host/host.js');
    const { dir, cleanup } = makeTempDir('airlock-app-stop-');
    cleanups.push(cleanup);
    const home = path.join(dir, 'home');
    // The desktop app's Host, as its main process starts it (the kind is what the lock records).
    const host = await Host.start({ home, kind: 'desktop app' });
    cleanups.push(() => host.stop());
    const running = await findRunningHost(home);
    expect(running).toMatchObject({ pid: process.pid, kind: 'desktop app', endpoint: undefined });
    await expect(stopRunningHost(running!)).rejects.toThrow(/is the desktop app \(pid \d+\): quit it from its tray menu \(Quit\)/);
    // Not runCli: its spawnSync would freeze the Host living in this process.
    const open = spawnCli(['open', '--home', home]);
    expect(await open.exited).toBe(1);
    expect(open.stderr()).toMatch(/\(pid \d+, desktop app\) serves no window in a browser; open its window from its tray/);
  });
});
