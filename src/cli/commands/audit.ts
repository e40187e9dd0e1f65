import type { Command } from 'commander';
import { verifyAuditChain } from '../../engine/audit/index.js';
import { openStore, StoreError, type Store } from '../../engine/store/index.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';

export function registerAudit(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const audit = program.command('audit').description('inspect the tamper-evident audit log');
  audit
    .command('verify')
    .description('check every event of the audit chain; name the first broken one')
    .option('--json', 'print one JSON object instead of a sentence')
    .addHelpText('after', '\nExit status: 0 intact, 1 broken, 2 no log or unreadable.')
    .action((options: { json?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      const store = openReadOnly(home);
      try {
        const result = verifyAuditChain(store);
        if (options.json) {
          io.out(`${JSON.stringify(result.ok ? { ok: true, events: result.count, head: result.head } : { ok: false, events: result.count, brokenSeq: result.brokenSeq, reason: result.reason })}\n`);
        } else if (result.ok) {
          io.out(`audit log intact: ${result.count} events, head ${result.head} (${store.path})\n`);
        } else {
          io.out(`audit log BROKEN at event ${result.brokenSeq}: ${result.reason}\n${result.count} events before it verify. Keep a copy of ${store.path} as evidence before changing anything.\n`);
        }
        setExit(result.ok ? EXIT.OK : EXIT.FAILED);
      } finally {
        store.close();
      }
    });
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
