import fs from 'node:fs';
import type { Writable } from 'node:stream';
// The lean half of crash reporting (no zod, no SQLite): connect starts with every AI client session.
import { installCrashHandler, type CrashEvents, type CrashReporting } from '../host/crash-report/crash-handler.js';
import { keepCrashReport } from '../host/crash-report/crash-keep.js';
import { scheduleTestCrash } from '../host/crash-report/test-crash.js';
import type { CrashReport } from '../shared/host-api/index.js';

/** Where a crash of `airlock connect` arrives from (`process`), and where its code lives. */
export interface ConnectCrashOptions {
  events: CrashEvents;
  /** The folder whose files a stack frame is shown relative to: the bundle's own, for the bundled script. */
  packageRoot?: string;
}

/**
 * Keeps a local crash report when `airlock connect` dies of an uncaught exception or an
 * unhandled rejection, exactly as `airlock serve` does: scrubbed (the server NAME too), 0600 in
 * the home, counted within 30 days, never sent. One line goes to stderr, which clients log;
 * stdout is the MCP stream and gets nothing. Node still prints the error and exits non-zero.
 */
export function installConnectCrashReporting(home: string, serverName: string, stderr: Writable, options: ConnectCrashOptions): CrashReporting {
  return installCrashHandler(
    {
      home,
      component: 'connect',
      serverNames: () => [serverName],
      say: (line) => sayNow(stderr, `airlock connect: ${line}\n`),
      keep: (at, built, store) => keepCrashReport(at, built, plainCrashReportText, store),
      ...(options.packageRoot === undefined ? {} : { packageRoot: options.packageRoot }),
    },
    options.events,
  );
}

/**
 * For the tests only (see scheduleTestCrash): AIRLOCK_TEST_CRASH=relay crashes connect once it
 * relays a session, any other value while it starts.
 */
export function scheduleConnectTestCrash(env: NodeJS.ProcessEnv, home: string, serverName: string, phase: 'start' | 'relay'): void {
  if ((env.AIRLOCK_TEST_CRASH === 'relay') === (phase === 'relay')) scheduleTestCrash(env, home, () => [serverName]);
}

/**
 * A report as crashReportText writes it, without zod: the builder already lays the fields out in
 * the schema's order, and every reader checks the file against the strict schema.
 */
export function plainCrashReportText(report: CrashReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** The process is about to exit: a pipe written to asynchronously (macOS) could lose the line. */
function sayNow(stderr: Writable, text: string): void {
  if (stderr === process.stderr) {
    try {
      fs.writeSync(process.stderr.fd, text);
      return;
    } catch {
      // A full pipe (EAGAIN): the stream may still get it out.
    }
  }
  stderr.write(text);
}
