import { installCrashHandler, type CrashEvents, type CrashReporting, type CrashReportingOptions } from './crash-handler.js';
import { recordCrash } from './crash-store.js';

/**
 * The Host's and the app's crash reporting: installCrashHandler with recordCrash, which writes a
 * report only if it fits the strict schema. (`airlock connect` installs the handler with a writer
 * of its own, to keep zod out of its start-up.)
 */
export function installCrashReporting(options: CrashReportingOptions, events: CrashEvents = process): CrashReporting {
  return installCrashHandler({ ...options, keep: recordCrash }, events);
}
