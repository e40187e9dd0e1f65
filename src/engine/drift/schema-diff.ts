import type { ItemFindings } from './item-findings.js';
import { childPointer } from './json-pointer.js';
import { field, isJsonObject, preview, sameJson, unionKeys } from './json-values.js';
import { diffAdditional, diffBound, diffConst, diffEnum, diffPattern, isBoundKeyword, type SchemaPlace } from './schema-keywords.js';
import { isOutOfScopeName, isSensitiveName } from './sensitive-names.js';
import { diffValues } from './value-diff.js';

/** How a schema's parts are named in messages: "parameter" in an inputSchema, "output field" in an outputSchema. */
interface Naming {
  noun: string;
  /** Dotted property path from the schema root ("options.mode"), null at the root. */
  param: string | null;
  note: string;
  root: string;
}

interface Place extends SchemaPlace {
  naming: Naming;
}

const SINGLE_SUBSCHEMAS = new Set(['not', 'if', 'then', 'else', 'contains', 'propertyNames', 'additionalItems', 'unevaluatedItems', 'contentSchema']);
const LISTED_SUBSCHEMAS = new Set(['prefixItems', 'anyOf', 'oneOf', 'allOf']);
const KEYED_SUBSCHEMAS = new Set(['$defs', 'definitions', 'patternProperties', 'dependentSchemas']);

function place(path: string, naming: Naming): Place {
  const subject = naming.param === null ? `${naming.root}${naming.note}` : `${naming.noun} ${JSON.stringify(naming.param)}${naming.note}`;
  return { path, subject, naming };
}

function propertyNaming(naming: Naming, name: string): Naming {
  return { ...naming, param: naming.param === null ? name : `${naming.param}.${name}`, note: '' };
}

/**
 * Diffs two JSON Schemas keyword by keyword, all the way down. `root` names the schema in
 * messages ("input schema"), `noun` names its properties ("parameter").
 */
export function diffSchema(f: ItemFindings, before: unknown, after: unknown, path: string, root: string, noun: string): void {
  diffAt(f, before, after, place(path, { noun, param: null, note: '', root }));
}

function diffAt(f: ItemFindings, before: unknown, after: unknown, at: Place): void {
  if (sameJson(before, after)) return;
  // Boolean schemas (true = anything, false = nothing) and malformed ones are compared whole.
  if (!isJsonObject(before) || !isJsonObject(after)) {
    f.add('schema.changed', 'medium', at.path, before, after, `${at.subject} changed from ${preview(before)} to ${preview(after)}`);
    return;
  }
  for (const keyword of unionKeys(before, after)) {
    const b = before[keyword];
    const a = after[keyword];
    if (sameJson(b, a)) continue;
    diffKeyword(f, keyword, b, a, before, after, at);
  }
}

function diffKeyword(f: ItemFindings, keyword: string, b: unknown, a: unknown, before: object, after: object, at: Place): void {
  const path = childPointer(at.path, keyword);
  if (keyword === 'properties') return diffProperties(f, b, a, field(after, 'required'), at);
  if (keyword === 'required') return diffRequired(f, b, a, field(before, 'properties'), field(after, 'properties'), at);
  if (keyword === 'enum') return diffEnum(f, b, a, at);
  if (keyword === 'const') return diffConst(f, b, a, at);
  if (keyword === 'pattern') return diffPattern(f, b, a, at);
  if (isBoundKeyword(keyword)) return diffBound(f, keyword, b, a, at);
  if (keyword === 'additionalProperties' || keyword === 'unevaluatedProperties') {
    if (isJsonObject(b) && isJsonObject(a) && Object.keys(b).length > 0 && Object.keys(a).length > 0) {
      return diffAt(f, b, a, place(path, { ...at.naming, note: `${at.naming.note} (extra properties)` }));
    }
    return diffAdditional(f, keyword, b, a, at);
  }
  if (keyword === 'type') {
    return f.add('schema.type.changed', 'medium', path, b, a, `${at.subject} type changed from ${preview(b)} to ${preview(a)}`);
  }
  if (keyword === 'description' || keyword === 'title') {
    return f.compareProse(path, b, a, `schema.${keyword}.changed`, 'medium', `${at.subject} ${keyword}`);
  }
  if (keyword === '$ref') return f.add('schema.ref.changed', 'medium', path, b, a, `${at.subject} $ref changed from ${preview(b)} to ${preview(a)}`);
  if (keyword === 'default') return f.add('schema.default.changed', 'medium', path, b, a, `${at.subject} default changed from ${preview(b)} to ${preview(a)}`);
  if (keyword === 'format') return f.add('schema.format.changed', 'medium', path, b, a, `${at.subject} format changed from ${preview(b)} to ${preview(a)}`);
  if (keyword === 'items' && !Array.isArray(b) && !Array.isArray(a) && b !== undefined && a !== undefined) {
    return diffAt(f, b, a, place(path, { ...at.naming, param: `${at.naming.param ?? ''}[]`, note: '' }));
  }
  if (SINGLE_SUBSCHEMAS.has(keyword) && b !== undefined && a !== undefined) {
    return diffAt(f, b, a, place(path, { ...at.naming, note: `${at.naming.note} (${keyword})` }));
  }
  if ((LISTED_SUBSCHEMAS.has(keyword) || keyword === 'items') && (Array.isArray(b) || Array.isArray(a))) {
    return diffSubschemaList(f, keyword, Array.isArray(b) ? b : [], Array.isArray(a) ? a : [], at);
  }
  if (KEYED_SUBSCHEMAS.has(keyword)) return diffSubschemaMap(f, keyword, b, a, at);
  // Any other keyword, known or not, is still something the model reads: diff it generically.
  diffValues(f, b, a, path, 'schema.keyword.changed', 'medium');
}

