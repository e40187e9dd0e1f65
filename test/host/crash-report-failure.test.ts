import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialCounts } from '../../src/engine/gate/response-credentials.js';
import {
  buildCrashReport,
  crashSummary,
  keepComponentFailure,
  listCrashReports,
  recordComponentFailure,
  recordCrash,
} from '../../src/host/crash-report/index.js';
import { crashNoticeLine } from '../../src/host/crash-report/crash-notice.js';
import { CrashReportSchema, crashReportText } from '../../src/shared/host-api/index.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * A part of Airlock that fails while the process lives on (the audit worker dies, and the Host
 * refuses calls from then on) keeps the same scrubbed report as a crash, marked `failure`.
 */

const DAY = 24 * 60 * 60 * 1000;
const SERVER = 'qacme-private-tools';
const USER = 'qalice';
const USER_HOME = '/home/qalice';
// Built at run time, so no credential-shaped literal sits in this file.
const TOKEN = ['gh', 'p_', 'F4ke'.repeat(9)].join('');

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-crash-failure-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

const clock = (iso: string) => () => new Date(iso);

/** What the audit worker's 'error' event carries: an Error thrown inside the thread, with its stack. */
function workerError(words = 'database disk image is malformed'): Error {
  const error = new TypeError(`${words} writing ${home}/audit.db for ${USER} in ${USER_HOME} on "${SERVER}" with ${TOKEN} and {"path":"/etc/passwd"}`);
  error.stack = `TypeError: ${error.message}\n    at commit (/work/main/dist/host/audit-worker.js:40:12)\n    at MessagePort.<anonymous> (/work/main/dist/host/audit-worker.js:20:5)\n    at node:internal/event_target:1:1`;
  return error;
}

const context = (now = '2026-11-01T10:00:00.000Z') => ({
  component: 'audit-worker' as const,
  serverNames: [SERVER],
  userHome: USER_HOME,
  userName: USER,
  packageRoot: '/work/main',
  store: { now: clock(now) },
});

