import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialCounts } from '../../src/engine/gate/response-credentials.js';
import { CrashReportSchema } from '../../src/shared/host-api/index.js';
import { runCli } from '../support/run-cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * A real `airlock serve` that crashes (the test-only AIRLOCK_TEST_CRASH trigger throws from the
 * Host's event loop with the home path, the user's home, a server name, a credential and JSON
 * arguments in its message): one scrubbed report, a non-zero exit, a line at the next start, and
 * the crash-reports commands.
 */

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let userHome: string;
const SERVER = 'qacme-private-tools';
beforeEach(() => {
  tmp = makeTempDir('airlock-crash-cli-');
  home = path.join(tmp.dir, 'home');
  userHome = path.join(tmp.dir, 'userhome');
  fs.mkdirSync(userHome);
  expect(runCli(['servers', 'add', SERVER, '--home', home, '--', 'node', 'server.js']).status).toBe(0);
});
afterEach(() => tmp.cleanup());

const env = () => ({ HOME: userHome });

async function crashServe(mode: string): Promise<{ code: number | null; stderr: string }> {
  const serve = spawnCli(['--home', home, 'serve', '--no-watch-clients', '--no-mcp-endpoint'], { env: { ...env(), AIRLOCK_TEST_CRASH: mode } });
  const code = await serve.exited;
  return { code, stderr: serve.stderr() };
}

function reportFiles(): string[] {
  const dir = path.join(home, 'crash-reports');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('airlock serve crashes', () => {
  it('keeps one scrubbed 0600 report, still exits non-zero with the error, and counts the same crash again', async () => {
    const first = await crashServe('1');
    expect(first.code).not.toBe(0);
    expect(first.code).not.toBeNull();
    // Node still prints the crash itself: nothing was swallowed.
    expect(first.stderr).toContain('SyntaxError');
    expect(first.stderr).toMatch(/Airlock crashed and kept a report on this computer \(nothing was sent\)\. See it with: airlock crash-reports show [0-9a-f]{16}/);
    const files = reportFiles();
    expect(files).toHaveLength(1);
    const file = path.join(home, 'crash-reports', files[0]!);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const bytes = fs.readFileSync(file, 'utf8');
    const report = CrashReportSchema.parse(JSON.parse(bytes));
    expect(report).toMatchObject({ component: 'host', count: 1, error: { class: 'SyntaxError' } });
    for (const leak of [home, userHome, tmp.dir, SERVER, 'hunter2', 'password']) expect(bytes).not.toContain(leak);
    expect(credentialCounts(bytes).size).toBe(0);
    expect(report.error.message).toContain('Unexpected token in JSON at position 5: <value>');
    expect(report.error.message).toContain('<airlock-home>/<path>');
    expect(report.error.message).toContain('<secret>');
    // Frames inside Airlock's package are relative to it.
    expect(report.error.stack.some((f) => /^dist\/host\/crash-report\/test-crash\.js:\d+:\d+$/.test(f.at))).toBe(true);

    const second = await crashServe('rejection');
    expect(second.code).not.toBe(0);
    expect(reportFiles()).toHaveLength(1);
    expect(CrashReportSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).count).toBe(2);
  });

  it('the next start says so in one line; show, save and delete work on the report, and nothing else changes', async () => {
    await crashServe('1');
    const serve = spawnCli(['--home', home, 'serve', '--no-watch-clients', '--no-mcp-endpoint'], { env: env() });
    let lines: string[] = [];
    for (let n = 1; !lines.some((l) => l.startsWith('Airlock crashed')); n++) lines = await serve.linesOut(n);
    expect(lines.filter((l) => l.startsWith('Airlock crashed'))).toEqual([expect.stringMatching(/^Airlock crashed 1 time since \d{4}-\d{2}-\d{2}: see it with `airlock crash-reports show`/)]);
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);

    const [id] = reportFiles().map((f) => f.replace(/\.json$/, ''));
    const bytes = fs.readFileSync(path.join(home, 'crash-reports', `${id}.json`), 'utf8');
    const list = runCli(['--home', home, 'crash-reports', 'list'], env());
    expect(list.stdout).toContain(`${id}  1×`);
    // show prints exactly what is kept (and would be shared), with or without the id or a prefix of it.
    expect(runCli(['--home', home, 'crash-reports', 'show'], env()).stdout).toBe(bytes);
    expect(runCli(['--home', home, 'crash-reports', 'show', id!.slice(0, 6)], env()).stdout).toBe(bytes);
    const unknown = runCli(['--home', home, 'crash-reports', 'show', 'ffff0000ffff0000'], env());
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('there is no crash report "ffff0000ffff0000"');

    const saved = path.join(tmp.dir, 'report.json');
    expect(runCli(['--home', home, 'crash-reports', 'save', id!, saved], env()).status).toBe(0);
    expect(fs.readFileSync(saved, 'utf8')).toBe(bytes);
    const again = runCli(['--home', home, 'crash-reports', 'save', id!, saved], env());
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already exists');

    expect(runCli(['--home', home, 'crash-reports', 'delete', id!], env()).stdout).toBe(`Deleted crash report ${id}.\n`);
    expect(reportFiles()).toEqual([]);
    expect(runCli(['--home', home, 'crash-reports', 'list'], env()).stdout).toContain('No crash reports');
  });

  it('delete --all removes every report; the help says nothing is ever sent', () => {
    const dir = path.join(home, 'crash-reports');
    fs.mkdirSync(dir, { mode: 0o700 });
    for (const id of ['0123456789abcdef', 'fedcba9876543210']) fs.writeFileSync(path.join(dir, `${id}.json`), '{}', { mode: 0o600 });
    expect(runCli(['--home', home, 'crash-reports', 'delete', '--all'], env()).stdout).toBe('Deleted 2 crash reports.\n');
    expect(fs.readdirSync(dir)).toEqual([]);
    const help = runCli(['crash-reports', '--help'], env()).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('Airlock never sends a crash report anywhere');
  });
});
