import { diffLines } from 'diff';
import { formatCodePoint, isInvisibleCodePoint } from '../engine/drift/unicode-text.js';
import { severityRank } from '../engine/severity.js';
import { byKindThenKey, itemLabel, liveDescription, membersText } from '../shared/host-api/review-entries.js';
import type { ReviewItem } from '../host/review-items.js';
import { deniedInText } from '../shared/duration-text.js';
import type { ReviewAnswer } from './review-answer.js';
import { plainStyle, type TextStyle } from './terminal-style.js';

/** Invisible and control characters, shown as ⟨U+XXXX⟩ so a person sees what the model would read. */
export function showInvisible(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    out += isInvisibleCodePoint(cp) ? `⟨${formatCodePoint(cp)}⟩` : ch;
  }
  return out;
}

function pretty(value: unknown): string {
  return value === null || value === undefined ? '' : `${showInvisible(JSON.stringify(value, null, 2))}\n`;
}

/**
 * A line diff of the approved and live definitions: "-" approved only, "+" live only, with
 * `context` unchanged lines around each change and the rest folded.
 */
export function definitionDiff(approved: unknown, live: unknown, context = 2): string {
  const lines = diffLines(pretty(approved), pretty(live)).flatMap((part) => {
    const mark = part.added ? '+' : part.removed ? '-' : ' ';
    return part.value.replace(/\n$/, '').split('\n').map((text) => ({ mark, text }));
  });
  const near = lines.map((_, i) => lines.slice(Math.max(0, i - context), i + context + 1).some((l) => l.mark !== ' '));
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (near[i]) out.push(`${line.mark} ${line.text}`);
    else if (i === 0 || near[i - 1]) out.push('  …');
  });
  return out.join('\n');
}

/** What `airlock review` adds around an item: where it stands in the list, colour, and the waiting calls' arguments. */
export interface ReviewTextOptions {
  style?: TextStyle;
  /** "1 of 3". */
  position?: { index: number; total: number };
  /** Now, for the countdown. */
  now?: number;
  /** The held calls' arguments by call id, redacted as the window shows them. */
  callArguments?: ReadonlyMap<string, unknown>;
}

/** Longest arguments text shown in the terminal; the window (or --json) has the rest. */
const MAX_ARGUMENTS_CHARS = 400;

export function reviewItemText(item: ReviewItem, options: ReviewTextOptions = {}): string {
  const style = options.style ?? plainStyle;
  const worst = item.findings[0]?.severity;
  const where = options.position ? style.dim(`  (${options.position.index} of ${options.position.total})`) : '';
  const head = `── ${item.server} / ${itemLabel(item.kind, item.key)}: ${item.status}${item.quarantined ? ' (quarantined)' : ''} — server is ${item.state}`;
  const lines = [`${worst === undefined ? style.bold(head) : style.severity(worst, style.bold(head))}${where}`];
  for (const f of item.findings) {
    lines.push(`   ${style.severity(f.severity, f.severity.padEnd(8))} ${f.code}  ${showInvisible(f.message)}`);
    if (f.why) lines.push(style.dim(`            why: ${f.why}`));
  }
  const first = item.pendingCalls[0];
  if (first !== undefined) {
    const calls = item.pendingCalls.length === 1 ? '1 call waits' : `${item.pendingCalls.length} calls wait`;
    lines.push(`   ${calls}; the first is ${deniedInText(first.expiresAt, options.now ?? Date.now())}`);
    for (const call of item.pendingCalls) {
      if (call.callId === null || !options.callArguments?.has(call.callId)) continue;
      lines.push(`     with arguments: ${argumentsText(options.callArguments.get(call.callId))}`);
    }
  }
  lines.push(definitionDiff(item.approved, item.live).replace(/^/gm, '   '));
  return `${lines.join('\n')}\n`;
}

function argumentsText(value: unknown): string {
  const text = showInvisible(JSON.stringify(value ?? null) ?? 'null');
  return text.length > MAX_ARGUMENTS_CHARS ? `${text.slice(0, MAX_ARGUMENTS_CHARS)}… (${text.length} characters; all of them in the window)` : text;
}

