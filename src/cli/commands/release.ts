import type { Command } from 'commander';
import { ITEM_KINDS, type ItemKind } from '../../engine/surface.js';
import { confirmApproval } from '../approval-confirm.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import { withHostControl } from '../host-access.js';
import type { CliIo } from '../io.js';
import { quarantineEntryText, releaseText } from '../quarantine-text.js';

/**
 * `airlock release SERVER [ITEM]`: the way back from a "no". It reads the current hash itself,
 * shows what will be approved and approves by that hash, so nobody copies a hash out of an
 * error message. A server (RED) is released by approving its live surface as a new generation.
 */
export function registerRelease(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('release')
    .description('lift a quarantine: approve the live definition of a quarantined item, or for a quarantined server its live surface as a new generation (shown first, then asked y/N)')
    .argument('<server>')
    .argument('[item]', 'a tool name (or, with --kind, a prompt, resource or template key); leave out to release the server')
    .option('--kind <kind>', `the item's kind: ${ITEM_KINDS.join(', ')}`, 'tool')
    .option('--yes', 'approve without asking (scripts)')
    .action(async (server: string, item: string | undefined, options: { kind: string; yes?: boolean }, command: Command) => {
      if (!(ITEM_KINDS as readonly string[]).includes(options.kind)) throw new UsageError(`--kind must be one of ${ITEM_KINDS.join(', ')}, not "${options.kind}"`);
      const kind = options.kind as ItemKind;
      await withHostControl(homeFrom(command, io), async (host) => {
        const entries = await refused(() => host.quarantined(server));
        const entry = entries.find((e) => (item === undefined ? e.scope === 'server' : e.scope === 'item' && e.kind === kind && e.key === item));
        const what = item === undefined ? `server "${server}"` : `${kind} "${item}" on "${server}"`;
        if (entry === undefined) {
          const others = entries.map(quarantineEntryText).join('');
          throw new UsageError(`${what} is not quarantined, so there is nothing to release.${others === '' ? '' : ` What is quarantined on "${server}":\n${others}`}`);
        }
        if (entry.hash === null) throw new UsageError(`${what} is quarantined, but the server lists nothing for it now, so there is nothing to approve. It stays quarantined and is not served.`);
        if (entry.scope === 'item' && entry.state === 'RED') throw new UsageError(`${what} cannot be released on its own while the server is quarantined. Release the server first: airlock release ${server}`);
        const generation = (await host.servers()).find((s) => s.name === server)?.generation ?? null;
        io.out(releaseText(entry, generation));
        const retry = `airlock release ${server}${item === undefined ? '' : ` ${JSON.stringify(item)}${kind === 'tool' ? '' : ` --kind ${kind}`}`}`;
        if (!(await confirmApproval('Release and approve it?', options.yes, io, retry))) return;
        const target = item === undefined ? { hash: entry.hash } : { kind, key: item, hash: entry.hash };
        const result = await refused(() => host.approve(server, target));
        io.out(`released ${what}: approved by ${entry.hash}; the server is ${result.state}, generation ${result.generation}\n`);
      });
      setExit(EXIT.OK);
    });
}

/** A refusal (an unknown name, a surface that changed meanwhile) is the user's to act on: exit 2 with its message. */
export async function refused<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
