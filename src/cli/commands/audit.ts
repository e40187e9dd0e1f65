import type { Command } from 'commander';
import { verifyAuditLog, type AuditLogVerification } from '../../engine/audit/index.js';
import { openStore, StoreError, type Store } from '../../engine/store/index.js';
import { SigningKey } from '../../host/signing-key.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';

export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const audit = program.command('audit').description('inspect the tamper-evident audit log');
  audit
    .command('verify')
    .description("check every event of the audit chain, and the log against its signed checkpoints; name the first thing that does not hold")
    .option('--json', 'print one JSON object instead of a sentence')
    .addHelpText('after', '\nExit status: 0 intact, 1 broken or truncated, 2 no log or unreadable.')
    .action((options: { json?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      const store = openReadOnly(home);
      try {
        // The public half only (readable even when the desktop app keeps the private key sealed):
        // a checkpoint signed by any key but this one or those it rotated from proves nothing.
        const result = verifyAuditLog(store, SigningKey.trustedFingerprints(home));
        io.out(options.json ? `${JSON.stringify(verificationJson(result))}\n` : verificationText(result, store.path));
        setExit(result.ok ? EXIT.OK : EXIT.FAILED);
      } finally {
        store.close();
      }
    });
}

function verificationJson(result: AuditLogVerification): object {
  if (result.ok) return { ok: true, events: result.count, head: result.head, checkpoint: result.checkpoint };
  return { ok: false, events: result.count, problem: result.problem, brokenSeq: result.brokenSeq, reason: result.reason };
}

function verificationText(result: AuditLogVerification, dbPath: string): string {
  const evidence = `Keep a copy of ${dbPath} as evidence before changing anything.`;
  if (result.ok) {
    const signed = result.checkpoint === null ? 'no signed checkpoint yet' : `matches its signed checkpoint of ${result.checkpoint.tree_size} events (${result.checkpoint.timestamp})`;
    return `audit log intact: ${result.count} events, head ${result.head}, ${signed} (${dbPath})\n`;
  }
  if (result.problem === 'chain') return `audit log BROKEN at event ${result.brokenSeq}: ${result.reason}\n${result.count} events before it verify. ${evidence}\n`;
  if (result.problem === 'truncated') return `audit log TRUNCATED: ${result.reason}.\n${evidence}\n`;
  return `audit log does NOT match what was signed: ${result.reason}.\n${evidence}\n`;
}

/** Verifying must never create or migrate a log: a missing log is reported, not replaced. */
function openReadOnly(home: string): Store {
  try {
    return openStore(home, { readonly: true });
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(error.message);
    throw error;
  }
}
