import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { builtinModules } from 'node:module';
import { DEMO_TOOLS, startAirlockHome } from '../e2e/airlock-harness.js';
import { ensureConnectBundle } from '../support/connect-bundle.js';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * The connect script the desktop app ships (out/connect/airlock-connect.mjs), run as client
 * configs run it: with the user's Node, no node_modules beside it.
 */

let bundle: string;
beforeAll(() => {
  bundle = ensureConnectBundle();
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const demoNames = DEMO_TOOLS.map((t) => (t as { name: string }).name).sort();

describe('the bundled connect script', () => {
  it('prints the connect usage on --help, with or without the "connect" word', () => {
    for (const args of [['--help'], ['connect', '--help']]) {
      const result = spawnSync(process.execPath, [bundle, ...args], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Usage: airlock connect NAME .*--start-app=PATH/);
      expect(result.stderr).toBe('');
    }
  });

  it('imports nothing but node builtins', () => {
    const code = fs.readFileSync(bundle, 'utf8');
    const specifiers = [
      ...code.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*["']([^"']+)["']/gm),
      ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
      ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g),
      ...code.matchAll(/\brequire\s*\(\s*["']([^"']+)["']\s*\)/g),
    ].map((match) => match[1]!);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      expect(specifier).toMatch(/^node:/);
      expect(builtinModules).toContain(specifier.slice('node:'.length));
    }
    // Nothing loaded at run time by a computed name either.
    expect(code).not.toMatch(/\bimport\s*\(\s*[^"'\s)]/);
    expect(code).not.toMatch(/\brequire\s*\(/);
  });

  it('relays a real MCP session through a running Host, from a folder with no node_modules', async () => {
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('demo', demoServer(tools.file), { approve: true });
    // A copy alone in a folder, as in the app's resources folder.
    const resources = path.join(airlock.dir, 'Resources');
    fs.mkdirSync(resources);
    fs.copyFileSync(bundle, path.join(resources, 'airlock-connect.mjs'));
    const client = await connectSdk1(process.execPath, [path.join(resources, 'airlock-connect.mjs'), 'connect', `--home=${airlock.home}`, '--no-autostart', 'demo']);
    cleanups.push(() => client.close());
    expect((await client.client.listTools()).tools.map((t) => t.name).sort()).toEqual(demoNames);
    const echoed = await client.client.callTool({ name: 'echo', arguments: { message: 'through the bundle' } });
    expect(JSON.stringify(echoed.content)).toContain('through the bundle');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// The fake app is a shell script; Windows cannot run one as an executable.
describe.skipIf(process.platform === 'win32')('connect --start-app, when no Host is running', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  let app: string;
  let appArgs: string;

  beforeEach(() => {
    tmp = makeTempDir('airlock-start-app-');
  });
  afterEach(async () => {
    // The Host the fake app started runs detached; its lock names its pid. Stop it, wait for it.
    let pid: number | undefined;
    try {
      pid = (JSON.parse(fs.readFileSync(path.join(home, 'host.lock'), 'utf8')) as { pid: number }).pid;
      process.kill(pid, 'SIGTERM');
    } catch {
      pid = undefined;
    }
    for (let waited = 0; pid !== undefined && waited < 10_000 && isAlive(pid); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    tmp.cleanup();
  });

  function makeFakeApp(): void {
    home = path.join(tmp.dir, 'home');
    appArgs = path.join(tmp.dir, 'app-args.txt');
    app = path.join(tmp.dir, 'Airlock.app', 'Contents', 'MacOS', 'Airlock');
    fs.mkdirSync(path.dirname(app), { recursive: true });
    // Stands in for the desktop app: with --background it runs the headless Host for the home
    // it is given in AIRLOCK_HOME, with no window.
    fs.writeFileSync(
      app,
      [
        '#!/bin/sh',
        `printf '%s\\n' "$*" > ${JSON.stringify(appArgs)}`,
        '[ "$1" = "--background" ] || { echo "the app was not asked for --background: $*" >&2; exit 64; }',
        `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(AIRLOCK_BIN)} serve --home "$AIRLOCK_HOME"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
  }

  it('starts the app with --background, and a real MCP session reaches the Host it started', async () => {
    makeFakeApp();
    const toolsFile = path.join(tmp.dir, 'tools.json');
    fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
    const demo = demoServer(toolsFile);
    const added = runCli(['servers', 'add', 'demo', '--home', home, '--approve', '--', demo.command, ...demo.args]);
    expect(added.stderr).toBe('');
    expect(fs.existsSync(path.join(home, 'host.lock'))).toBe(false);

    const client = await connectSdk1(process.execPath, [bundle, 'connect', `--start-app=${app}`, `--home=${home}`, 'demo']);
    try {
      expect((await client.client.listTools()).tools.map((t) => t.name).sort()).toEqual(demoNames);
      const echoed = await client.client.callTool({ name: 'echo', arguments: { message: 'via the app' } });
      expect(JSON.stringify(echoed.content)).toContain('via the app');
    } finally {
      await client.close();
    }
    expect(fs.readFileSync(appArgs, 'utf8')).toBe('--background\n');
    // The app's output went to the home's Host log, as `airlock serve`'s does.
    expect(fs.statSync(path.join(home, 'logs', 'host.log')).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(path.join(home, 'logs', 'host.log'), 'utf8')).toContain(`Airlock host for ${home} listening`);
    const lock = JSON.parse(fs.readFileSync(path.join(home, 'host.lock'), 'utf8')) as { pid: number };
    expect(isAlive(lock.pid)).toBe(true);
  });

  it('when the app fails to start the Host, says so, names its log and how to open the app', () => {
    makeFakeApp();
    fs.writeFileSync(app, '#!/bin/sh\necho "cannot start" >&2\nexit 3\n', { mode: 0o755 });
    const result = spawnSync(process.execPath, [bundle, 'connect', 'demo', `--start-app=${app}`, `--home=${home}`], {
      input: `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize' })}\n`,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const message = (JSON.parse(result.stdout) as { error: { message: string } }).error.message;
    expect(message).toBe(
      `Airlock is not running for home ${home}: the Host started in the background did not open its socket within 4 s (it exited with code 3). See ${path.join(home, 'logs', 'host.log')}, or start it yourself by opening the Airlock app (${app})`,
    );
    expect(fs.readFileSync(path.join(home, 'logs', 'host.log'), 'utf8')).toBe('cannot start\n');
  });
});
