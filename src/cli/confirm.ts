import { createInterface } from 'node:readline/promises';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

export interface ConfirmOptions {
  yes?: boolean;
  dryRun?: boolean;
}

/**
 * Whether to go ahead with a change already shown to the user: --dry-run never, --yes always,
 * a terminal asks (default no), and anything else is refused, because a script that did not
 * say --yes did not agree to have the user's files changed.
 */
export async function confirmChange(question: string, options: ConfirmOptions, io: CliIo, command: string): Promise<boolean> {
  if (options.dryRun) {
    io.out('Dry run: nothing was changed.\n');
    return false;
  }
  if (options.yes) return true;
  if (!process.stdin.isTTY) {
    throw new UsageError(`${command} changes your client files only when you agree: nothing was changed. Run it again with --yes to apply the change shown above, or in a terminal to be asked.`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer === 'y' || answer === 'yes') return true;
    io.out('Nothing was changed.\n');
    return false;
  } finally {
    rl.close();
  }
}
