import * as TOML from '@decimalturn/toml-patch';
import { applyEdits, modify, printParseErrorCode, visit, type FormattingOptions, type ParseErrorCode } from 'jsonc-parser';
import { isDeepStrictEqual } from 'node:util';
import { parseDocument, type Document } from 'yaml';
import { applyPatch, structuredPatch } from 'diff';
import { jsonDepthExceeds } from '../input/strict-json.js';
import type { ConfigFormat, DocPath } from './client-adapter.js';
import { nestingPastLimit } from './config-depth.js';

/**
 * Reading and editing client config files without reprinting them. JSONC goes through
 * Microsoft's jsonc-parser `modify` (the edit touches only the changed value's text), TOML
 * through toml-patch, YAML through the `yaml` Document API; both of those keep comments.
 */

/** A file Airlock cannot parse: it is left untouched, and the message names the file and line. */
export class ConfigParseError extends Error {
  override name = 'ConfigParseError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: cannot be parsed (${reason}). Airlock left it untouched; fix that line (or the one before it) and run the command again.`);
  }
}

/** A set (value) or delete (undefined) at an absolute path in the document. */
export interface DocEdit {
  path: DocPath;
  value: unknown;
}

/**
 * Deepest nesting of lists and tables a client config may have. Real ones nest a handful of
 * levels (.claude.json's projects → folder → mcpServers → server → env); the bound keeps every
 * recursive reader after this one (the parsers, the edit check, structuredClone) off the stack limit.
 */
export const MAX_CONFIG_DEPTH = 128;

/**
 * The parsed value of a config file; an empty file is an empty object. Objects keep every key as
 * an own property, "__proto__" and "constructor" included, so that every server a client would
 * start is seen: read keys with Object.hasOwn / Object.entries, never `key in obj` or `obj[key]`.
 */
export function parseConfigText(text: string, format: ConfigFormat, file: string): unknown {
  const body = stripBom(text);
  const tooDeep = nestingPastLimit(body, format, MAX_CONFIG_DEPTH);
  if (tooDeep !== undefined) throw tooDeepError(body, tooDeep, file);
  let value: unknown;
  try {
    value = parseBody(body, format, file);
  } catch (error) {
    // Nesting the bracket count cannot see (TOML dotted keys, YAML block indentation) may still
    // overflow a parser's stack: that is this file's problem, reported like any other.
    if (error instanceof RangeError) throw tooDeepError(body, 0, file);
    throw error;
  }
  // YAML aliases nest a value without nesting its text; measured without recursion.
  if (jsonDepthExceeds(value, MAX_CONFIG_DEPTH)) throw tooDeepError(body, 0, file);
  return value;
}

function parseBody(body: string, format: ConfigFormat, file: string): unknown {
  switch (format) {
    case 'jsonc':
      return parseJsoncText(body, file);
    case 'toml':
      // toml-patch builds objects without a prototype: "__proto__" stays a key.
      return parseTomlText(body, file);
    case 'yaml':
      // yaml's toJS defines a "__proto__" key as an own property (it never assigns it).
      return yamlToJs(body, file);
  }
}

/** yaml resolves aliases only in toJS, and throws a ReferenceError for one without its anchor. */
function yamlToJs(body: string, file: string): unknown {
  const document = yamlDocument(body, file);
  try {
    return document.toJS({ maxAliasCount: 1000 }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const alias = /: (\S+)$/.exec(error.message)?.[1];
    const at = alias === undefined ? -1 : body.indexOf(`*${alias}`);
    const { line, column } = lineAndColumn(body, Math.max(at, 0));
    throw new ConfigParseError(file, line, column, error.message);
  }
}

function tooDeepError(text: string, offset: number, file: string): ConfigParseError {
  const { line, column } = lineAndColumn(text, offset);
  return new ConfigParseError(file, line, column, `it nests lists and objects deeper than ${MAX_CONFIG_DEPTH} levels`);
}

/**
 * Applies edits and returns the new text. The result is parsed again and compared with the
 * intended value: an edit the library could not express faithfully is an error, never a
 * silently different file.
 */
export function editConfigText(text: string, format: ConfigFormat, edits: readonly DocEdit[], file: string): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = stripBom(text);
  let result: string;
  switch (format) {
    case 'jsonc':
      result = editJsonc(body, edits);
      break;
    case 'toml':
      result = editToml(body, edits, file);
      break;
    case 'yaml':
      result = editYaml(body, edits, file);
      break;
  }
  const expected = structuredClone(parseConfigText(body, format, file));
  const intended = applyToValue(expected, edits);
  const actual = parseConfigText(result, format, file);
  if (!isDeepStrictEqual(normalize(actual), normalize(intended))) {
    throw new Error(`editing ${file} would not give the intended content; Airlock left it untouched`);
  }
  return bom + result;
}

function stripBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/**
 * JSONC into objects without a prototype. jsonc-parser's own `parse` assigns keys, so a server
 * named "__proto__" would become the prototype of `mcpServers` and vanish from every listing
 * while Claude Desktop (JSON.parse) still starts it. Duplicate keys: the last one wins, as with
 * JSON.parse and jsonc-parser.
 */
