import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildCrashReport,
  crashSummary,
  deleteAllCrashReports,
  deleteCrashReport,
  installCrashReporting,
  listCrashReports,
  readCrashReport,
  recordCrash,
  type BuiltCrashReport,
} from '../../src/host/crash-report/index.js';
import { crashNoticeLine } from '../../src/host/crash-report/crash-notice.js';
import { makeTempDir } from '../support/temp-dir.js';

const DAY = 24 * 60 * 60 * 1000;
let tmp: ReturnType<typeof makeTempDir>;
let home: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-crash-store-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

function crashAt(file: string, message = 'boom'): BuiltCrashReport {
  const error = new TypeError(message);
  error.stack = `TypeError: ${message}\n    at run (/work/main/dist/host/${file}:1:2)`;
  return buildCrashReport(error, { component: 'host', packageRoot: '/work/main', userHome: '/home/qalice', userName: 'qalice' });
}

const clock = (iso: string) => () => new Date(iso);

describe('crash report storage', () => {
  it('writes a 0600 report in a 0700 folder, named by its id', () => {
    const report = recordCrash(home, crashAt('a.js'), { now: clock('2026-11-01T10:00:00.000Z') });
    const file = path.join(home, 'crash-reports', `${report.id}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(home, 'crash-reports')).mode & 0o777).toBe(0o700);
    expect(report).toMatchObject({ count: 1, firstSeen: '2026-11-01T10:00:00.000Z', lastSeen: '2026-11-01T10:00:00.000Z' });
    expect(readCrashReport(home, report.id)).toEqual(report);
  });

  it('counts the same crash within 30 days instead of writing it again: only count and lastSeen change', () => {
    const first = recordCrash(home, crashAt('a.js', 'first words'), { now: clock('2026-11-01T10:00:00.000Z') });
    const again = recordCrash(home, crashAt('a.js', 'other words'), { now: clock('2026-11-20T10:00:00.000Z') });
    expect(again).toEqual({ ...first, count: 2, lastSeen: '2026-11-20T10:00:00.000Z' });
    expect(again.error.message).toBe('first words');
    expect(listCrashReports(home)).toHaveLength(1);
  });

  it('replaces a report older than 30 days with a new one', () => {
    const first = recordCrash(home, crashAt('a.js', 'first words'), { now: clock('2026-10-01T10:00:00.000Z') });
    recordCrash(home, crashAt('a.js'), { now: clock('2026-10-05T10:00:00.000Z') });
    const later = new Date(Date.parse(first.firstSeen) + 30 * DAY + 1000).toISOString();
    const replaced = recordCrash(home, crashAt('a.js', 'new words'), { now: clock(later) });
    expect(replaced).toMatchObject({ id: first.id, count: 1, firstSeen: later, lastSeen: later, error: { message: 'new words' } });
  });

  it('keeps at most the configured number of reports, dropping the one seen longest ago', () => {
    for (let i = 0; i < 5; i++) recordCrash(home, crashAt(`f${i}.js`), { now: clock(`2026-11-0${i + 1}T10:00:00.000Z`), maxReports: 3 });
    const kept = listCrashReports(home);
    expect(kept.map((r) => r.lastSeen)).toEqual(['2026-11-05T10:00:00.000Z', '2026-11-04T10:00:00.000Z', '2026-11-03T10:00:00.000Z']);
    expect(fs.readdirSync(path.join(home, 'crash-reports'))).toHaveLength(3);
  });

  it('sums the crashes for the start-up line, and deletes one or all', () => {
    expect(crashNoticeLine(home)).toBeUndefined();
    const a = recordCrash(home, crashAt('a.js'), { now: clock('2026-11-02T10:00:00.000Z') });
    recordCrash(home, crashAt('a.js'), { now: clock('2026-11-03T10:00:00.000Z') });
    recordCrash(home, crashAt('b.js'), { now: clock('2026-11-04T10:00:00.000Z') });
    expect(crashSummary(home)).toEqual({ reports: 2, crashes: 3, failures: 0, since: '2026-11-02T10:00:00.000Z' });
    expect(crashNoticeLine(home)).toBe('Airlock crashed 3 times since 2026-11-02: see it with `airlock crash-reports show` (kept on this computer; nothing is sent unless you send it)');
    expect(deleteCrashReport(home, a.id)).toBe(true);
    expect(deleteCrashReport(home, a.id)).toBe(false);
    expect(deleteAllCrashReports(home)).toBe(1);
    expect(listCrashReports(home)).toEqual([]);
  });

  it('ignores a file that is not a report it wrote, or that others can read', () => {
    const report = recordCrash(home, crashAt('a.js'));
    const file = path.join(home, 'crash-reports', `${report.id}.json`);
    fs.chmodSync(file, 0o644);
    expect(readCrashReport(home, report.id)).toBeUndefined();
    fs.chmodSync(file, 0o600);
    const doctored = { ...JSON.parse(fs.readFileSync(file, 'utf8')), extra: 'an argument value' };
    fs.writeFileSync(file, JSON.stringify(doctored));
    expect(listCrashReports(home)).toEqual([]);
  });
});

describe('the crash handler', () => {
  it('keeps a report when the process dies of an uncaught error, with the server names known then, and says so', () => {
    const events = new EventEmitter();
    const said: string[] = [];
    let servers = ['qfirstserver'];
    const reporting = installCrashReporting({ home, component: 'host', say: (l) => said.push(l), serverNames: () => servers, userHome: '/home/qalice', userName: 'qalice' }, events as never);
    servers = ['qsecondserver'];
    events.emit('uncaughtExceptionMonitor', new Error(`qfirstserver and qsecondserver failed in ${home}`), 'uncaughtException');
    const [report] = listCrashReports(home);
    expect(report?.error.message).toBe('<server> and <server> failed in <airlock-home>');
    expect(said).toEqual([`Airlock crashed and kept a report on this computer (nothing was sent). See it with: airlock crash-reports show ${report!.id}`]);
    reporting.uninstall();
    expect(events.listenerCount('uncaughtExceptionMonitor')).toBe(0);
  });

  it('never throws from the handler: a report it cannot write is said, not raised', () => {
    const events = new EventEmitter();
    const said: string[] = [];
    fs.writeFileSync(path.join(tmp.dir, 'file'), '');
    installCrashReporting({ home: path.join(tmp.dir, 'file'), component: 'host', say: (l) => said.push(l) }, events as never);
    expect(() => events.emit('uncaughtExceptionMonitor', new Error('x'), 'uncaughtException')).not.toThrow();
    expect(said[0]).toMatch(/^Airlock crashed and could not keep a crash report: /);
  });
});
