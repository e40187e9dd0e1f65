import { diffLines } from 'diff';
import { formatCodePoint, isInvisibleCodePoint } from '../engine/drift/unicode-text.js';
import type { ReviewItem } from '../host/review-items.js';

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

export function reviewItemText(item: ReviewItem): string {
  const lines = [`── ${item.server} / ${item.kind} "${item.key}": ${item.status}${item.quarantined ? ' (quarantined)' : ''} — server is ${item.state}`];
  for (const f of item.findings) {
    lines.push(`   ${f.severity.padEnd(8)} ${f.code}  ${showInvisible(f.message)}`);
    if (f.why) lines.push(`            why: ${f.why}`);
  }
  if (item.pendingCalls.length > 0) lines.push(`   ${item.pendingCalls.length} call(s) waiting; the first is denied at ${item.pendingCalls[0]?.expiresAt}`);
  lines.push(definitionDiff(item.approved, item.live).replace(/^/gm, '   '));
  return `${lines.join('\n')}\n`;
}
