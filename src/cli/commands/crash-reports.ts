import fs from 'node:fs';
import type { Command } from 'commander';
import { crashReportsDir, deleteAllCrashReports, deleteCrashReport, listCrashReports } from '../../host/crash-report/index.js';
import { crashReportText, type CrashReport } from '../../shared/host-api/index.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';

const NOTHING_SENT = 'Airlock never sends a crash report anywhere: it stays on this computer until you delete it, and leaves it only if you copy or save it and send it yourself.';

/** `airlock crash-reports`: the local crash reports, shown exactly as they would be shared. */
export function registerCrashReports(program: Command, io: CliIo): void {
  const reports = program
    .command('crash-reports')
    .description(`list, show, save or delete the local crash reports Airlock kept. ${NOTHING_SENT}`)
    .addHelpText('after', `\nA report holds only Airlock's version, the platform, the error's class, its message and stack with paths, names, secrets and values replaced by markers, and the part of Airlock that crashed (or failed while Airlock kept running). ${NOTHING_SENT}\n`);
  reports
    .command('list')
    .description('list the crash reports: id, how many times, first and last seen, and what crashed or failed')
    .action((_options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const all = listCrashReports(home);
      if (all.length === 0) return void io.out(`No crash reports in ${crashReportsDir(home)}.\n`);
      for (const r of all) io.out(`${r.id}  ${r.count}×  first ${r.firstSeen}  last ${r.lastSeen}  ${whatHappened(r)}: ${r.error.class ?? 'error'}: ${r.error.message.slice(0, 80)}\n`);
      io.out(`See one exactly as it would be shared with: airlock crash-reports show ID. ${NOTHING_SENT}\n`);
    });
  reports
    .command('show')
    .description('print a crash report (the most recent without ID) exactly as it would be shared: nothing is sent')
    .argument('[id]', 'the report id (or the start of it), from: airlock crash-reports list')
    .action((id: string | undefined, _options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const all = listCrashReports(home);
      if (id === undefined) {
        if (all.length === 0) return void io.out(`No crash reports in ${crashReportsDir(home)}.\n`);
        io.out(crashReportText(all[0]!));
        if (all.length > 1) io.err(`(${all.length - 1} more: airlock crash-reports list)\n`);
        return;
      }
      io.out(crashReportText(find(all, id, home)));
    });
  reports
    .command('save')
    .description('write a crash report to FILE, exactly as show prints it, for you to send if you choose')
    .argument('<id>', 'the report id (or the start of it)')
    .argument('<file>', 'where to write it (an existing file is not replaced)')
    .action((id: string, file: string, _options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const report = find(listCrashReports(home), id, home);
      try {
        fs.writeFileSync(file, crashReportText(report), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new UsageError(`${file} already exists; give another file name, or remove it first`);
        throw new UsageError(`cannot write ${file}: ${(error as Error).message}`, EXIT.FAILED);
      }
      io.out(`Saved crash report ${report.id} to ${file}. Airlock sent nothing; share the file only if you choose to.\n`);
    });
  reports
    .command('delete')
    .description('delete a crash report, or all of them with --all')
    .argument('[id]', 'the report id (or the start of it)')
    .option('--all', 'delete every crash report')
    .action((id: string | undefined, options: { all?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      if (options.all === true) {
        if (id !== undefined) throw new UsageError('give a report id or --all, not both');
        const n = deleteAllCrashReports(home);
        return void io.out(`Deleted ${n} crash ${n === 1 ? 'report' : 'reports'}.\n`);
      }
      if (id === undefined) throw new UsageError('give the id of the report to delete (see: airlock crash-reports list), or --all');
      const report = find(listCrashReports(home), id, home);
      deleteCrashReport(home, report.id);
      io.out(`Deleted crash report ${report.id}.\n`);
    });
}

/** A crash ended the process; a failure (kind `failure`) did not, and is not called a crash. */
function whatHappened(report: CrashReport): string {
  return report.kind === 'failure' ? `${report.component} failed (Airlock kept running)` : `${report.component} crashed`;
}

/** A report by its id or the unique start of it. */
function find(all: readonly CrashReport[], id: string, home: string): CrashReport {
  const wanted = id.toLowerCase();
  const matches = /^[0-9a-f]{1,16}$/.test(wanted) ? all.filter((r) => r.id.startsWith(wanted)) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new UsageError(`"${id}" starts ${matches.length} crash report ids; give more of it (see: airlock crash-reports list)`);
  throw new UsageError(`there is no crash report "${id}" in ${crashReportsDir(home)}; see them with: airlock crash-reports list`);
}
