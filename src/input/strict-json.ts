/**
 * Strict, bounded JSON: the one reading of JSON text that Airlock trusts at every edge where
 * bytes enter (client and upstream messages, the control API, files it verifies or edits).
 *
 * JSON.parse alone is not enough for a security boundary:
 * - it takes the last of duplicate keys, while other parsers take the first or refuse, so the
 *   gate and an upstream server could read two different messages from the same bytes;
 * - it keeps a "__proto__" key as an own property, which any later copy by assignment (zod,
 *   Object.assign, a spread into a class) turns into a prototype, silently dropping it;
 * - it parses any depth (V8's parser is iterative), but every walker after it (hashing,
 *   redaction, structured clone, JSON.stringify) recurses and overflows the stack;
 * - it accepts a lone surrogate ("\ud800"), which is no Unicode text: encoders replace it or
 *   throw, so no two hashes of it need agree (RFC 8785 canonicalization refuses it).
 *
 * No maintained npm package refuses duplicate keys with a depth bound at JSON.parse speed, so
 * this one pass is hand-written: JSON.parse checks the grammar and builds the value; a linear,
 * non-recursive scan of the same text checks depth and keys.
 */

/** Deeper than this is refused. serde_json's default recursion limit; real MCP traffic nests far less. */
export const MAX_JSON_DEPTH = 128;

export type JsonRefusalReason = 'syntax' | 'depth' | 'duplicate-key' | 'prototype-key' | 'lone-surrogate' | 'too-large';

/** Why a JSON text was refused; `message` is one line a person can act on. */
export class JsonRefusal extends Error {
  override readonly name = 'JsonRefusal';
  constructor(
    readonly reason: JsonRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface StrictJsonOptions {
  /** Deepest nesting of arrays and objects accepted; default MAX_JSON_DEPTH. */
  maxDepth?: number;
  /** Longest text accepted, in UTF-16 code units (the caller bounds bytes before decoding). */
  maxLength?: number;
}

/** Parses JSON text, refusing duplicate keys, "__proto__" keys and nesting over the depth bound. */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): unknown {
  if (options.maxLength !== undefined && text.length > options.maxLength) {
    throw new JsonRefusal('too-large', `the JSON text is ${text.length} characters, over the ${options.maxLength}-character limit`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JsonRefusal('syntax', `not valid JSON: ${(error as Error).message}`);
  }
  checkJsonText(text, options.maxDepth ?? MAX_JSON_DEPTH);
  if (MAYBE_LONE_SURROGATE.test(text) && hasLoneSurrogate(value)) {
    throw new JsonRefusal('lone-surrogate', 'the JSON has a string with a lone surrogate (half of a UTF-16 pair), which is not Unicode text; refused');
  }
  return value;
}

/** An escaped surrogate (paired or not) or a raw lone one: only then are the strings walked. */
const MAYBE_LONE_SURROGATE = /\\u[dD][89a-fA-F]|\p{Cs}/u;
/** In a /u expression a well-formed pair is one code point, so only a lone half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

function hasLoneSurrogate(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return true;
    } else if (Array.isArray(current)) {
      stack.push(...current);
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (LONE_SURROGATE.test(key)) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

/**
 * Checks the depth and keys of text that JSON.parse already accepted. Objects are frames with
 * their keys seen so far; arrays are frames without. A string is a key when it follows "{" or
 * "," inside an object. The scan never recurses, whatever the input.
 */
function checkJsonText(text: string, maxDepth: number): void {
  const frames: Array<Set<string> | null> = [];
  let previous = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = frames.length > 0 ? frames[frames.length - 1] : null;
      if (top && (previous === OPEN_OBJECT || previous === COMMA)) checkKey(top, text.slice(i + 1, end), frames.length);
      previous = QUOTE;
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (frames.length >= maxDepth) {
        throw new JsonRefusal('depth', `the JSON nests deeper than ${maxDepth} levels of arrays and objects`);
      }
      frames.push(c === OPEN_OBJECT ? new Set() : null);
      previous = c;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      frames.pop();
      previous = c;
    } else if (c === COMMA) {
      previous = c;
    } else if (c > 0x20) {
      previous = c;
    }
  }
}

/** Index of the quote that closes the string opened at `start` (the text is valid JSON). */
function stringEnd(text: string, start: number): number {
  let at = start + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    let backslashes = 0;
    for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    at = quote + 1;
  }
}

function checkKey(keys: Set<string>, raw: string, depth: number): void {
  const key = raw.indexOf('\\') === -1 ? raw : (JSON.parse(`"${raw}"`) as string);
  if (key === '__proto__') {
    throw new JsonRefusal('prototype-key', `the JSON has a "__proto__" key (at depth ${depth}), which JavaScript readers treat as a prototype; refused`);
  }
  if (keys.has(key)) {
    throw new JsonRefusal('duplicate-key', `the JSON has the key ${JSON.stringify(key.slice(0, 80))} twice in one object (at depth ${depth}); readers disagree on which value wins, so it is refused`);
  }
  keys.add(key);
}

/**
 * Depth of a value already in memory (arrays and objects count one level each), measured
 * without recursion, stopping as soon as it passes `limit`. For values that did not come from
 * parseStrictJson (built by code, decoded by another parser) before a recursive walk meets them.
 */
export function jsonDepthExceeds(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > limit) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
