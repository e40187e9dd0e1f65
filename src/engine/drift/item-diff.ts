import type { Severity } from '../severity.js';
import type { ItemKind } from '../surface.js';
import { diffAnnotations } from './annotations-diff.js';
import type { ItemFindings } from './item-findings.js';
import { childPointer } from './json-pointer.js';
import { field, isJsonObject, preview, sameJson, unionKeys } from './json-values.js';
import { diffSchema } from './schema-diff.js';
import { diffValues } from './value-diff.js';

/** Severity of an item appearing or disappearing: everything the model reads is medium, serverInfo low. */
export function presenceSeverity(kind: ItemKind): Severity {
  return kind === 'server-info' ? 'low' : 'medium';
}

/** Field-by-field diff of two definitions of the same item (or of a renamed tool's old and new). */
export function diffItem(f: ItemFindings, before: unknown, after: unknown): void {
  switch (f.kind) {
    case 'instructions':
      return f.compareProse('', before, after, 'instructions.changed', 'medium', 'text');
    case 'server-info':
      return diffServerInfo(f, before, after);
    case 'tool':
      return diffTool(f, before, after);
    case 'prompt':
      return diffFields(f, before, after, 'medium', (key, b, a, path) => {
        if (key !== 'arguments') return false;
        diffPromptArguments(f, b, a, path);
        return true;
      });
    default:
      return diffFields(f, before, after, 'medium', () => false);
  }
}

type FieldRule = (key: string, before: unknown, after: unknown, path: string) => boolean;

/**
 * Every field of the two definitions, union of keys: `rule` handles the ones it knows, prose
 * fields get the cosmetic test, and anything else (unknown fields included) the generic diff
 * as `<kind>.field.changed` at `severity`.
 */
function diffFields(f: ItemFindings, before: unknown, after: unknown, severity: Severity, rule: FieldRule): void {
  for (const key of unionKeys(before, after)) {
    const b = field(before, key);
    const a = field(after, key);
    const path = childPointer('', key);
    if (sameJson(b, a)) continue;
    // A tool's name is its key; a rename is reported once, as tool.renamed.
    if (key === 'name' && f.kind === 'tool') continue;
    if (rule(key, b, a, path)) continue;
    if (key === 'description' || key === 'title') f.compareProse(path, b, a, `${f.kind}.${key}.changed`, severity, key);
    else diffValues(f, b, a, path, `${f.kind}.field.changed`, severity);
  }
}

const TOOL_FIELD_CODES: Record<string, [string, Severity]> = {
  icons: ['tool.icons.changed', 'low'],
  _meta: ['tool.meta.changed', 'medium'],
  execution: ['tool.execution.changed', 'medium'],
};

function diffTool(f: ItemFindings, before: unknown, after: unknown): void {
  diffFields(f, before, after, 'medium', (key, b, a, path) => {
    if (key === 'inputSchema' || key === 'outputSchema') {
      const root = key === 'inputSchema' ? 'input schema' : 'output schema';
      const code = key === 'inputSchema' ? 'tool.input-schema' : 'tool.output-schema';
      if (b === undefined) f.add(`${code}.added`, 'medium', path, b, a, `${root} was added`);
      else if (a === undefined) f.add(`${code}.removed`, 'medium', path, b, a, `${root} was removed`);
      else diffSchema(f, b, a, path, `the ${root}`, key === 'inputSchema' ? 'parameter' : 'output field');
      return true;
    }
    if (key === 'annotations') {
      diffAnnotations(f, b, a, path);
      return true;
    }
    const known = TOOL_FIELD_CODES[key];
    if (known === undefined) return false;
    diffValues(f, b, a, path, known[0], known[1]);
    return true;
  });
}

/** Only the version moving is routine (info, auto-approvable); a new name or URL is held (low). */
function diffServerInfo(f: ItemFindings, before: unknown, after: unknown): void {
  diffFields(f, before, after, 'low', (key, b, a, path) => {
    if (key !== 'version' || typeof b !== 'string' || typeof a !== 'string') return false;
    f.add('server-info.version.changed', 'info', path, b, a, `version changed from ${preview(b)} to ${preview(a)}; approved automatically`);
    return true;
  });
}

function argumentsByName(list: unknown): Map<string, [number, unknown]> | null {
  if (list === undefined) return new Map();
  if (!Array.isArray(list)) return null;
  const byName = new Map<string, [number, unknown]>();
  for (const [i, arg] of list.entries()) {
    const name = field(arg, 'name');
    if (typeof name !== 'string' || byName.has(name)) return null;
    byName.set(name, [i, arg]);
  }
  return byName;
}

/** Prompt arguments are matched by name, so reordering them is not a change of meaning. */
function diffPromptArguments(f: ItemFindings, before: unknown, after: unknown, path: string): void {
  const b = argumentsByName(before);
  const a = argumentsByName(after);
  if (b === null || a === null) return diffValues(f, before, after, path, 'prompt.argument.changed', 'medium');
  for (const name of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const old = b.get(name);
    const now = a.get(name);
    if (old === undefined && now !== undefined) {
      const required = isJsonObject(now[1]) && now[1].required === true;
      const at = childPointer(path, now[0]);
      if (required) f.add('prompt.argument.required-added', 'medium', at, undefined, now[1], `argument ${JSON.stringify(name)} was added and is required`);
      else f.add('prompt.argument.added', 'medium', at, undefined, now[1], `argument ${JSON.stringify(name)} was added (optional)`);
    } else if (old !== undefined && now === undefined) {
      f.add('prompt.argument.removed', 'medium', childPointer(path, old[0]), old[1], undefined, `argument ${JSON.stringify(name)} was removed`);
    } else if (old !== undefined && now !== undefined) {
      diffValues(f, old[1], now[1], childPointer(path, now[0]), 'prompt.argument.changed', 'medium');
    }
  }
}
