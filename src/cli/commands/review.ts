import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { ITEM_KINDS, type ItemKind } from '../../engine/surface.js';
import type { HostControl } from '../../host/control.js';
import type { ReviewItem } from '../../host/review-items.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import { withHostControl } from '../host-access.js';
import type { CliIo } from '../io.js';
import { answersSummary, firstSeenText, reviewEntries, reviewItemText, type ReviewEntry, type ReviewTextOptions } from '../review-text.js';
import { allowOnceHint, allowWaitingOnce, answerItem, waitingText, type ReviewAnswer } from '../review-answer.js';
import { terminalStyle } from '../terminal-style.js';
import { requireKnownServer, requireKnownTool } from '../known-names.js';
import { quarantineEntryText } from '../quarantine-text.js';
import { inboxOrder, isUndecided } from '../../shared/host-api/ways-back.js';

export function registerReview(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('review')
    .description('show each item waiting for your answer (findings, approved vs live) and ask for an answer: allow a waiting call once, approve, quarantine, or skip')
    .argument('[server]', 'only this server')
    .option('--json', 'list the pending items as JSON and ask nothing')
    .action(async (server: string | undefined, options: { json?: boolean }, command: Command) => {
      await withHostControl(homeFrom(command, io), async (host) => {
        if (server !== undefined) await requireKnownServer(host, server);
        // Review is an inbox of undecided items: a "no" is an answer, listed apart with its way back.
        const items = inboxOrder((await host.review(server)).filter(isUndecided));
        if (options.json) return io.out(`${JSON.stringify(items, null, 2)}\n`);
        const quarantined = await host.quarantined(server);
        if (items.length === 0 && quarantined.length === 0) return io.out('Nothing waits for review: every server serves what you approved.\n');
        if (items.length === 0) io.out('Nothing waits for your answer.\n\n');
        else if (!process.stdin.isTTY) {
          const entries = reviewEntries(items);
          for (const [index, entry] of entries.entries()) io.out(await entryListing(host, entry, { index: index + 1, total: entries.length }));
        } else await askEach(host, items, io);
        // Read again after the answers, so an item just answered no is listed with its way back.
        const listed = items.length === 0 ? quarantined : await host.quarantined(server);
        if (listed.length > 0) io.out(`Quarantined (answered no; calls to them are denied):\n${listed.map(quarantineEntryText).join('')}`);
      });
    });

  program
    .command('approve')
    .description('approve a server\'s live surface, or one tool of it, by the hash you reviewed; items you quarantined stay quarantined unless you --release them')
    .argument('<server>')
    .argument('[item]', 'a tool name (or, with --kind, a prompt, resource or template key)')
    .requiredOption('--hash <hash>', 'the hash shown by `airlock review` (the surface hash, or the item hash for one item)')
    .option('--kind <kind>', `the item's kind: ${ITEM_KINDS.join(', ')}`, 'tool')
    .option(
      '--release <item>',
      'with a whole-server approval: also lift the quarantine of this item (a tool name, or KIND:KEY such as prompt:summarize); repeat for more. Without it, quarantined items stay quarantined in the new baseline',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (server: string, item: string | undefined, options: { hash: string; kind: string; release: string[] }, command: Command) => {
      const kind = itemKind(options.kind);
      const release = options.release.map(releaseTarget);
      if (item !== undefined && release.length > 0) throw new UsageError('--release goes with a whole-server approval: leave out the item, or approve the item alone (that lifts its own quarantine)');
      await withHostControl(homeFrom(command, io), async (host) => {
        await requireKnownServer(host, server);
        if (item !== undefined && kind === 'tool') await requireKnownTool(host, server, item);
        const target = item === undefined ? { hash: options.hash, ...(release.length > 0 ? { release } : {}) } : { kind, key: item, hash: options.hash };
        const result = await refusalsAsUsage(() => host.approve(server, target));
        io.out(`approved ${item === undefined ? `"${server}"` : `${kind} "${item}" on "${server}"`}: the server is ${result.state}, generation ${result.generation}\n`);
        if (item === undefined) {
          const still = new Set((await host.tools(server)).filter((t) => t.gate === 'quarantined').map((t) => t.tool));
          const unreleased = release.filter((r) => r.kind === 'tool' && still.has(r.key));
          if (unreleased.length > 0) throw new UsageError(`"${server}" was approved, but ${unreleased.map((r) => `tool "${r.key}"`).join(', ')} is still quarantined: this Host did not release it`);
          for (const r of release) io.out(`released from quarantine: ${r.kind} "${r.key}"\n`);
          for (const t of still) io.out(`still quarantined: tool "${t}" (lift it with a new approval and --release ${JSON.stringify(t)})\n`);
        }
      });
      setExit(EXIT.OK);
    });

  program
    .command('quarantine')
    .description('quarantine a server (every call denied until you approve a new baseline), or one tool of it')
    .argument('<server>')
    .argument('[item]', 'a tool name (or, with --kind, another item)')
    .option('--kind <kind>', `the item's kind: ${ITEM_KINDS.join(', ')}`, 'tool')
    .option('--reason <text>', 'why, for the audit log')
    .action(async (server: string, item: string | undefined, options: { kind: string; reason?: string }, command: Command) => {
      const kind = itemKind(options.kind);
      await withHostControl(homeFrom(command, io), async (host) => {
        await requireKnownServer(host, server);
        if (item !== undefined && kind === 'tool') await requireKnownTool(host, server, item);
        const target = { ...(item === undefined ? {} : { kind, key: item }), ...(options.reason ? { reason: options.reason } : {}) };
        const result = await refusalsAsUsage(() => host.quarantine(server, target));
        io.out(`quarantined ${item === undefined ? `"${server}"` : `${kind} "${item}" on "${server}"`}: the server is ${result.state}\n`);
      });
    });
}