/** What `airlock review` asks about: one item, or all of a server Airlock has never approved, as one decision. */
export type ReviewEntry = { item: ReviewItem } | { server: string; members: ReviewItem[] };

/** Items in inbox order, a first-seen server's items gathered where its first one stands. */
export function reviewEntries(items: readonly ReviewItem[]): ReviewEntry[] {
  const groups = new Map<string, ReviewItem[]>();
  const out: ReviewEntry[] = [];
  for (const item of items) {
    if (!item.firstSeen) {
      out.push({ item });
      continue;
    }
    const members = groups.get(item.server);
    if (members !== undefined) members.push(item);
    else {
      const group = { server: item.server, members: [item] };
      groups.set(item.server, group.members);
      out.push(group);
    }
  }
  for (const members of groups.values()) members.sort(byKindThenKey);
  return out;
}

/** A first-seen server as one decision: what it offers, its worst findings once each, who waits. */
export function firstSeenText(server: string, members: readonly ReviewItem[], options: ReviewTextOptions = {}): string {
  const style = options.style ?? plainStyle;
  const findings = new Map<string, ReviewItem['findings'][number]>();
  for (const f of members.flatMap((m) => m.findings)) findings.set(`${f.code}\u0000${f.itemKind ?? ''}\u0000${f.itemKey ?? ''}\u0000${f.path}`, f);
  const ordered = [...findings.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const worst = ordered[0]?.severity;
  const where = options.position ? style.dim(`  (${options.position.index} of ${options.position.total})`) : '';
  const head = `── new server "${server}": ${membersText(members)}; nothing of it is approved yet`;
  const lines = [`${worst === undefined ? style.bold(head) : style.severity(worst, style.bold(head))}${where}`];
  for (const f of ordered) {
    const on = f.itemKey === null ? '' : ` (${f.itemKind ?? 'item'} "${f.itemKey}")`;
    lines.push(`   ${style.severity(f.severity, f.severity.padEnd(8))} ${f.code}${on}  ${showInvisible(f.message)}`);
    if (f.why) lines.push(style.dim(`            why: ${f.why}`));
  }
  for (const m of members) lines.push(`   ${memberText(m)}${m.pendingCalls.length > 0 ? style.bold(`  ← ${m.pendingCalls.length === 1 ? 'a call waits' : `${m.pendingCalls.length} calls wait`}`) : ''}`);
  const first = members.flatMap((m) => m.pendingCalls).sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))[0];
  if (first !== undefined) lines.push(`   the first waiting call is ${deniedInText(first.expiresAt, options.now ?? Date.now())}`);
  return `${lines.join('\n')}\n`;
}

/** One item of a new server on one line: a tool by its name and the first line of its description. */
function memberText(item: ReviewItem): string {
  const text = typeof item.live === 'string' ? item.live : liveDescription(item.live);
  const line = text === null ? '' : showInvisible(text.trim().split('\n')[0] ?? '');
  const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  if (item.kind === 'instructions') return `instructions  ${shown === '' ? '(empty)' : shown}`;
  if (item.kind === 'server-info') return `server info   ${serverInfoText(item.live)}`;
  return `${item.kind.replace('-', ' ').padEnd(13)} ${showInvisible(item.key)}${shown === '' ? '' : ` — ${shown}`}`;
}

function serverInfoText(live: unknown): string {
  if (typeof live !== 'object' || live === null) return '';
  const { name, version } = live as { name?: unknown; version?: unknown };
  return showInvisible([name, version].filter((v) => typeof v === 'string').join(' '));
}

/** The end of an interactive review: "2 approved, 1 quarantined, 1 skipped". */
export function answersSummary(answers: readonly ReviewAnswer[]): string {
  const count = (a: ReviewAnswer) => answers.filter((x) => x === a).length;
  const parts = [
    [count('approve'), 'approved'],
    [count('once'), 'allowed once'],
    [count('quarantine'), 'quarantined'],
    [count('skip'), 'skipped'],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  return said.length === 0 ? 'No answers given.' : `${said.join(', ')}.`;
}