function diffProperties(f: ItemFindings, before: unknown, after: unknown, afterRequired: unknown, at: Place): void {
  const required = new Set(Array.isArray(afterRequired) ? afterRequired : []);
  for (const name of unionKeys(before, after)) {
    const b = field(before, name);
    const a = field(after, name);
    const naming = propertyNaming(at.naming, name);
    const path = childPointer(at.path, 'properties', name);
    const subject = place(path, naming).subject;
    if (b === undefined) {
      if (required.has(name)) f.add('schema.param.required-added', 'medium', path, b, a, `${subject} was added and is required`);
      else f.add('schema.param.added', 'medium', path, b, a, `${subject} was added (optional)`);
      if (isSensitiveName(name)) {
        f.add('schema.param.sensitive-added', 'high', path, b, a, `${subject} was added and its name suggests a secret; the model may fill it from its context`);
      } else if (isOutOfScopeName(name)) {
        f.add('schema.param.out-of-scope', 'high', path, b, a, `${subject} was added and asks about the model, its conversation or its instructions, which no tool needs to do its job`);
      }
    } else if (a === undefined) {
      f.add('schema.param.removed', 'medium', path, b, a, `${subject} was removed`);
    } else {
      diffAt(f, b, a, place(path, naming));
    }
  }
}

function diffRequired(f: ItemFindings, before: unknown, after: unknown, beforeProps: unknown, afterProps: unknown, at: Place): void {
  const path = childPointer(at.path, 'required');
  if ((before !== undefined && !Array.isArray(before)) || (after !== undefined && !Array.isArray(after))) {
    return f.add('schema.required.changed', 'medium', path, before, after, `${at.subject} required list changed from ${preview(before)} to ${preview(after)}`);
  }
  const b = new Set<unknown>(before ?? []);
  const a = new Set<unknown>(after ?? []);
  const name = (n: unknown): string => place(path, propertyNaming(at.naming, String(n))).subject;
  for (const n of b) {
    // A parameter removed outright is reported as removed; "no longer required" would mislead.
    if (a.has(n) || (field(beforeProps, String(n)) !== undefined && field(afterProps, String(n)) === undefined)) continue;
    f.add('schema.required.removed', 'medium', path, before, after, `${name(n)} is no longer required`);
  }
  for (const n of a) {
    // A new required parameter is already reported as schema.param.required-added.
    if (b.has(n) || (field(beforeProps, String(n)) === undefined && field(afterProps, String(n)) !== undefined)) continue;
    f.add('schema.required.added', 'medium', path, before, after, `${name(n)} is now required`);
  }
}

function diffSubschemaList(f: ItemFindings, keyword: string, before: unknown[], after: unknown[], at: Place): void {
  const count = Math.max(before.length, after.length);
  for (let i = 0; i < count; i++) {
    const path = childPointer(at.path, keyword, i);
    const note = `${at.naming.note} (${keyword} #${i})`;
    const sub = place(path, { ...at.naming, note });
    if (i >= before.length) f.add('schema.subschema.added', 'medium', path, undefined, after[i], `${sub.subject} was added`);
    else if (i >= after.length) f.add('schema.subschema.removed', 'medium', path, before[i], undefined, `${sub.subject} was removed`);
    else diffAt(f, before[i], after[i], sub);
  }
}

function diffSubschemaMap(f: ItemFindings, keyword: string, before: unknown, after: unknown, at: Place): void {
  for (const key of unionKeys(before, after)) {
    const b = field(before, key);
    const a = field(after, key);
    const path = childPointer(at.path, keyword, key);
    const sub = place(path, { ...at.naming, note: `${at.naming.note} (${keyword} ${JSON.stringify(key)})` });
    if (b === undefined) f.add('schema.subschema.added', 'medium', path, b, a, `${sub.subject} was added`);
    else if (a === undefined) f.add('schema.subschema.removed', 'medium', path, b, a, `${sub.subject} was removed`);
    else diffAt(f, b, a, sub);
  }
}