/** One entry as a listing for a script or a pipe: what it is, and the commands that answer it. */
async function entryListing(host: HostControl, entry: ReviewEntry, position: { index: number; total: number }): Promise<string> {
  const style = terminalStyle(process.stdout);
  if ('item' in entry) {
    const { item } = entry;
    return `${reviewItemText(item, { style, position, callArguments: await heldArguments(host, item) })}   approve: ${approveHint(item)}\n   or:      airlock quarantine ${item.server} ${item.kind === 'tool' ? item.key : `--kind ${item.kind} ${item.key}`}\n${allowOnceHint(item)}\n`;
  }
  const surfaceHash = entry.members[0]?.surfaceHash;
  const waiting = entry.members.filter((m) => m.pendingCalls.length > 0);
  return (
    `${firstSeenText(entry.server, entry.members, { style, position })}` +
    `   approve all: airlock approve ${entry.server} --hash ${surfaceHash}\n` +
    `   or one:      airlock approve ${entry.server} TOOL --hash ITEM_HASH (each item's hash: airlock review ${entry.server} --json)\n` +
    `   or:          airlock quarantine ${entry.server}\n` +
    `${waiting.map(allowOnceHint).join('')}\n`
  );
}

async function askEach(host: HostControl, items: ReviewItem[], io: CliIo): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const ask = (question: string) => rl.question(question);
  const style = terminalStyle(process.stdout);
  const answers: ReviewAnswer[] = [];
  const entries = reviewEntries(items);
  try {
    for (const [index, entry] of entries.entries()) {
      const position = { index: index + 1, total: entries.length };
      if ('item' in entry) answers.push(await askItem(host, entry.item, ask, io, { style, position }));
      else answers.push(...(await askFirstSeen(host, entry, ask, io, { style, position })));
    }
  } finally {
    rl.close();
  }
  io.out(`${answersSummary(answers)}\n`);
}

async function askItem(host: HostControl, item: ReviewItem, ask: (q: string) => Promise<string>, io: CliIo, options: ReviewTextOptions): Promise<ReviewAnswer> {
  io.out(reviewItemText(item, { ...options, callArguments: await heldArguments(host, item) }));
  if (item.hash === null) {
    io.out(`   A removal is approved with the whole server: ${approveHint(item)}\n\n`);
    return 'skip';
  }
  return answerItem(host, { ...item, hash: item.hash }, ask, io);
}

