import { diffJson, diffWords } from 'diff';

/**
 * How an approved and a live definition differ, in the two forms the Review view shows: the
 * prose a model reads (title, description) word by word, and the rest of the definition
 * (schemas, annotations, …) line by line over its pretty-printed canonical JSON.
 */

/** Top-level fields read as prose; everything else is structure. */
export const TEXT_FIELDS = ['title', 'description'] as const;

export interface TextField {
  field: string;
  approved: string | null;
  live: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The prose fields present on either side. A definition that is itself a string (only a
 * server's instructions are) is one prose field.
 */
export function textFields(approved: unknown, live: unknown): TextField[] {
  if (typeof approved === 'string' || typeof live === 'string') {
    return [{ field: 'instructions', approved: typeof approved === 'string' ? approved : null, live: typeof live === 'string' ? live : null }];
  }
  const fields: TextField[] = [];
  for (const field of TEXT_FIELDS) {
    const a = isRecord(approved) && typeof approved[field] === 'string' ? approved[field] : null;
    const l = isRecord(live) && typeof live[field] === 'string' ? live[field] : null;
    if (a !== null || l !== null) fields.push({ field, approved: a, live: l });
  }
  return fields;
}

/** The definition without its prose fields (those are diffed word by word); undefined when nothing is left. */
export function structureOf(definition: unknown): unknown {
  if (definition === null || definition === undefined || typeof definition === 'string') return undefined;
  if (!isRecord(definition)) return definition;
  const rest = Object.fromEntries(Object.entries(definition).filter(([key, value]) => !(TEXT_FIELDS as readonly string[]).includes(key) || typeof value !== 'string'));
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/** Keys sorted recursively in code-unit order (as RFC 8785 orders them), so key order never shows as a change. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((key) => [key, sortedKeys(value[key])]),
  );
}

/** Canonical pretty JSON: sorted keys, two-space indent; empty for nothing. */
export function prettyCanonical(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(sortedKeys(value), null, 2);
}

export type Change = 'same' | 'added' | 'removed';
export interface WordPart {
  text: string;
  change: Change;
}

const WHITESPACE = /\s/;

/**
 * `diffWords` ignores whitespace and hands some of it to the other side's parts, so its parts
 * need not spell the original text ("disk and" can come back as "diskand"). A reviewer must see
 * each text exactly, so the parts are laid back onto it: each part keeps its words, the text
 * supplies the whitespace, and whitespace leading into a change stays unmarked.
 */
export function alignToText(parts: readonly WordPart[], text: string): WordPart[] {
  const out: WordPart[] = [];
  const push = (part: WordPart) => {
    if (part.text === '') return;
    const last = out[out.length - 1];
    if (last?.change === part.change) last.text += part.text;
    else out.push({ ...part });
  };
  let at = 0;
  for (const part of parts) {
    const start = at;
    let wordStart = -1;
    for (const unit of part.text) {
      if (WHITESPACE.test(unit)) continue;
      while (at < text.length && WHITESPACE.test(text[at] ?? '')) at++;
      if (!text.startsWith(unit, at)) return [...parts];
      if (wordStart < 0) wordStart = at;
      at += unit.length;
    }
    if (wordStart < 0) continue;
    if (part.change !== 'same') push({ text: text.slice(start, wordStart), change: 'same' });
    push({ text: text.slice(part.change === 'same' ? start : wordStart, at), change: part.change });
  }
  push({ text: text.slice(at), change: 'same' });
  return out;
}

/** The approved text (unchanged and removed words) and the live text (unchanged and added words), each exactly as it is. */
export function wordDiff(approved: string, live: string): { approved: WordPart[]; live: WordPart[] } {
  const left: WordPart[] = [];
  const right: WordPart[] = [];
  for (const part of diffWords(approved, live)) {
    if (part.added) right.push({ text: part.value, change: 'added' });
    else if (part.removed) left.push({ text: part.value, change: 'removed' });
    else {
      left.push({ text: part.value, change: 'same' });
      right.push({ text: part.value, change: 'same' });
    }
  }
  return { approved: alignToText(left, approved), live: alignToText(right, live) };
}

export interface DiffLine {
  text: string;
  change: Change;
}
export type DiffRow = { kind: 'lines'; approved: DiffLine | null; live: DiffLine | null } | { kind: 'fold'; count: number };

function linesOf(value: string): string[] {
  return value.replace(/\n$/, '').split('\n');
}

/**
 * Side-by-side rows of a line diff: removed lines on the left paired with the added lines that
 * replace them on the right, unchanged lines on both, and runs of unchanged lines further than
 * `context` from any change folded into one row.
 */
export function sideBySideRows(approvedText: string, liveText: string, context = 3): DiffRow[] {
  const rows: { approved: DiffLine | null; live: DiffLine | null }[] = [];
  let removed: string[] = [];
  let added: string[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      const a = removed[i];
      const l = added[i];
      rows.push({ approved: a === undefined ? null : { text: a, change: 'removed' }, live: l === undefined ? null : { text: l, change: 'added' } });
    }
    removed = [];
    added = [];
  };
  // diffJson compares lines ignoring a trailing comma, so appending to a list marks one line, not two.
  for (const part of approvedText === '' && liveText === '' ? [] : diffJson(approvedText, liveText)) {
    if (part.removed) removed.push(...linesOf(part.value));
    else if (part.added) added.push(...linesOf(part.value));
    else {
      flush();
      for (const text of linesOf(part.value)) rows.push({ approved: { text, change: 'same' }, live: { text, change: 'same' } });
    }
  }
  flush();
  const changed = rows.map((r) => r.approved?.change !== 'same' || r.live?.change !== 'same');
  const near = rows.map((_, i) => changed.slice(Math.max(0, i - context), i + context + 1).some(Boolean));
  const out: DiffRow[] = [];
  let far: DiffRow[] = [];
  const flushFar = () => {
    // Folding a single line saves nothing, so it is shown.
    out.push(...(far.length > 1 ? [{ kind: 'fold' as const, count: far.length }] : far));
    far = [];
  };
  rows.forEach((row, i) => {
    if (near[i]) {
      flushFar();
      out.push({ kind: 'lines', ...row });
    } else far.push({ kind: 'lines', ...row });
  });
  flushFar();
  return out;
}
