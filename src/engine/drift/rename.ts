import type { ToolDef } from '../surface.js';
import { isJsonObject, sameJson } from './json-values.js';
import { foldText } from './unicode-text.js';

/** Descriptions this similar (token Jaccard) are taken as the same tool under a new name. */
export const RENAME_SIMILARITY = 0.8;

export interface RenamePair {
  from: ToolDef;
  to: ToolDef;
  reason: string;
}

function wordSet(text: string | undefined): Set<string> {
  return new Set(foldText(text ?? '').toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((w) => w !== ''));
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/** An input schema with no parameters matches every other one, so it proves nothing about identity. */
function hasParameters(schema: unknown): boolean {
  const props = isJsonObject(schema) ? schema.properties : undefined;
  return isJsonObject(props) && Object.keys(props).length > 0;
}

/**
 * Pairs removed and added tools that are likely the same tool renamed. Greedy over the best
 * scores, ties broken by name, so the pairing is deterministic. A pair is only a hint for the
 * reviewer: the new tool stays held like any added tool.
 */
export function pairRenames(removed: readonly ToolDef[], added: readonly ToolDef[]): RenamePair[] {
  const candidates: { from: ToolDef; to: ToolDef; score: number; reason: string }[] = [];
  for (const from of removed) {
    for (const to of added) {
      const sameSchema = hasParameters(from.inputSchema) && sameJson(from.inputSchema, to.inputSchema);
      const similarity = jaccard(wordSet(from.description), wordSet(to.description));
      if (!sameSchema && similarity < RENAME_SIMILARITY) continue;
      const reason = sameSchema ? 'same input schema' : `description ${Math.round(similarity * 100)}% similar`;
      candidates.push({ from, to, score: (sameSchema ? 1 : 0) + similarity, reason });
    }
  }
  candidates.sort((x, y) => y.score - x.score || cmp(x.from.name, y.from.name) || cmp(x.to.name, y.to.name));
  const used = new Set<string>();
  const pairs: RenamePair[] = [];
  for (const c of candidates) {
    if (used.has(`-${c.from.name}`) || used.has(`+${c.to.name}`)) continue;
    used.add(`-${c.from.name}`).add(`+${c.to.name}`);
    pairs.push({ from: c.from, to: c.to, reason: c.reason });
  }
  return pairs;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
