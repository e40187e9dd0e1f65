import type { Command } from 'commander';
import { confirmApproval } from '../approval-confirm.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import { withHostControl } from '../host-access.js';
import type { CliIo } from '../io.js';
import { definitionDiff } from '../review-text.js';
import { refused } from './release.js';

/**
 * `airlock revert SERVER --to GENERATION`: the way back from an approval. The earlier surface
 * is approved again as a new generation (history is never rewritten), bound to its hash as
 * shown; what the server lists now and differs from it is held again.
 */
export function registerRevert(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('revert')
    .description('approve an earlier generation of a server again, as a new generation (shows what changes, then asks y/N)')
    .argument('<server>')
    .requiredOption('--to <generation>', 'the earlier generation to approve again (see `airlock servers list`)')
    .option('--yes', 'approve without asking (scripts)')
    .action(async (server: string, options: { to: string; yes?: boolean }, command: Command) => {
      const to = Number(options.to);
      if (!/^[1-9][0-9]{0,8}$/.test(options.to)) throw new UsageError(`--to must be a generation number (1, 2, …), not "${options.to}"`);
      await withHostControl(homeFrom(command, io), async (host) => {
        const plan = await refused(() => host.revertPlan(server, to));
        io.out(`Reverting "${server}" approves generation ${plan.to} (surface ${plan.hash}, approved ${plan.approvedAt}) again as generation ${plan.from + 1}.\n`);
        if (plan.changes.length === 0) io.out('It approves exactly what is approved now.\n');
        for (const c of plan.changes) {
          io.out(`── ${c.kind} "${c.key}": ${c.status === 'added' ? 'comes back' : c.status === 'removed' ? 'is no longer approved' : 'changes'} ("-" approved now, "+" generation ${plan.to})\n`);
          io.out(`${definitionDiff(c.now, c.then).replace(/^/gm, '   ')}\n`);
        }
        io.out('What the server lists now and differs from it will be held for your review again.\n');
        if (!(await confirmApproval('Revert?', options.yes, io, `airlock revert ${server} --to ${plan.to}`))) return;
        const result = await refused(() => host.revert(server, plan.to, plan.hash));
        io.out(`reverted "${server}" to generation ${plan.to}: approved again as generation ${result.generation}; the server is ${result.state}\n`);
      });
      setExit(EXIT.OK);
    });
}
