import type { ItemFindings } from './item-findings.js';
import { addedText } from './added-text.js';
import { childPointer } from './json-pointer.js';
import { isJsonObject } from './json-values.js';
import { findExfiltration, type AddedText } from './exfiltration.js';
import { instructionCues } from './instruction-cues.js';
import { formatCodePoints, invisibleCodePoints } from './unicode-text.js';

/** Every string in a definition by JSON Pointer: values, and object keys (a key is text the model reads too). */
interface Texts {
  values: Map<string, string>;
  keys: Map<string, string>;
}

function collectTexts(value: unknown, path = '', into: Texts = { values: new Map(), keys: new Map() }): Texts {
  if (typeof value === 'string') into.values.set(path, value);
  else if (Array.isArray(value)) value.forEach((v, i) => collectTexts(v, childPointer(path, i), into));
  else if (isJsonObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const at = childPointer(path, k);
      into.keys.set(at, k);
      collectTexts(v, at, into);
    }
  }
  return into;
}

/**
 * Runs the text checks over what a change added to one item. `before` is the approved
 * definition at the same key (the old one for a rename), undefined for a new item, in which
 * case all its text counts as added. Checks look only at new text, so something the user
 * already approved is not reported again on every later change.
 */
export function checkAddedText(f: ItemFindings, before: unknown, after: unknown): void {
  const old = collectTexts(before);
  const now = collectTexts(after);
  const added: AddedText[] = [];
  for (const [texts, oldTexts, isKey] of [[now.values, old.values, false], [now.keys, old.keys, true]] as const) {
    for (const [path, text] of texts) {
      const prior = oldTexts.get(path);
      if (prior === text) continue;
      checkInvisible(f, path, prior, text, isKey);
      const fresh = addedText(prior ?? '', text);
      if (fresh !== '') added.push({ path, text: fresh });
      checkCues(f, path, prior, text, fresh);
    }
  }
  const exfil = findExfiltration(added);
  if (exfil !== null) {
    f.add(
      'text.exfiltration',
      'critical',
      exfil.path,
      old.values.get(exfil.path),
      now.values.get(exfil.path) ?? now.keys.get(exfil.path),
      `added text at ${exfil.path || '/'} reads like data exfiltration: ${JSON.stringify(exfil.sensitive)} with ${JSON.stringify(exfil.egress)} to ${JSON.stringify(exfil.destination)}; do not approve it`,
    );
  }
}

function checkInvisible(f: ItemFindings, path: string, prior: string | undefined, text: string, isKey: boolean): void {
  const known = new Set(invisibleCodePoints(prior ?? ''));
  const fresh = invisibleCodePoints(text).filter((cp) => !known.has(cp));
  if (fresh.length === 0) return;
  const ansi = fresh.includes(0x1b) ? ' (an ANSI escape)' : '';
  const where = isKey ? `in the key at ${path}` : `at ${path || '/'}`;
  f.add('text.invisible-chars', 'high', path, prior, text, `invisible or control characters ${formatCodePoints(fresh)}${ansi} were added ${where}; a person cannot see what they say to the model`);
}

/**
 * Cue phrases in the added words, or in the whole new text when the old text lacked them: the
 * second catches a phrase assembled by interleaving new words with approved ones.
 */
function checkCues(f: ItemFindings, path: string, prior: string | undefined, text: string, fresh: string): void {
  const before = new Set(instructionCues(prior ?? ''));
  const cues = [...new Set([...instructionCues(fresh), ...instructionCues(text).filter((c) => !before.has(c))])];
  if (cues.length === 0) return;
  f.add('text.instruction-cue', 'high', path, prior, text, `added text at ${path || '/'} addresses the model (${cues.map((c) => JSON.stringify(c)).join(', ')}); read it before approving`);
}
