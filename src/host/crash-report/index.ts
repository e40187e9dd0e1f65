export { buildCrashReport, type BuiltCrashReport, type CrashContext } from './crash-report.js';
export { crashLine, installCrashHandler, type CrashEvents, type CrashKeeper, type CrashReporting, type CrashReportingOptions } from './crash-handler.js';
export { installCrashReporting } from './crash-reporting.js';
export { componentFailureLine, keepComponentFailure, recordComponentFailure, type ComponentFailureContext } from './component-failure.js';
export { keepCrashReport, type CrashReportWriter } from './crash-keep.js';
export { crashReportsDir, crashSummary, deleteAllCrashReports, deleteCrashReport, listCrashReports, readCrashReport, recordCrash, CRASH_DEDUPE_MS, MAX_CRASH_REPORTS } from './crash-store.js';
export { scrubText, type ScrubContext } from './crash-scrub.js';
export { scheduleTestCrash } from './test-crash.js';
export { crashNoticeLine } from './crash-notice.js';