describe('a component failure the process lived through', () => {
  it('keeps a 0600 report with the component and kind failure, scrubbed like a crash', () => {
    const report = recordComponentFailure(home, workerError(), context());
    const file = path.join(home, 'crash-reports', `${report.id}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const bytes = fs.readFileSync(file, 'utf8');
    expect(bytes).toBe(crashReportText(report));
    expect(CrashReportSchema.parse(JSON.parse(bytes))).toMatchObject({ component: 'audit-worker', kind: 'failure', count: 1, error: { class: 'TypeError' } });
    for (const leak of [home, tmp.dir, USER_HOME, USER, SERVER, TOKEN, '/etc/passwd']) expect(bytes).not.toContain(leak);
    expect(credentialCounts(bytes).size).toBe(0);
    expect(report.error.message).toBe('database disk image is malformed writing <airlock-home>/<path> for <user> in ~ on <value> with <secret> and <value>');
    expect(report.error.stack).toEqual([
      { function: 'commit', at: 'dist/host/audit-worker.js:40:12' },
      { function: 'MessagePort.<anonymous>', at: 'dist/host/audit-worker.js:20:5' },
      { function: null, at: '<node>' },
    ]);
  });

  it("keeps what a real worker thread's 'error' event carries, scrubbed", async () => {
    // An exception inside a thread reaches the parent as a copy: class, message and stack survive.
    const worker = new Worker(`throw new RangeError('cannot write ' + ${JSON.stringify(home)} + '/audit.db for ${SERVER}')`, { eval: true });
    const error = await new Promise<Error>((resolve) => worker.once('error', resolve));
    const report = recordComponentFailure(home, error, { component: 'audit-worker', serverNames: () => [SERVER] });
    expect(report).toMatchObject({ component: 'audit-worker', kind: 'failure', error: { class: 'RangeError', message: 'cannot write <airlock-home>/<path> for <server>' } });
    expect(report.error.stack.length).toBeGreaterThan(0);
  });

  it('counts the same failure within 30 days instead of writing it again, and writes a new one after', () => {
    const first = recordComponentFailure(home, workerError('first words'), context('2026-11-01T10:00:00.000Z'));
    const again = recordComponentFailure(home, workerError('other words'), context('2026-11-29T10:00:00.000Z'));
    expect(again).toEqual({ ...first, count: 2, lastSeen: '2026-11-29T10:00:00.000Z' });
    expect(listCrashReports(home)).toHaveLength(1);
    const later = new Date(Date.parse(first.firstSeen) + 30 * DAY).toISOString();
    expect(recordComponentFailure(home, workerError('new words'), context(later))).toMatchObject({ id: first.id, count: 1, firstSeen: later });
  });

  it('is a report of its own beside a crash with the same stack, and a crash keeps no kind field', () => {
    const failure = recordComponentFailure(home, workerError(), context());
    const { store, serverNames, ...crashContext } = context();
    const crash = recordCrash(home, buildCrashReport(workerError(), { ...crashContext, serverNames }), store);
    expect(crash.id).not.toBe(failure.id);
    expect('kind' in crash).toBe(false);
    expect(crashSummary(home)).toMatchObject({ reports: 2, crashes: 1, failures: 1 });
  });

  it('gives the line to log: where to see the report, or why it could not be kept, never a throw', () => {
    const line = keepComponentFailure(home, workerError(), context());
    const [report] = listCrashReports(home);
    expect(line).toBe(`audit-worker failed while Airlock kept running; a report was kept on this computer (nothing was sent). See it with: airlock crash-reports show ${report!.id}`);
    expect(keepComponentFailure(home, workerError(), context('2026-11-02T10:00:00.000Z'))).toBe(
      `audit-worker failed the same way as before (2 times since 2026-11-01T10:00:00.000Z); see it with: airlock crash-reports show ${report!.id}`,
    );
    const names = () => {
      throw new Error('the registry is gone');
    };
    expect(keepComponentFailure(home, workerError(), { ...context(), serverNames: names })).toBe('audit-worker failed, and Airlock could not keep a report of it: the registry is gone');
    fs.writeFileSync(path.join(tmp.dir, 'file'), '');
    expect(keepComponentFailure(path.join(tmp.dir, 'file'), workerError(), context())).toMatch(/^audit-worker failed, and Airlock could not keep a report of it: /);
  });

  it('is not called a crash at the next start, nor by crash-reports list', () => {
    recordComponentFailure(home, workerError(), context());
    expect(crashNoticeLine(home)).toBe('A part of Airlock failed 1 time since 2026-11-01 (Airlock kept running): see it with `airlock crash-reports show` (kept on this computer; nothing is sent unless you send it)');
    const list = runCli(['--home', home, 'crash-reports', 'list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('audit-worker failed (Airlock kept running): TypeError: ');
    expect(list.stdout).not.toContain('crashed');

    recordCrash(home, buildCrashReport(new Error('boom'), { component: 'host' }), { now: clock('2026-11-03T10:00:00.000Z') });
    expect(crashNoticeLine(home)).toBe(
      'Airlock crashed 1 time, and a part of it failed 1 time while it kept running, since 2026-11-01: see it with `airlock crash-reports show` (kept on this computer; nothing is sent unless you send it)',
    );
    expect(runCli(['--home', home, 'crash-reports', 'list']).stdout).toContain('host crashed: Error: boom');
  });

  it('reads a report written before the kind field existed as a crash, byte for byte', () => {
    const report = recordCrash(home, buildCrashReport(new Error('boom'), { component: 'host' }));
    const old = `${JSON.stringify({ ...report }, null, 2)}\n`;
    expect(old).not.toContain('"kind"');
    expect(crashReportText(CrashReportSchema.parse(JSON.parse(old)))).toBe(old);
  });
});
