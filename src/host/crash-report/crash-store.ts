import fs from 'node:fs';
import path from 'node:path';
import { parseStrictJson } from '../../input/strict-json.js';
import { CrashReportIdSchema, CrashReportSchema, crashReportText, type CrashReport } from '../../shared/host-api/index.js';
import { readPrivateFile } from '../private-file.js';
import type { BuiltCrashReport } from './crash-report.js';
import { MAX_REPORT_BYTES, crashReportsDir, keepCrashReport, type CrashStoreOptions } from './crash-keep.js';

export { CRASH_DEDUPE_MS, CRASH_REPORTS_DIR, MAX_CRASH_REPORTS, crashReportsDir, type CrashStoreOptions } from './crash-keep.js';

function reportFile(home: string, id: string): string {
  return path.join(crashReportsDir(home), `${CrashReportIdSchema.parse(id)}.json`);
}

/**
 * Keeps a crash (see keepCrashReport: a new 0600 report, or one more count of the same crash
 * within 30 days), written only if it fits the strict schema.
 */
export function recordCrash(home: string, built: BuiltCrashReport, options: CrashStoreOptions = {}): CrashReport {
  return keepCrashReport(home, built, crashReportText, options);
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

/** How many crashes (and failures a process lived through) the kept reports count, since when: what a start-up tells the user. */
export function crashSummary(home: string): { reports: number; crashes: number; failures: number; since: string } | undefined {
  const reports = listCrashReports(home);
  if (reports.length === 0) return undefined;
  const count = (kind: 'crash' | 'failure'): number => reports.filter((r) => (r.kind ?? 'crash') === kind).reduce((n, r) => n + r.count, 0);
  return {
    reports: reports.length,
    crashes: count('crash'),
    failures: count('failure'),
    since: reports.map((r) => r.firstSeen).sort()[0]!,
  };
}
