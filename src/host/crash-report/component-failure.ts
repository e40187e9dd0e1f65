import type { CrashReport } from '../../shared/host-api/index.js';
import type { CrashStoreOptions } from './crash-keep.js';
import { buildCrashReport, type CrashContext } from './crash-report.js';
import { recordCrash } from './crash-store.js';

export interface ComponentFailureContext extends Omit<CrashContext, 'kind' | 'airlockHome' | 'serverNames'> {
  /** The names to remove; a function is read inside, where a throw is caught like any other failure. */
  serverNames?: readonly string[] | (() => readonly string[]);
  store?: CrashStoreOptions;
}

/**
 * Keeps a report of a part of Airlock that failed while the process lived on (the audit worker
 * died, and the Host now refuses calls): the same allow-listed, scrubbed payload as a crash, kind
 * `failure`, counted rather than written again within 30 days. Throws when it cannot be written.
 */
export function recordComponentFailure(home: string, error: unknown, context: ComponentFailureContext): CrashReport {
  const { store, serverNames, ...rest } = context;
  const names = typeof serverNames === 'function' ? serverNames() : (serverNames ?? []);
  return recordCrash(home, buildCrashReport(error, { ...rest, serverNames: names, kind: 'failure', airlockHome: home }), store);
}

/**
 * Keeps the report and returns the one line to log: where to see it, or why it could not be kept.
 * Never throws: it runs where something has already gone wrong.
 */
export function keepComponentFailure(home: string, error: unknown, context: ComponentFailureContext): string {
  try {
    return componentFailureLine(recordComponentFailure(home, error, context));
  } catch (failure) {
    return `${context.component} failed, and Airlock could not keep a report of it: ${failure instanceof Error ? failure.message : String(failure)}`;
  }
}

/** What a log says once a failure's report is kept. */
export function componentFailureLine(report: CrashReport): string {
  return report.count === 1
    ? `${report.component} failed while Airlock kept running; a report was kept on this computer (nothing was sent). See it with: airlock crash-reports show ${report.id}`
    : `${report.component} failed the same way as before (${report.count} times since ${report.firstSeen}); see it with: airlock crash-reports show ${report.id}`;
}
