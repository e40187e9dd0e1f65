import { buildCrashReport, type CrashContext } from './crash-report.js';
import { recordCrash, type CrashStoreOptions } from './crash-store.js';

export interface CrashReportingOptions extends Omit<CrashContext, 'serverNames' | 'airlockHome'> {
  /** The Airlock home the report is kept in (and scrubbed from the report). */
  home: string;
  /** The names to remove, read at the time of the crash (the Host's registered servers). */
  serverNames?: () => readonly string[];
  /** Where the one line saying a report was kept goes (default: stderr). */
  say?: (line: string) => void;
  store?: CrashStoreOptions;
}

export interface CrashReporting {
  /** Sets where the server names come from once the Host is up. */
  serverNames(source: () => readonly string[]): void;
  /** Removes the handler (a Host that stopped cleanly). */
  uninstall(): void;
}

/** The process-wide events a crash arrives by; `process` in the app and the CLI, a fake in tests. */
export interface CrashEvents {
  on(event: 'uncaughtExceptionMonitor', listener: (error: unknown, origin: string) => void): unknown;
  off(event: 'uncaughtExceptionMonitor', listener: (error: unknown, origin: string) => void): unknown;
}

/**
 * Keeps a local crash report when the process is about to die of an uncaught exception or an
 * unhandled rejection. It listens on `uncaughtExceptionMonitor`, which runs first and changes
 * nothing: Node still prints the error and exits non-zero (Electron still shows its dialog), so a
 * crash is never swallowed. The report is written synchronously, before the process ends, and
 * never sent anywhere.
 */
export function installCrashReporting(options: CrashReportingOptions, events: CrashEvents = process): CrashReporting {
  let names: () => readonly string[] = options.serverNames ?? (() => []);
  let lastKnown: readonly string[] = [];
  const remember = (): readonly string[] => {
    try {
      lastKnown = [...new Set([...lastKnown, ...names()])];
    } catch {
      // The Host may be what broke: use the names read before.
    }
    return lastKnown;
  };
  remember();
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const listener = (error: unknown): void => {
    // A throw here would replace the crash with Node's exit code 7 and lose its message.
    try {
      const { home, serverNames: _names, say: _say, store, ...context } = options;
      const report = recordCrash(home, buildCrashReport(error, { ...context, airlockHome: home, serverNames: remember() }), store);
      say(
        report.count === 1
          ? `Airlock crashed and kept a report on this computer (nothing was sent). See it with: airlock crash-reports show ${report.id}`
          : `Airlock crashed the same way as before (${report.count} times since ${report.firstSeen}); see it with: airlock crash-reports show ${report.id}`,
      );
    } catch (failure) {
      try {
        say(`Airlock crashed and could not keep a crash report: ${(failure as Error).message}`);
      } catch {
        // Nowhere left to say it.
      }
    }
  };
  events.on('uncaughtExceptionMonitor', listener);
  return {
    serverNames(source) {
      names = source;
      remember();
    },
    uninstall() {
      events.off('uncaughtExceptionMonitor', listener);
    },
  };
}
