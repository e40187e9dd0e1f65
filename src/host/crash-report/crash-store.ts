import fs from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir } from '../../engine/store/index.js';
import { parseStrictJson } from '../../input/strict-json.js';
import { CrashReportIdSchema, CrashReportSchema, crashReportText, type CrashReport } from '../../shared/host-api/index.js';
import { readPrivateFile, writeFileAtomically } from '../private-file.js';
import type { BuiltCrashReport } from './crash-report.js';

export const CRASH_REPORTS_DIR = 'crash-reports';
/** The same crash within this long of its report is counted, not written again. */
export const CRASH_DEDUPE_MS = 30 * 24 * 60 * 60 * 1000;
/** At most this many reports are kept; the one seen longest ago goes first. */
export const MAX_CRASH_REPORTS = 20;
const MAX_REPORT_BYTES = 64 * 1024;

export interface CrashStoreOptions {
  now?: () => Date;
  maxReports?: number;
}

export function crashReportsDir(home: string): string {
  return path.join(home, CRASH_REPORTS_DIR);
}

function reportFile(home: string, id: string): string {
  return path.join(crashReportsDir(home), `${CrashReportIdSchema.parse(id)}.json`);
}

/**
 * Keeps a crash: a new report (0600, in a 0700 folder), or one more occurrence of the same crash
 * (count and lastSeen only) when its report is less than 30 days old; an older one is replaced.
 */
export function recordCrash(home: string, built: BuiltCrashReport, options: CrashStoreOptions = {}): CrashReport {
  const now = (options.now ?? (() => new Date()))();
  ensurePrivateDir(crashReportsDir(home));
  const existing = readCrashReport(home, built.id);
  const at = now.toISOString();
  const report: CrashReport =
    existing !== undefined && now.getTime() - Date.parse(existing.firstSeen) < CRASH_DEDUPE_MS && now.getTime() >= Date.parse(existing.firstSeen)
      ? { ...existing, count: existing.count + 1, lastSeen: at }
      : { ...built, count: 1, firstSeen: at, lastSeen: at };
  writeFileAtomically(reportFile(home, report.id), crashReportText(report), 'crash report');
  dropOldest(home, options.maxReports ?? MAX_CRASH_REPORTS);
  return report;
}

/** Every readable report, the most recent first. A file that is not a report is left alone. */
export function listCrashReports(home: string): CrashReport[] {
  let names: string[];
  try {
    names = fs.readdirSync(crashReportsDir(home));
  } catch {
    return [];
  }
  return names
    .map((name) => /^([0-9a-f]{16})\.json$/.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map((id) => readCrashReport(home, id))
    .filter((r): r is CrashReport => r !== undefined)
    .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
}

/** One report, or undefined when there is none (or the file is not one Airlock wrote). */
export function readCrashReport(home: string, id: string): CrashReport | undefined {
  if (!CrashReportIdSchema.safeParse(id).success) return undefined;
  const file = reportFile(home, id);
  try {
    if (fs.lstatSync(file).size > MAX_REPORT_BYTES) return undefined;
    const text = readPrivateFile(file, 'crash report', 'delete it with: airlock crash-reports delete --all');
    if (text === undefined) return undefined;
    const parsed = CrashReportSchema.safeParse(parseStrictJson(text));
    return parsed.success && parsed.data.id === id ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Deletes one report; false when there was none. */
export function deleteCrashReport(home: string, id: string): boolean {
  if (!CrashReportIdSchema.safeParse(id).success) return false;
  try {
    fs.unlinkSync(reportFile(home, id));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Deletes every report file (readable or not); returns how many. */
export function deleteAllCrashReports(home: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(crashReportsDir(home));
  } catch {
    return 0;
  }
  let deleted = 0;
  for (const name of names) {
    if (!/^[0-9a-f]{16}\.json$/.test(name)) continue;
    fs.rmSync(path.join(crashReportsDir(home), name), { force: true });
    deleted += 1;
  }
  return deleted;
}

/** How many crashes the kept reports count, since when: what a start-up tells the user. */
export function crashSummary(home: string): { reports: number; crashes: number; since: string } | undefined {
  const reports = listCrashReports(home);
  if (reports.length === 0) return undefined;
  return {
    reports: reports.length,
    crashes: reports.reduce((n, r) => n + r.count, 0),
    since: reports.map((r) => r.firstSeen).sort()[0]!,
  };
}

function dropOldest(home: string, max: number): void {
  const reports = listCrashReports(home);
  for (const old of reports.slice(Math.max(0, max))) deleteCrashReport(home, old.id);
}
