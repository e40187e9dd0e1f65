import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installConnectCrashReporting, plainCrashReportText } from '../../src/cli/connect-crash.js';
import { buildCrashReport, listCrashReports, recordComponentFailure } from '../../src/host/crash-report/index.js';
import { CrashReportSchema, crashReportText } from '../../src/shared/host-api/index.js';
import { makeTempDir } from '../support/temp-dir.js';

/** `airlock connect`'s crash handler, driven by a fake of the process's crash events. */

const SERVER = 'qacme-private-tools';
let tmp: ReturnType<typeof makeTempDir>;
let home: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-connect-crash-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

function capture(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

describe("airlock connect's crash reports", () => {
  it('name the part that was running, scrub the server name, and say one line on stderr', () => {
    const events = new EventEmitter();
    const stderr = new PassThrough();
    const said = capture(stderr);
    const reporting = installConnectCrashReporting(home, SERVER, stderr, { events: events as never });
    events.emit('uncaughtExceptionMonitor', new Error(`cannot relay ${SERVER} in ${home}`), 'uncaughtException');
    reporting.component('connect-relay');
    events.emit('uncaughtExceptionMonitor', new RangeError(`lost ${SERVER}`), 'unhandledRejection');

    const reports = listCrashReports(home);
    expect(reports.map((r) => [r.component, r.error.message]).sort()).toEqual([
      ['connect', 'cannot relay <server> in <airlock-home>'],
      ['connect-relay', 'lost <server>'],
    ]);
    const file = path.join(home, 'crash-reports', `${reports[0]!.id}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const lines = said().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.sort()).toEqual(reports.map((r) => `airlock connect: Airlock crashed and kept a report on this computer (nothing was sent). See it with: airlock crash-reports show ${r.id}`).sort());
    reporting.uninstall();
    expect(events.listenerCount('uncaughtExceptionMonitor')).toBe(0);
  });

  it('writes without zod the very bytes the strict schema gives, for a crash and for a failure', () => {
    const stack = `Error: x\n    at relay (/work/main/dist/cli/connect.js:1:2)`;
    const crash = buildCrashReport(Object.assign(new Error('x'), { stack }), { component: 'connect', packageRoot: '/work/main' });
    const report = { ...crash, count: 3, firstSeen: '2026-11-01T10:00:00.000Z', lastSeen: '2026-11-02T10:00:00.000Z' };
    expect(plainCrashReportText(report)).toBe(crashReportText(report));
    const failure = recordComponentFailure(home, new Error('y'), { component: 'audit-worker' });
    expect(plainCrashReportText(failure)).toBe(crashReportText(failure));
    expect(CrashReportSchema.parse(JSON.parse(plainCrashReportText(report)))).toEqual(report);
  });

  it('never throws from the handler: a report it cannot write is said, not raised', () => {
    const events = new EventEmitter();
    const stderr = new PassThrough();
    const said = capture(stderr);
    fs.writeFileSync(path.join(tmp.dir, 'file'), '');
    installConnectCrashReporting(path.join(tmp.dir, 'file'), SERVER, stderr, { events: events as never });
    expect(() => events.emit('uncaughtExceptionMonitor', new Error('x'), 'uncaughtException')).not.toThrow();
    expect(said()).toMatch(/^airlock connect: Airlock crashed and could not keep a crash report: /);
  });
});
