import vm from 'node:vm';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { canonicalDigest, canonicalJson } from '../canonical-json.js';

/**
 * Checks a call's arguments against the JSON Schema the user approved, with Ajv 8. The schema
 * comes from a server and the arguments from a model, so neither is trusted to be kind: every
 * check is bounded in time, nothing is fetched, and the arguments are never changed (Airlock
 * forwards the bytes it judged, so no defaults, coercion or removal).
 */

/** What is wrong with the arguments: an Ajv error, with only schema text and paths in it. */
export interface ArgumentProblem {
  /** JSON Pointer into the arguments ("" for the whole object). */
  path: string;
  keyword: string;
  /** Ajv's message ("must be string"): its messages name schema values, never the data. */
  message: string;
  params: Record<string, unknown>;
}

export type SchemaCheck =
  | { ok: true }
  | { ok: false; kind: 'invalid'; problem: ArgumentProblem }
  /** The approved schema cannot be compiled (unknown dialect, missing or remote $ref, invalid schema). */
  | { ok: false; kind: 'uncompilable'; reason: string }
  /** The check did not finish within its time limit (a pattern that backtracks, a hostile schema). */
  | { ok: false; kind: 'timeout'; limitMs: number };

export interface SchemaValidatorOptions {
  /** Compiled schemas kept, least recently used dropped first. */
  maxSchemas?: number;
  /** Longest a check of one call may run before it is given up. */
  checkTimeoutMs?: number;
  /** Longest compiling one schema may run. */
  compileTimeoutMs?: number;
}

export const DEFAULT_MAX_SCHEMAS = 512;
export const DEFAULT_CHECK_TIMEOUT_MS = 100;
export const DEFAULT_COMPILE_TIMEOUT_MS = 1000;

// strict: false ignores the unknown keywords real servers emit; no defaults, coercion or removal,
// so validating never changes what is forwarded; formats are annotations (as 2020-12 says by
// default) and are not asserted, so a server's loose use of "format" refuses nothing; no $data;
// no loadSchema, so a remote $ref is an error and never a fetch; no logger, so a hostile schema
// cannot write to the Host's output.
const AJV_OPTIONS: Options = {
  strict: false,
  allErrors: false,
  $data: false,
  useDefaults: false,
  coerceTypes: false,
  removeAdditional: false,
  validateFormats: false,
  logger: false,
  messages: true,
};

type Dialect = 'draft-07' | '2019-09' | '2020-12';

/**
 * The dialect a schema is compiled as. MCP 2025-11-25 says an inputSchema without "$schema" is
 * 2020-12; zod-to-json-schema and older pydantic emit draft-07. Drafts 04 and 06 are read as
 * draft-07 (their meta-schema check refuses what draft-07 reads differently). An unknown
 * dialect is read as the default, 2020-12.
 */
function dialectOf(schema: Record<string, unknown>): Dialect {
  const uri = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (/json-schema\.org\/draft-0[4-7]\/schema/.test(uri)) return 'draft-07';
  if (uri.includes('/draft/2019-09/')) return '2019-09';
  return '2020-12';
}

function newAjv(dialect: Dialect, unicodeRegExp: boolean): Ajv {
  const options = { ...AJV_OPTIONS, unicodeRegExp };
  if (dialect === '2020-12') return new Ajv2020(options);
  if (dialect === '2019-09') return new Ajv2019(options);
  return new Ajv(options);
}

/**
 * Keywords whose cost is not linear in the arguments: patterns (a backtracking regular
 * expression can take exponential time on a short string), uniqueItems (pairwise), references
 * (recursion), combinators (each branch walks the same value again), large enums. A schema with
 * any of them is checked under a time limit; one without is checked directly, where each
 * argument meets a few keywords of constant cost.
 */
