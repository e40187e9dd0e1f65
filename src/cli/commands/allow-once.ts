import type { Command } from 'commander';
import { UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import { withHostControl } from '../host-access.js';
import type { CliIo } from '../io.js';

export function registerAllowOnce(program: Command, io: CliIo): void {
  program
    .command('allow-once')
    .description('let one held call through, once: its item stays unapproved and its next call is held again (the hold id is in airlock review)')
    .argument('<hold-id>', 'the held call, as airlock review shows it (pendingCalls[].id in --json)')
    .action(async (holdId: string, _options: object, command: Command) => {
      await withHostControl(homeFrom(command, io), async (host) => {
        let allowed;
        try {
          ({ allowed } = await host.allowOnce(holdId, 'airlock allow-once'));
        } catch (error) {
          throw new UsageError((error as Error).message);
        }
        io.out(`allowed once: the call from ${allowed.client ?? 'an unnamed client'} to ${allowed.kind} "${allowed.key}" on "${allowed.server}" went on; it stays unapproved and its next call is held again\n`);
      });
    });
}
