import type { Severity } from '../severity.js';
import type { ItemFindings } from './item-findings.js';
import { childPointer } from './json-pointer.js';
import { isJsonObject, sameJson, unionKeys } from './json-values.js';

/** Keys whose string values are prose a person reads, where a whitespace-only edit is cosmetic. */
const PROSE_KEYS = new Set(['description', 'title']);

/**
 * Generic field-by-field diff, the fallback for everything without a dedicated rule (_meta,
 * icons, unknown fields, resources). It descends into objects and equal-length arrays so the
 * finding points at the leaf that changed; any other difference is reported whole.
 */
export function diffValues(f: ItemFindings, before: unknown, after: unknown, path: string, code: string, severity: Severity): void {
  if (sameJson(before, after)) return;
  if (isJsonObject(before) && isJsonObject(after)) {
    for (const key of unionKeys(before, after)) diffValues(f, before[key], after[key], childPointer(path, key), code, severity);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => diffValues(f, b, after[i], childPointer(path, i), code, severity));
    return;
  }
  const last = path.slice(path.lastIndexOf('/') + 1);
  if (PROSE_KEYS.has(last)) {
    f.compareProse(path, before, after, code, severity, `field ${path}`);
    return;
  }
  const verb = before === undefined ? 'was added' : after === undefined ? 'was removed' : 'changed';
  f.add(code, severity, path, before, after, `field ${path} ${verb}`);
}
