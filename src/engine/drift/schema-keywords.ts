import { canonicalJson } from '../canonical-json.js';
import type { ItemFindings } from './item-findings.js';
import { childPointer } from './json-pointer.js';
import { preview, sameJson } from './json-values.js';

/** Where a keyword sits and how to name it in a message (`parameter "options.mode"`). */
export interface SchemaPlace {
  path: string;
  subject: string;
}

const LOWER_BOUNDS = new Set(['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties', 'minContains']);
const UPPER_BOUNDS = new Set(['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'maxContains']);

export function isBoundKeyword(keyword: string): boolean {
  return LOWER_BOUNDS.has(keyword) || UPPER_BOUNDS.has(keyword);
}

/**
 * A relaxed bound lets the model send what the approved schema refused (longer strings, bigger
 * numbers, more items); a removed bound is the loosest relaxation of all.
 */
export function diffBound(f: ItemFindings, keyword: string, before: unknown, after: unknown, at: SchemaPlace): void {
  const path = childPointer(at.path, keyword);
  const what = `${at.subject} ${keyword}`;
  if (before !== undefined && after !== undefined && (typeof before !== 'number' || typeof after !== 'number')) {
    f.add('schema.bound.changed', 'medium', path, before, after, `${what} changed from ${preview(before)} to ${preview(after)}`);
    return;
  }
  const lower = LOWER_BOUNDS.has(keyword);
  const relaxed =
    after === undefined || (before !== undefined && (lower ? (after as number) < (before as number) : (after as number) > (before as number)));
  if (relaxed) {
    f.add('schema.bound.relaxed', 'medium', path, before, after, `${what} was relaxed from ${preview(before)} to ${preview(after)}`);
  } else {
    f.add('schema.bound.tightened', 'low', path, before, after, `${what} was tightened from ${preview(before)} to ${preview(after)}`);
  }
}

/** New enum values widen what the model may send; losing the enum altogether widens it to anything. */
export function diffEnum(f: ItemFindings, before: unknown, after: unknown, at: SchemaPlace): void {
  const path = childPointer(at.path, 'enum');
  if (Array.isArray(before) && after === undefined) {
    f.add('schema.enum.widened', 'medium', path, before, after, `${at.subject} is no longer restricted to ${preview(before)}`);
    return;
  }
  if (before === undefined && Array.isArray(after)) {
    f.add('schema.enum.narrowed', 'low', path, before, after, `${at.subject} is now restricted to ${preview(after)}`);
    return;
  }
  if (!Array.isArray(before) || !Array.isArray(after)) {
    f.add('schema.enum.changed', 'medium', path, before, after, `${at.subject} enum changed from ${preview(before)} to ${preview(after)}`);
    return;
  }
  const beforeSet = new Set(before.map((v) => canonicalJson(v)));
  const afterSet = new Set(after.map((v) => canonicalJson(v)));
  const added = after.filter((v) => !beforeSet.has(canonicalJson(v)));
  const removed = before.filter((v) => !afterSet.has(canonicalJson(v)));
  if (added.length > 0) f.add('schema.enum.widened', 'medium', path, before, after, `${at.subject} accepts new values ${preview(added)}`);
  if (removed.length > 0) f.add('schema.enum.narrowed', 'low', path, before, after, `${at.subject} no longer accepts ${preview(removed)}`);
  if (added.length === 0 && removed.length === 0) {
    f.add('schema.enum.reordered', 'low', path, before, after, `${at.subject} enum values were reordered or repeated`);
  }
}

export function diffConst(f: ItemFindings, before: unknown, after: unknown, at: SchemaPlace): void {
  const path = childPointer(at.path, 'const');
  if (after === undefined) {
    f.add('schema.const.removed', 'medium', path, before, after, `${at.subject} is no longer fixed to ${preview(before)}`);
  } else if (before === undefined) {
    f.add('schema.const.added', 'low', path, before, after, `${at.subject} is now fixed to ${preview(after)}`);
  } else {
    f.add('schema.const.changed', 'medium', path, before, after, `${at.subject} fixed value changed from ${preview(before)} to ${preview(after)}`);
  }
}

/** A removed pattern lets any string through where the approved schema checked its shape. */
export function diffPattern(f: ItemFindings, before: unknown, after: unknown, at: SchemaPlace): void {
  const path = childPointer(at.path, 'pattern');
  if (after === undefined) {
    f.add('schema.pattern.removed', 'medium', path, before, after, `${at.subject} pattern ${preview(before)} was removed`);
  } else if (before === undefined) {
    f.add('schema.pattern.added', 'low', path, before, after, `${at.subject} pattern ${preview(after)} was added`);
  } else {
    f.add('schema.pattern.changed', 'medium', path, before, after, `${at.subject} pattern changed from ${preview(before)} to ${preview(after)}`);
  }
}

/**
 * additionalProperties false → true, absent or a schema opens the object to keys the user never
 * saw (absent means "anything" in JSON Schema). Two schemas are diffed by the caller.
 */
export function diffAdditional(f: ItemFindings, keyword: string, before: unknown, after: unknown, at: SchemaPlace): void {
  const path = childPointer(at.path, keyword);
  const kebab = keyword.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  const open = (v: unknown): boolean => v === undefined || v === true || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  if (sameJson(before, after)) return;
  if ((before === false && after !== false) || (!open(before) && open(after))) {
    f.add(`schema.${kebab}.opened`, 'medium', path, before, after, `${at.subject} now accepts extra properties (${keyword} ${preview(before)} → ${preview(after)})`);
  } else if (after === false) {
    f.add(`schema.${kebab}.closed`, 'low', path, before, after, `${at.subject} no longer accepts extra properties`);
  } else {
    f.add(`schema.${kebab}.changed`, 'medium', path, before, after, `${at.subject} ${keyword} changed from ${preview(before)} to ${preview(after)}`);
  }
}