function parseJsoncText(text: string, file: string): unknown {
  let root: unknown;
  let firstError: { code: ParseErrorCode; offset: number } | undefined;
  const open: { container: Record<string, unknown> | unknown[]; key: string }[] = [];
  const put = (value: unknown): void => {
    const top = open.at(-1);
    if (top === undefined) root = value;
    else if (Array.isArray(top.container)) top.container.push(value);
    else top.container[top.key] = value;
  };
  visit(
    text,
    {
      onObjectBegin: () => {
        const object = Object.create(null) as Record<string, unknown>;
        put(object);
        open.push({ container: object, key: '' });
      },
      onObjectProperty: (name) => {
        const top = open.at(-1);
        if (top !== undefined) top.key = name;
      },
      onObjectEnd: () => void open.pop(),
      onArrayBegin: () => {
        const array: unknown[] = [];
        put(array);
        open.push({ container: array, key: '' });
      },
      onArrayEnd: () => void open.pop(),
      onLiteralValue: (value: unknown) => put(value),
      onError: (code, offset) => {
        firstError ??= { code, offset };
      },
    },
    { allowTrailingComma: true, allowEmptyContent: true, disallowComments: false },
  );
  if (firstError !== undefined) {
    const { line, column } = lineAndColumn(text, firstError.offset);
    throw new ConfigParseError(file, line, column, describeJsoncError(printParseErrorCode(firstError.code)));
  }
  return root ?? {};
}

function describeJsoncError(code: string): string {
  // jsonc-parser's codes are CamelCase names; a sentence reads better in an error.
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function parseTomlText(text: string, file: string): unknown {
  try {
    return TOML.parse(text);
  } catch (error) {
    const e = error as { line?: number; column?: number; message?: string };
    const reason = (e.message ?? String(error)).split('\n').at(-1)?.trim() || 'invalid TOML';
    throw new ConfigParseError(file, e.line ?? 1, e.column ?? 1, reason);
  }
}

function yamlDocument(text: string, file: string): Document {
  // merge: Continue's examples use YAML 1.1 merge keys (<<: *anchor).
  const doc = parseDocument(text, { merge: true, keepSourceTokens: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const where = first.linePos?.[0] ?? { line: 1, col: 1 };
    // yaml catches its own stack overflow (block nesting the bracket count cannot see) and reports it as an error.
    const overflow = first.message.startsWith('Maximum call stack size exceeded');
    const reason = overflow ? `it nests lists and objects deeper than ${MAX_CONFIG_DEPTH} levels` : (first.message.split('\n')[0] ?? first.code);
    throw new ConfigParseError(file, where.line, where.col, reason);
  }
  return doc;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The file's own indentation and line ending, so inserted text looks like the rest. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  return indent.startsWith('\t') ? { insertSpaces: false, tabSize: 1, eol } : { insertSpaces: true, tabSize: indent.length, eol };
}

function editJsonc(text: string, edits: readonly DocEdit[]): string {
  const formattingOptions = detectFormatting(text);
  let result = text.trim() === '' ? '{}\n' : text;
  for (const edit of edits) {
    result = applyEdits(result, modify(result, [...edit.path], edit.value, { formattingOptions }));
  }
  return result;
}

function editToml(text: string, edits: readonly DocEdit[], file: string): string {
  const updated = applyToValue(structuredClone(parseTomlText(text, file)), edits);
  return TOML.patch(text, updated as Record<string, unknown>);
}

/**
 * YAML: the Document API keeps comments and anchors but re-renders the whole file (spacing
 * before a comment, quoting). Only the lines that render differently because of the edits are
 * carried into the user's text; if that cannot be done cleanly, the rendered file is used.
 */
function editYaml(text: string, edits: readonly DocEdit[], file: string): string {
  const doc = yamlDocument(text, file);
  const before = doc.toString();
  for (const edit of edits) {
    if (edit.value === undefined) doc.deleteIn([...edit.path]);
    else doc.setIn([...edit.path], doc.createNode(edit.value));
  }
  const after = doc.toString();
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: 0 });
  // The rendering differs from the user's text only in spacing (before comments, inside flow
  // lists): lines are matched ignoring whitespace, and the parse check below is the safety net.
  const carried = applyPatch(text, patch, { compareLine: (_n, line, _op, patchLine) => line.replace(/\s+/g, '') === patchLine.replace(/\s+/g, '') });
  if (typeof carried === 'string' && isDeepStrictEqual(normalize(parseConfigText(carried, 'yaml', file)), normalize(parseConfigText(after, 'yaml', file)))) {
    return carried;
  }
  return after;
}

/**
 * Applies edits to a plain value (sets create missing objects along the way). Keys are read and
 * defined as own properties: an assignment to "__proto__" would change a prototype instead.
 */
export function applyToValue(root: unknown, edits: readonly DocEdit[]): unknown {
  let result: unknown = root ?? Object.create(null);
  for (const edit of edits) {
    if (edit.path.length === 0) {
      result = edit.value;
      continue;
    }
    let parent = result as Record<string | number, unknown>;
    for (const key of edit.path.slice(0, -1)) {
      const next = ownValue(parent, key);
      if (typeof next !== 'object' || next === null) {
        if (edit.value === undefined) break;
        defineOwn(parent, key, Object.create(null));
      }
      parent = ownValue(parent, key) as Record<string | number, unknown>;
    }
    const last = edit.path.at(-1) as string | number;
    if (edit.value === undefined) {
      if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
      else if (typeof parent === 'object' && parent !== null && Object.hasOwn(parent, last)) delete parent[last];
    } else {
      defineOwn(parent, last, structuredClone(edit.value));
    }
  }
  return result;
}

function ownValue(container: Record<string | number, unknown>, key: string | number): unknown {
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

function defineOwn(container: Record<string | number, unknown>, key: string | number, value: unknown): void {
  Object.defineProperty(container, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Values compared as JSON: TOML dates and YAML scalars become their JSON form. */
function normalize(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? null)) as unknown;
}
