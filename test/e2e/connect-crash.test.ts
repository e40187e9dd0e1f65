import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialCounts } from '../../src/engine/gate/response-credentials.js';
import { CrashReportSchema, type CrashReport } from '../../src/shared/host-api/index.js';
import { ensureConnectBundle } from '../support/connect-bundle.js';
import { demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS, startAirlockHome } from './airlock-harness.js';

/**
 * A real `airlock connect` that crashes (the test-only AIRLOCK_TEST_CRASH trigger throws with the
 * home path, the user's home and name, the server NAME, a credential and JSON arguments in its
 * message), run as client configs run it: the bundled script the desktop app installs, and the
 * package's bin/airlock.js that `airlock clients install` writes. It keeps one scrubbed report,
 * says one line on stderr, writes nothing but MCP on stdout, and still exits 1.
 */

const SERVER = 'qacme-private-tools';
const CRASH_LINE =
  /^airlock connect: Airlock crashed (?:and kept a report on this computer \(nothing was sent\)\. See it|the same way as before \(\d+ times since [0-9TZ:.-]+\); see it) with: airlock crash-reports show ([0-9a-f]{16})$/;

let bundle: string;
beforeAll(() => {
  bundle = ensureConnectBundle();
});

let tmp: ReturnType<typeof makeTempDir>;
let userHome: string;
const cleanups: Array<() => unknown> = [];
beforeEach(() => {
  tmp = makeTempDir('airlock-connect-crash-');
  userHome = path.join(tmp.dir, 'userhome');
  fs.mkdirSync(userHome);
});
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
  tmp.cleanup();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs connect as a client does: stdin stays open (a client keeps it so) until connect exits. */
function runConnect(command: string[], home: string, mode: string, input = ''): Promise<Run> {
  const child = spawn(process.execPath, [...command, 'connect', `--home=${home}`, '--no-autostart', SERVER], {
    env: { PATH: process.env.PATH, HOME: userHome, AIRLOCK_TEST_CRASH: mode },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.on('error', () => {});
  if (input) child.stdin.write(input);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    }),
  );
}

/** The one report kept, checked: 0600, the strict schema, nothing of this machine or this session in it. */
function keptReport(home: string, run: Run): { report: CrashReport; bytes: string } {
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('airlock connect: Airlock crashed'));
  expect(lines).toHaveLength(1);
  const id = CRASH_LINE.exec(lines[0]!)?.[1];
  expect(id).toBeDefined();
  const dir = path.join(home, 'crash-reports');
  expect(fs.readdirSync(dir)).toEqual([`${id}.json`]);
  const file = path.join(dir, `${id}.json`);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const bytes = fs.readFileSync(file, 'utf8');
  for (const leak of [home, userHome, tmp.dir, SERVER, 'hunter2', 'password']) expect(bytes).not.toContain(leak);
  expect(credentialCounts(bytes).size).toBe(0);
  const report = CrashReportSchema.parse(JSON.parse(bytes));
  expect(report.error.message).toContain('<airlock-home>/<path>');
  expect(report.error.message).toContain('<secret>');
  // The CLI reads it through the strict schema and shows the very bytes connect wrote.
  expect(runCli(['--home', home, 'crash-reports', 'show', report.id], { HOME: userHome }).stdout).toBe(bytes);
  return { report, bytes };
}

describe('airlock connect crashes', () => {
  it('the bundled script keeps a scrubbed 0600 report (component connect), says one line, writes nothing on stdout, exits 1, and counts it again', async () => {
    // A copy alone in a folder, as in the app's resources folder.
    const resources = path.join(tmp.dir, 'Resources');
    fs.mkdirSync(resources);
    fs.copyFileSync(bundle, path.join(resources, 'airlock-connect.mjs'));
    const home = path.join(tmp.dir, 'home');

    const first = await runConnect([path.join(resources, 'airlock-connect.mjs')], home, '1');
    expect(first.code).toBe(1);
    expect(first.stdout).toBe('');
    // Node still prints the crash itself: nothing was swallowed.
    expect(first.stderr).toContain('SyntaxError');
    const { report } = keptReport(home, first);
    expect(report).toMatchObject({ component: 'connect', count: 1, error: { class: 'SyntaxError' } });
    expect('kind' in report).toBe(false);
    // Its frames are places in the one bundled file, wherever it was put.
    expect(report.error.stack.some((f) => /^airlock-connect\.mjs:\d+:\d+$/.test(f.at))).toBe(true);

    const second = await runConnect([path.join(resources, 'airlock-connect.mjs')], home, 'rejection');
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(keptReport(home, second).report).toMatchObject({ id: report.id, component: 'connect', count: 2 });
  });

  it('bin/airlock.js connect keeps the same report, its frames relative to the package', async () => {
    const home = path.join(tmp.dir, 'home');
    const run = await runConnect([AIRLOCK_BIN], home, '1');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const { report } = keptReport(home, run);
    expect(report).toMatchObject({ component: 'connect', count: 1, error: { class: 'SyntaxError' } });
    expect(report.error.stack.some((f) => /^dist\/host\/crash-report\/test-crash\.js:\d+:\d+$/.test(f.at))).toBe(true);
  });

  it('a crash while relaying names connect-relay, and stdout carries only the MCP messages relayed before it', async () => {
    const airlock = await startAirlockHome();
    cleanups.push(() => airlock.close());
    airlock.addServer(SERVER, demoServer(airlock.toolsFile({ tools: DEMO_TOOLS }).file), { approve: true });
    const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'crash-test', version: '1.0.0' } } };
    const run = await runConnect([bundle], airlock.home, 'relay', `${JSON.stringify(initialize)}\n`);
    expect(run.code).toBe(1);
    for (const line of run.stdout.split('\n').filter((l) => l !== '')) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(keptReport(airlock.home, run).report).toMatchObject({ component: 'connect-relay', count: 1 });
  });
});