const COSTLY_KEYWORDS = new Set(['pattern', 'patternProperties', 'propertyNames', 'uniqueItems', '$ref', '$dynamicRef', '$recursiveRef', 'anyOf', 'oneOf', 'allOf', 'not', 'if', 'contains', 'dependentSchemas', 'dependencies', 'unevaluatedProperties', 'unevaluatedItems']);
/** Keywords that name a schema resource: such a schema gets an Ajv of its own, so no schema can define an id another one resolves. */
const NAMING_KEYWORDS = new Set(['$id', '$anchor', '$dynamicAnchor', '$recursiveAnchor']);
/** Keywords whose value maps names to subschemas: its keys are parameter names, not keywords. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is data or text, not a schema: nothing under them is a keyword. */
const VALUE_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'description', 'title', '$comment', 'required']);
const MAX_DIRECT_SCHEMA_CHARS = 16 * 1024;
const MAX_DIRECT_ENUM = 32;

interface SchemaTraits {
  costly: boolean;
  names: boolean;
}

/**
 * One walk over the schema (already depth-bounded when it was read), without recursion. A
 * parameter called "pattern" or "id" is a name, not a keyword, and a default value is data:
 * only keywords in schema position count. Unknown keywords are walked as schemas, so a
 * keyword hidden under one still counts (the safe side: a schema checked under the limit).
 */
function traitsOf(schema: unknown): SchemaTraits {
  const traits: SchemaTraits = { costly: false, names: false };
  const stack: Array<{ node: unknown; map: boolean }> = [{ node: schema, map: false }];
  while (stack.length > 0) {
    const { node, map } = stack.pop() as { node: unknown; map: boolean };
    if (typeof node !== 'object' || node === null) continue;
    if (Array.isArray(node)) {
      for (const item of node) stack.push({ node: item, map: false });
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (map) {
        stack.push({ node: value, map: false });
        continue;
      }
      if (COSTLY_KEYWORDS.has(key)) traits.costly = true;
      if (key === 'enum' && Array.isArray(value) && value.length > MAX_DIRECT_ENUM) traits.costly = true;
      if (NAMING_KEYWORDS.has(key)) traits.names = true;
      if (!VALUE_KEYWORDS.has(key)) stack.push({ node: value, map: SCHEMA_MAPS.has(key) });
    }
  }
  return traits;
}

interface Compiled {
  validate?: ValidateFunction;
  uncompilable?: string;
  /** Checked under the time limit. */
  bounded: boolean;
}

const TIMEOUT = 'ERR_SCRIPT_EXECUTION_TIMEOUT';

/**
 * Runs fn synchronously and stops it after limitMs. node:vm's timeout interrupts running code,
 * a regular expression that backtracks included (its watchdog terminates the isolate's
 * execution and Node turns that into an exception); the gate is synchronous, so this is how a
 * check gets a deadline without a second thread of our own.
 */
class Deadline {
  private readonly context = vm.createContext({ run: null as (() => unknown) | null });
  private readonly script = new vm.Script('run()');

  run<T>(fn: () => T, limitMs: number): { done: true; value: T } | { done: false } {
    this.context.run = fn;
    try {
      return { done: true, value: this.script.runInContext(this.context, { timeout: limitMs }) as T };
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === TIMEOUT) return { done: false };
      throw error;
    } finally {
      this.context.run = null;
    }
  }
}

export class SchemaValidator {
  private readonly byObject = new WeakMap<object, Compiled>();
  /** By the schema's hash, for a schema read again into a new object (a reloaded baseline). */
  private readonly byHash = new Map<string, Compiled>();
  private readonly shared = new Map<string, Ajv>();
  private readonly deadline = new Deadline();
  private readonly maxSchemas: number;
  private readonly checkTimeoutMs: number;
  private readonly compileTimeoutMs: number;

  constructor(options: SchemaValidatorOptions = {}) {
    this.maxSchemas = options.maxSchemas ?? DEFAULT_MAX_SCHEMAS;
    this.checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
    this.compileTimeoutMs = options.compileTimeoutMs ?? DEFAULT_COMPILE_TIMEOUT_MS;
  }

  /** How many compiled schemas are kept by hash (for tests of the cap). */
  get cachedSchemas(): number {
    return this.byHash.size;
  }

