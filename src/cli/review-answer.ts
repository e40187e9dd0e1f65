import type { HostControl } from '../host/control.js';
import type { ReviewItem } from '../host/review-items.js';
import type { CliIo } from './io.js';

/** The answers `airlock review` takes for one item; "once" only while a call waits on it. */
export type ReviewAnswer = 'once' | 'approve' | 'quarantine' | 'skip';

/** Who waits on the item: each client by the name it gave, with its number of held calls. */
export function waitingText(item: Pick<ReviewItem, 'pendingCalls'>): string {
  const counts = new Map<string, number>();
  for (const call of item.pendingCalls) {
    const who = call.client ?? 'a client that gave no name';
    counts.set(who, (counts.get(who) ?? 0) + 1);
  }
  return [...counts].map(([who, n]) => `${who} (${n} call${n === 1 ? '' : 's'})`).join(', ');
}

/** For a review read without a terminal: who asks, and the command that lets each waiting call through once. */
export function allowOnceHint(item: ReviewItem): string {
  if (item.pendingCalls.length === 0) return '';
  return `   asking:  ${waitingText(item)}\n${item.pendingCalls.map((c) => `   once:    airlock allow-once ${c.id}\n`).join('')}`;
}

/** The question for one item: allow once is offered only when a call waits on it. */
export function answerPrompt(item: ReviewItem): string {
  return item.pendingCalls.length > 0 ? 'Answer: [o]nce (let the waiting call through), [y]es approve, [n]o quarantine, Enter skip: ' : 'Answer: [y]es approve, [n]o quarantine, Enter skip: ';
}

/** What the user typed, or null when it is no answer (then the question is asked again). */
export function parseAnswer(input: string, item: ReviewItem): ReviewAnswer | null {
  const answer = input.trim().toLowerCase();
  if (answer === '') return 'skip';
  if (answer === 'y' || answer === 'yes') return 'approve';
  if (answer === 'n' || answer === 'no') return 'quarantine';
  if ((answer === 'o' || answer === 'once') && item.pendingCalls.length > 0) return 'once';
  return null;
}

/** Lets exactly the calls shown through, once each; one that no longer waits is said, not fatal. */
export async function allowWaitingOnce(host: HostControl, calls: ReviewItem['pendingCalls'], io: CliIo): Promise<void> {
  for (const call of calls) {
    try {
      await host.allowOnce(call.id, 'airlock review');
      io.out(`   allowed once: the call from ${call.client ?? 'an unnamed client'} went on\n`);
    } catch (error) {
      io.out(`   ${(error as Error).message}\n`);
    }
  }
}

/**
 * Asks about one item and carries out the answer. Allow once lets through exactly the calls
 * shown (by hold id): a call that arrives after the question was asked is held again.
 */
export async function answerItem(host: HostControl, item: ReviewItem & { hash: string }, ask: (question: string) => Promise<string>, io: CliIo): Promise<ReviewAnswer> {
  if (item.pendingCalls.length > 0) io.out(`   asking: ${waitingText(item)}\n`);
  let answer = parseAnswer(await ask(answerPrompt(item)), item);
  while (answer === null) answer = parseAnswer(await ask(`Type ${item.pendingCalls.length > 0 ? 'o, ' : ''}y or n, or press Enter to skip: `), item);
  const target = { kind: item.kind, key: item.key };
  try {
    if (answer === 'approve') {
      const r = await host.approve(item.server, { ...target, hash: item.hash });
      io.out(`   approved; "${item.server}" is ${r.state}\n\n`);
    } else if (answer === 'quarantine') {
      const r = await host.quarantine(item.server, { ...target, reason: 'answered n in airlock review' });
      io.out(`   quarantined: its calls are denied; "${item.server}" is ${r.state}\n\n`);
    } else if (answer === 'once') {
      await allowWaitingOnce(host, item.pendingCalls, io);
      io.out(`   ${item.kind} "${item.key}" stays unapproved: its next call is held again\n\n`);
    } else {
      io.out('   skipped: its calls keep waiting until they time out\n\n');
    }
  } catch (error) {
    io.out(`   ${(error as Error).message}\n\n`);
  }
  return answer;
}
