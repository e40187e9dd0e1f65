import { createInterface } from 'node:readline/promises';
import { UsageError } from './exit-codes.js';
import type { CliIo } from './io.js';

/**
 * Whether to approve what was just shown: --yes always, a terminal asks (default no), and a
 * script that did not say --yes is refused, since it did not agree to what it was shown.
 */
export async function confirmApproval(question: string, yes: boolean | undefined, io: CliIo, retry: string): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) throw new UsageError(`nothing was approved: this is not a terminal, so there is no one to ask. Run it again with --yes to approve what is shown above: ${retry} --yes`);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = (await rl.question(`${question} [y/N] `)).trim().toLowerCase();
    if (answer === 'y' || answer === 'yes') return true;
    io.out('Nothing was approved.\n');
    return false;
  } finally {
    rl.close();
  }
}