  /** Checks data against an approved schema (a JSON object or a boolean schema). */
  check(schema: Record<string, unknown> | boolean, data: unknown): SchemaCheck {
    if (typeof schema === 'boolean') {
      return schema ? { ok: true } : { ok: false, kind: 'invalid', problem: { path: '', keyword: 'false schema', message: 'is not allowed by a false schema', params: {} } };
    }
    const compiled = this.compiled(schema);
    if (!compiled.validate) return { ok: false, kind: 'uncompilable', reason: compiled.uncompilable ?? 'it could not be compiled' };
    const validate = compiled.validate;
    let valid: boolean;
    if (compiled.bounded) {
      const ran = this.deadline.run(() => validate(data) as boolean, this.checkTimeoutMs);
      if (!ran.done) return { ok: false, kind: 'timeout', limitMs: this.checkTimeoutMs };
      valid = ran.value;
    } else {
      valid = validate(data) as boolean;
    }
    if (valid) return { ok: true };
    // Ajv stops at the first failure, but a combinator (anyOf, oneOf, if/then) first lists the
    // errors of its branches and then its own: the last error is the one that decided.
    return { ok: false, kind: 'invalid', problem: problemOf(validate.errors?.at(-1)) };
  }

  private compiled(schema: Record<string, unknown>): Compiled {
    const known = this.byObject.get(schema);
    if (known) return known;
    let hash: string;
    try {
      hash = canonicalDigest(schema);
    } catch {
      return { uncompilable: 'it is not plain JSON', bounded: false };
    }
    let compiled = this.byHash.get(hash);
    if (compiled) {
      // Least recently used goes first: a hit moves to the end.
      this.byHash.delete(hash);
    } else {
      compiled = this.compile(schema);
    }
    this.byHash.set(hash, compiled);
    while (this.byHash.size > this.maxSchemas) this.byHash.delete(this.byHash.keys().next().value as string);
    this.byObject.set(schema, compiled);
    return compiled;
  }

  private compile(schema: Record<string, unknown>): Compiled {
    const traits = traitsOf(schema);
    const bounded = traits.costly || canonicalJson(schema).length > MAX_DIRECT_SCHEMA_CHARS;
    const dialect = dialectOf(schema);
    // The dialect is chosen here; Ajv would look "$schema" up as a meta-schema it may not hold.
    const { $schema: _dialect, ...body } = schema;
    const attempt = (unicodeRegExp: boolean): Compiled => {
      const ajv = traits.names ? newAjv(dialect, unicodeRegExp) : this.sharedAjv(dialect, unicodeRegExp);
      try {
        const ran = this.deadline.run(() => ajv.compile(body), this.compileTimeoutMs);
        if (!ran.done) {
          // An interrupted compile runs none of Ajv's own cleanup (termination skips finally
          // blocks): a shared Ajv is dropped rather than trusted afterwards.
          if (!traits.names) this.shared.delete(`${dialect}:${unicodeRegExp}`);
          return { uncompilable: `compiling it took over ${this.compileTimeoutMs} ms`, bounded };
        }
        return { validate: ran.value, bounded };
      } catch (error) {
        return { uncompilable: oneLine(error instanceof Error ? error.message : String(error)), bounded };
      } finally {
        // A shared Ajv keeps no trace of this schema (its cache holds schemas strongly).
        if (!traits.names) ajv.removeSchema(body);
      }
    };
    const first = attempt(true);
    // Many servers' patterns are written for engines without the "u" flag (an escaped "-"
    // outside a class): read such a schema as JavaScript without "u" would.
    if (!first.validate && /regular expression|pattern/i.test(first.uncompilable ?? '')) {
      const second = attempt(false);
      if (second.validate) return second;
    }
    return first;
  }

  private sharedAjv(dialect: Dialect, unicodeRegExp: boolean): Ajv {
    const key = `${dialect}:${unicodeRegExp}`;
    let ajv = this.shared.get(key);
    if (!ajv) {
      ajv = newAjv(dialect, unicodeRegExp);
      this.shared.set(key, ajv);
    }
    return ajv;
  }
}

function problemOf(error: ErrorObject | undefined): ArgumentProblem {
  if (!error) return { path: '', keyword: 'unknown', message: 'does not match the schema', params: {} };
  return { path: error.instancePath, keyword: error.keyword, message: error.message ?? 'does not match the schema', params: error.params as Record<string, unknown> };
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').slice(0, 300);
