// Node builtins and small modules only (no zod, no SQLite): `airlock connect` installs this too,
// with a writer of its own; the Host and the app install it through crash-reporting.ts.
import type { CrashComponent, CrashReport } from '../../shared/host-api/index.js';
import type { CrashStoreOptions } from './crash-keep.js';
import { buildCrashReport, type BuiltCrashReport, type CrashContext } from './crash-report.js';

export interface CrashReportingOptions extends Omit<CrashContext, 'serverNames' | 'airlockHome' | 'kind'> {
  /** The Airlock home the report is kept in (and scrubbed from the report). */
  home: string;
  /** The names to remove, read at the time of the crash (the Host's registered servers). */
  serverNames?: () => readonly string[];
  /** Where the one line saying a report was kept goes (default: stderr). */
  say?: (line: string) => void;
  store?: CrashStoreOptions;
}

/** Writes a report and returns it as kept (recordCrash in the Host; connect's own writer). */
export type CrashKeeper = (home: string, built: BuiltCrashReport, options?: CrashStoreOptions) => CrashReport;

export interface CrashReporting {
  /** Sets where the server names come from once the Host is up. */
  serverNames(source: () => readonly string[]): void;
  /** The part of Airlock now running, named in a report from here on. */
  component(component: CrashComponent): void;
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
export function installCrashHandler(options: CrashReportingOptions & { keep: CrashKeeper }, events: CrashEvents = process): CrashReporting {
  let component = options.component;
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
      const { home, serverNames: _names, say: _say, store, keep, ...context } = options;
      say(crashLine(keep(home, buildCrashReport(error, { ...context, component, airlockHome: home, serverNames: remember() }), store)));
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
    component(next) {
      component = next;
    },
    uninstall() {
      events.off('uncaughtExceptionMonitor', listener);
    },
  };
}

/** The one line said when a crash was kept. */
export function crashLine(report: CrashReport): string {
  return report.count === 1
    ? `Airlock crashed and kept a report on this computer (nothing was sent). See it with: airlock crash-reports show ${report.id}`
    : `Airlock crashed the same way as before (${report.count} times since ${report.firstSeen}); see it with: airlock crash-reports show ${report.id}`;
}
