import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { listAuditEvents, type AuditEventInput } from '../../src/engine/audit/index.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import type { Worker } from 'node:worker_threads';
import { AuditBatcher, describeAuditFault } from '../../src/host/audit-batcher.js';
import { crashReportsDir, listCrashReports } from '../../src/host/crash-report/index.js';
import { AuditJournal, JOURNAL_FILE, JOURNAL_RESERVE_BYTES } from '../../src/host/journal/audit-journal.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * What the Host tells a refused client when it cannot write its audit log (issue 16), phrased
 * from real errors, and the space the journal keeps written ahead of its records. The faults on
 * a real full or read-only filesystem: test/e2e/faults-disk.test.ts.
 */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function home(): { home: string; store: Store } {
  const { dir, cleanup } = makeTempDir('airlock-batcher-faults-');
  const h = path.join(dir, 'home');
  const store = openStore(h);
  cleanups.push(cleanup, () => store.close());
  return { home: h, store };
}

/** The error a real operation throws. */
function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not throw');
}

const decided = (n: number): AuditEventInput => ({ type: 'call.decided', server: 'demo', tool: 'echo', decision: 'ALLOW', rule: 'R5', args: { n }, detail: { callId: `call-${n}` } });

describe('the refusal while the audit log cannot be written', () => {
  it('says the disk or home is read-only for SQLite READONLY and EROFS, and what to do', () => {
    const { home: h } = home();
    const readonly = new Database(path.join(h, 'airlock.db'), { readonly: true });
    cleanups.push(() => readonly.close());
    const error = thrown(() => readonly.exec('CREATE TABLE t (x)'));
    expect((error as { code?: string }).code).toMatch(/^SQLITE_READONLY/);
    expect(describeAuditFault(error, true)).toMatch(/^Airlock cannot write its audit log \(attempt to write a readonly database\), so it refuses calls .* The disk or the Airlock home is read-only: make it writable again \(remount it read-write\); Airlock tries again every second/);
    const erofs = Object.assign(new Error('EROFS: read-only file system, write'), { code: 'EROFS' });
    expect(describeAuditFault(erofs, true)).toMatch(/read-only: make it writable again/);
    // SQLite turns EROFS or EIO under a write into an I/O error that does not say which.
    const ioerr = Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' });
    expect(describeAuditFault(ioerr, true)).toMatch(/The disk refused a write: check that it is not full, read-only or failing/);
  });

  it('says the disk is full for ENOSPC, and to restart when no retry clears the fault', () => {
    // A real ENOSPC needs a full filesystem (faults-disk.test.ts); /dev/full gives one on every write.
    const full = fs.existsSync('/dev/full') ? thrown(() => fs.writeFileSync('/dev/full', 'x')) : Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(describeAuditFault(full, true)).toMatch(/\(ENOSPC: no space left on device, write\).* The disk is full: free some space on it; Airlock tries again every second/);
    expect(describeAuditFault(full, false)).toMatch(/The disk is full: free some space on it; then restart Airlock\.$/);
  });

  it('says another program holds the database when it is locked', () => {
    const { home: h } = home();
    const locker = new Database(path.join(h, 'airlock.db'));
    const other = new Database(path.join(h, 'airlock.db'), { timeout: 0 });
    cleanups.push(() => other.close(), () => locker.close());
    locker.exec('BEGIN EXCLUSIVE');
    const error = thrown(() => other.exec('BEGIN IMMEDIATE'));
    locker.exec('COMMIT');
    expect(describeAuditFault(error, true)).toMatch(/\(database is locked\).* Another program holds the database: close it/);
  });
});

describe('the space the journal keeps ahead of its records', () => {
  it('is zeros that a crash leaves behind the last record: the next start drops them and appends every record once', () => {
    const { home: h, store } = home();
    const journal = AuditJournal.open(h, store);
    for (let n = 1; n <= 3; n++) journal.write(decided(n));
    // A crash: no close, so the zeros written ahead are still in the file.
    const file = path.join(h, JOURNAL_FILE);
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(JOURNAL_RESERVE_BYTES);
    expect(fs.readFileSync(file).at(-1)).toBe(0);
    AuditJournal.open(h, store).close();
    expect(listAuditEvents(store).map((e) => e.detail?.callId)).toEqual(['call-1', 'call-2', 'call-3']);
    journal.close();
  });

  it('is cut off at a clean close, so a journal left for the next start holds records only', () => {
    const { home: h, store } = home();
    const journal = AuditJournal.open(h, store);
    journal.write(decided(1));
    journal.close();
    const text = fs.readFileSync(path.join(h, JOURNAL_FILE), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
  });
});

describe('the audit worker dying', () => {
  it('refuses calls from then on and keeps a local failure report naming the audit worker, with the server names scrubbed', async () => {
    const { home: h, store } = home();
    const logged: string[] = [];
    const batcher = new AuditBatcher(h, store, (error) => logged.push(error.message), () => ['payroll-db']);
    cleanups.push(() => void batcher.close());
    expect(batcher.broken).toBeNull();
    // What Node emits when an exception escapes the worker thread (the thread has ended by then).
    const worker = (batcher as unknown as { worker: Worker }).worker;
    worker.emit('error', new Error('boom while appending to payroll-db at /home/someone/.airlock'));
    expect(batcher.broken?.message).toMatch(/boom/);
    const reports = listCrashReports(h);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ component: 'audit-worker', kind: 'failure' });
    const file = path.join(crashReportsDir(h), `${reports[0]!.id}.json`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('payroll-db');
    expect(text).not.toContain('/home/someone');
    expect(logged.some((m) => m.includes(`airlock crash-reports show ${reports[0]!.id}`))).toBe(true);
  });
});
