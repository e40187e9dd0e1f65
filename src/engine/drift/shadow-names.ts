import type { ToolDef } from '../surface.js';
import type { ItemChange } from './drift-types.js';
import { ItemFindings } from './item-findings.js';
import { nameWords } from './sensitive-names.js';

/**
 * A new tool that passes for one the user approved on the same server: the same name but for
 * case and separators or look-alike characters, the approved name with a lure word added
 * ("navigate_enhanced", "best_navigate"), or a description that copies the approved tool's.
 * The model picks between tools by name and description, so a copy competes for its calls.
 */
const LURE_WORDS = new Set([
  'enhanced', 'advanced', 'pro', 'plus', 'premium', 'best', 'better', 'improved', 'secure', 'safe', 'official', 'verified',
  'optimized', 'optimised', 'fast', 'faster', 'super', 'ultimate', 'updated', 'latest', 'new', 'fixed', 'v2', 'v3', 'next', 'turbo', 'smart', 'real', 'true',
]);
/** Words shared by two descriptions before one counts as a copy of the other. */
const COPY_SIMILARITY = 0.7;
const MIN_COPY_WORDS = 8;

export function checkShadowing(change: ItemChange, tool: ToolDef, approved: readonly ToolDef[]): void {
  const f = new ItemFindings('tool', tool.name);
  const mine = skeleton(tool.name);
  const myWords = nameWords(tool.name);
  for (const other of approved) {
    if (other.name === tool.name) continue;
    if (skeleton(other.name) === mine) {
      f.add('tool.shadow-name', 'high', '/name', other.name, tool.name, `its name looks like that of approved tool ${JSON.stringify(other.name)}`);
      break;
    }
    const theirs = nameWords(other.name);
    const extra = myWords.filter((w) => !theirs.includes(w));
    if (theirs.length > 0 && containsInOrder(myWords, theirs) && extra.length > 0 && extra.every((w) => LURE_WORDS.has(w))) {
      f.add('tool.shadow-name', 'high', '/name', other.name, tool.name, `its name is approved tool ${JSON.stringify(other.name)} with ${extra.map((w) => JSON.stringify(w)).join(', ')} added`);
      break;
    }
    if (copies(tool.description, other.description)) {
      f.add('tool.shadow-name', 'high', '/description', other.description, tool.description, `its description copies that of approved tool ${JSON.stringify(other.name)}`);
      break;
    }
  }
  change.findings.push(...f.findings);
}

/** The name with case, separators and look-alike characters folded: "Send-Emai1" → "sendemail". */
function skeleton(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_.-]+/g, '')
    .replace(/[1|!]/g, 'l')
    .replace(/0/g, 'o')
    .replace(/rn/g, 'm')
    .replace(/[\u0430]/g, 'a')
    .replace(/[\u0435]/g, 'e')
    .replace(/[\u043e]/g, 'o')
    .replace(/[\u0440]/g, 'p')
    .replace(/[\u0441]/g, 'c')
    .replace(/[\u0445]/g, 'x');
}

function containsInOrder(words: readonly string[], part: readonly string[]): boolean {
  let i = 0;
  for (const w of words) if (w === part[i]) i += 1;
  return i === part.length;
}

function copies(mine: string | undefined, theirs: string | undefined): boolean {
  if (!mine || !theirs) return false;
  const a = new Set(mine.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const b = new Set(theirs.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  if (a.size < MIN_COPY_WORDS || b.size < MIN_COPY_WORDS) return false;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared += 1;
  return shared / Math.min(a.size, b.size) >= COPY_SIMILARITY;
}
