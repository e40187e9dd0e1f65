import type { ItemFindings } from './item-findings.js';
import { addedText } from './added-text.js';
import { childPointer } from './json-pointer.js';
import { isJsonObject } from './json-values.js';
import { findExfiltration, type AddedText } from './exfiltration.js';
import { modelDirectedSignals, namesToUseInstead } from './model-directed-text.js';
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
export interface TextContext {
  /** The tools of this server the user approved (for a first-seen server: all it lists). */
  ownTools: ReadonlySet<string>;
}

export function checkAddedText(f: ItemFindings, before: unknown, after: unknown, context: TextContext = { ownTools: new Set() }): void {
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
      checkDirected(f, path, prior, text, fresh, context);
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
 * What the added words ask the model to do, and what the whole new text asks that the old one
 * did not: the second catches an order assembled by interleaving new words with approved ones.
 * Each kind is its own finding, high, with the reason a user reads.
 */
function checkDirected(f: ItemFindings, path: string, prior: string | undefined, text: string, fresh: string, context: TextContext): void {
  const known = new Set(modelDirectedSignals(prior ?? '').map((s) => s.kind));
  const signals = [...modelDirectedSignals(fresh), ...modelDirectedSignals(text).filter((s) => !known.has(s.kind))];
  const seen = new Set<string>();
  for (const signal of signals) {
    if (seen.has(signal.kind)) continue;
    seen.add(signal.kind);
    f.add(`text.directed.${signal.kind}`, 'high', path, prior, text, `added text at ${path || '/'} ${DIRECTED_LABEL[signal.kind]} (${JSON.stringify(signal.evidence)})`, false, signal.why);
  }
  checkSteering(f, path, prior, text, context);
}

const DIRECTED_LABEL: Record<string, string> = {
  authority: 'speaks to the model with authority it does not have',
  hijack: 'reorders or replaces the model’s task',
  command: 'tells the model to run a command',
  network: 'tells the model to contact an outside address',
  'file-write': 'tells the model to change files or settings',
  secrets: 'leads the model to secrets',
  'context-leak': 'asks for the conversation, the model’s instructions or facts about you',
  disclosure: 'says the tool sends or keeps your data outside this machine',
  concealment: 'tells the model to hide what it does',
  lure: 'advertises the tool over others',
  redirect: 'steers the model away from an approved tool',
};

/**
 * "Use X instead": towards a tool of this server the user approved it is routine advice
 * (medium); towards anything else it redirects the model (high).
 */
function checkSteering(f: ItemFindings, path: string, prior: string | undefined, text: string, context: TextContext): void {
  const before = new Set(namesToUseInstead(prior ?? ''));
  const named = namesToUseInstead(text).filter((n) => !before.has(n) && n !== f.key);
  if (named.length === 0) return;
  const foreign = named.filter((n) => !context.ownTools.has(n));
  if (foreign.length > 0) {
    // Medium, not high: advice to use a tool of another server, or one not listed yet, is often
    // honest; a redirect that disparages the approved tool is rated high by the text rules.
    f.add('text.steers-to-tool', 'medium', path, prior, text, `added text at ${path || '/'} tells the model to use ${foreign.map((n) => JSON.stringify(n)).join(', ')} instead, which is not a tool you approved on this server`);
  } else {
    f.add('text.steers-to-tool', 'medium', path, prior, text, `added text at ${path || '/'} tells the model to use ${named.map((n) => JSON.stringify(n)).join(', ')} instead`);
  }
}
