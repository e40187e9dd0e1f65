import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
// Node builtins and small modules only: `airlock connect` keeps its crashes through this file, and
// private-file.ts or the store's index would pull SQLite and zod into its bundle.
import { ensurePrivateDir } from '../../engine/store/private-fs.js';
import type { CrashReport } from '../../shared/host-api/index.js';
import type { BuiltCrashReport } from './crash-report.js';

export const CRASH_REPORTS_DIR = 'crash-reports';
/** The same crash within this long of its report is counted, not written again. */
export const CRASH_DEDUPE_MS = 30 * 24 * 60 * 60 * 1000;
/** At most this many reports are kept; the one seen longest ago goes first. */
export const MAX_CRASH_REPORTS = 20;
export const MAX_REPORT_BYTES = 64 * 1024;
const REPORT_FILE = /^[0-9a-f]{16}\.json$/;
const POSIX = process.platform !== 'win32';

export interface CrashStoreOptions {
  now?: () => Date;
  maxReports?: number;
}

/** The text a report is written as: the Host's checks it against the strict schema (crashReportText). */
export type CrashReportWriter = (report: CrashReport) => string;

export function crashReportsDir(home: string): string {
  return path.join(home, CRASH_REPORTS_DIR);
}

/**
 * Keeps a crash: a new report (0600, in a 0700 folder), or one more occurrence of the same crash
 * (count and lastSeen only) when its report is less than 30 days old; an older one is replaced.
 * A kept report that `text` refuses (a doctored file) is replaced by the new one.
 */
export function keepCrashReport(home: string, built: BuiltCrashReport, text: CrashReportWriter, options: CrashStoreOptions = {}): CrashReport {
  const now = (options.now ?? (() => new Date()))();
  ensurePrivateDir(crashReportsDir(home));
  const at = now.toISOString();
  const fresh: CrashReport = { ...built, count: 1, firstSeen: at, lastSeen: at };
  const existing = readOwnReport(path.join(crashReportsDir(home), `${built.id}.json`));
  let report = fresh;
  let bytes: string | undefined;
  if (existing !== undefined && sameAndRecent(existing, built, now)) {
    // Only the fields a report has, in the order it has them: anything else in the file stays behind.
    const kept = Object.fromEntries(Object.keys(built).map((key) => [key, existing[key]])) as BuiltCrashReport;
    const counted: CrashReport = { ...kept, count: (existing.count as number) + 1, firstSeen: existing.firstSeen as string, lastSeen: at };
    try {
      bytes = text(counted);
      report = counted;
    } catch {
      // Not a report this Airlock would write: the new one takes its place.
    }
  }
  writeReportFile(path.join(crashReportsDir(home), `${report.id}.json`), bytes ?? text(report));
  dropOldest(home, options.maxReports ?? MAX_CRASH_REPORTS);
  return report;
}

function sameAndRecent(existing: Record<string, unknown>, built: BuiltCrashReport, now: Date): boolean {
  const firstSeen = typeof existing.firstSeen === 'string' ? Date.parse(existing.firstSeen) : NaN;
  return (
    existing.id === built.id &&
    existing.fingerprint === built.fingerprint &&
    Number.isSafeInteger(existing.count) &&
    (existing.count as number) > 0 &&
    now.getTime() >= firstSeen &&
    now.getTime() - firstSeen < CRASH_DEDUPE_MS
  );
}

/** A report file as an object, if it is a regular file of ours that only we can read; else undefined. */
function readOwnReport(file: string): Record<string, unknown> | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (POSIX ? fs.constants.O_NOFOLLOW : 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_REPORT_BYTES) return undefined;
    if (POSIX && (stat.uid !== process.getuid?.() || (stat.mode & 0o077) !== 0)) return undefined;
    const value: unknown = JSON.parse(fs.readFileSync(fd, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A 0600 temp file beside the report, renamed over it: a reader sees the old report or the new
 * one. Like private-file.ts's writeFileAtomically (out of reach here, see above), less the
 * fsyncs: a crash report is written by a process about to die, and an old report is no loss.
 */
function writeReportFile(file: string, contents: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  try {
    const fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | (POSIX ? O_NOFOLLOW : 0), 0o600);
    try {
      if (POSIX) fs.fchmodSync(fd, 0o600); // the umask may have taken bits off, never adds any
      fs.writeFileSync(fd, contents);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new Error(`cannot write the crash report ${file}: ${(error as Error).message}. Check the folder's permissions and free space.`, { cause: error });
  }
}

/** Beyond `max` reports, the ones seen longest ago go; a file that is not a report is left alone. */
function dropOldest(home: string, max: number): void {
  const dir = crashReportsDir(home);
  const reports = fs
    .readdirSync(dir)
    .filter((name) => REPORT_FILE.test(name))
    .map((name) => ({ name, lastSeen: readOwnReport(path.join(dir, name))?.lastSeen }))
    .filter((r): r is { name: string; lastSeen: string } => typeof r.lastSeen === 'string')
    .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
  for (const old of reports.slice(Math.max(0, max))) fs.rmSync(path.join(dir, old.name), { force: true });
}