/** A new server is one question: approve all it offers, go through it item by item, or quarantine it. */
async function askFirstSeen(host: HostControl, entry: { server: string; members: ReviewItem[] }, ask: (q: string) => Promise<string>, io: CliIo, options: ReviewTextOptions): Promise<ReviewAnswer[]> {
  io.out(firstSeenText(entry.server, entry.members, options));
  const waiting = entry.members.flatMap((m) => m.pendingCalls);
  if (waiting.length > 0) io.out(`   asking: ${waitingText({ pendingCalls: waiting })}\n`);
  const answer = await askFirstSeenAnswer(ask, waiting.length > 0);
  const surfaceHash = entry.members[0]?.surfaceHash ?? null;
  try {
    if (answer === 'approve' && surfaceHash !== null) {
      const r = await host.approve(entry.server, { hash: surfaceHash });
      io.out(`   approved all that "${entry.server}" offers; it is ${r.state}\n\n`);
      return ['approve'];
    }
    if (answer === 'quarantine') {
      const r = await host.quarantine(entry.server, { reason: 'answered n in airlock review' });
      io.out(`   quarantined "${entry.server}": every call to it is denied; it is ${r.state}\n\n`);
      return ['quarantine'];
    }
  } catch (error) {
    io.out(`   ${(error as Error).message}\n\n`);
    return ['skip'];
  }
  if (answer === 'once') {
    await allowWaitingOnce(host, waiting, io);
    io.out(`   nothing of "${entry.server}" is approved: its next call is held again\n\n`);
    return ['once'];
  }
  if (answer !== 'each') {
    io.out('   skipped: its calls keep waiting until they time out\n\n');
    return ['skip'];
  }
  io.out('\n');
  const answers: ReviewAnswer[] = [];
  for (const [index, member] of entry.members.entries()) answers.push(await askItem(host, member, ask, io, { ...options, position: { index: index + 1, total: entry.members.length } }));
  return answers;
}

async function askFirstSeenAnswer(ask: (q: string) => Promise<string>, callsWait: boolean): Promise<'once' | 'approve' | 'each' | 'quarantine' | 'skip'> {
  let question = `Answer: ${callsWait ? '[o]nce (let the waiting calls through), ' : ''}[y]es approve all it offers, [e]ach item in turn, [n]o quarantine the server, Enter skip: `;
  for (;;) {
    const answer = (await ask(question)).trim().toLowerCase();
    if (answer === '') return 'skip';
    if (answer === 'y' || answer === 'yes') return 'approve';
    if (answer === 'n' || answer === 'no') return 'quarantine';
    if (answer === 'e' || answer === 'each') return 'each';
    if ((answer === 'o' || answer === 'once') && callsWait) return 'once';
    question = `Type ${callsWait ? 'o, ' : ''}y, e or n, or press Enter to skip: `;
  }
}

/** The waiting calls' arguments, as the window shows them (redacted); a call the Host no longer keeps is left out. */
async function heldArguments(host: HostControl, item: ReviewItem): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  for (const call of item.pendingCalls) {
    if (call.callId === null) continue;
    const detail = await host.callArguments(call.callId);
    if (detail.available) found.set(call.callId, detail.arguments);
  }
  return found;
}

function approveHint(item: ReviewItem): string {
  if (item.hash === null) return `airlock approve ${item.server} --hash ${item.surfaceHash}`;
  const kind = item.kind === 'tool' ? '' : ` --kind ${item.kind}`;
  return `airlock approve ${item.server} ${JSON.stringify(item.key)}${kind} --hash ${item.hash}`;
}

/** `--release NAME` names a tool; `--release KIND:KEY` any item (`tool:a:b` for a tool whose name has a colon). */
function releaseTarget(value: string): { kind: ItemKind; key: string } {
  const colon = value.indexOf(':');
  const kind = colon > 0 ? value.slice(0, colon) : '';
  if ((ITEM_KINDS as readonly string[]).includes(kind) && colon < value.length - 1) return { kind: kind as ItemKind, key: value.slice(colon + 1) };
  if (value === '') throw new UsageError('--release needs an item: a tool name, or KIND:KEY');
  return { kind: 'tool', key: value };
}

function itemKind(value: string): ItemKind {
  if ((ITEM_KINDS as readonly string[]).includes(value)) return value as ItemKind;
  throw new UsageError(`--kind must be one of ${ITEM_KINDS.join(', ')}, not "${value}"`);
}

/** A refused approval is the user's to fix (review again), not a crash: exit 2 with its message. */
async function refusalsAsUsage<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
