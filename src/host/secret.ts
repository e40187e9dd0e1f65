import { inspect } from 'node:util';
import { MAX_JSON_DEPTH, jsonDepthExceeds } from '../input/strict-json.js';

const MASK = '***';
/** Shorter values are left alone by redactSecrets: masking every "a" or "ab" would garble the text. */
const MIN_REDACTED_LENGTH = 4;

/**
 * A secret value (an upstream token, an API key) that renders as `***` wherever it is printed by
 * accident: string conversion, JSON, util.inspect and console.log. `reveal()` is the one way to
 * read it, so every place that uses the value is easy to find (DESIGN.md §6).
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.toPrimitive](): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}

/**
 * Replaces every occurrence of each secret's value (of 4 characters or more) with `***`: for an
 * upstream server's stderr, which may echo its own token, before it reaches a client or a log.
 * Longer values go first, so a secret that contains another is masked whole. Callers redact whole
 * lines: a value split across two chunks would slip through.
 */
export function redactSecrets(text: string, secrets: Iterable<Secret>): string {
  const values = [...new Set([...secrets].map((s) => s.reveal()))].filter((v) => v.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
  let redacted = text;
  for (const value of values) redacted = redacted.split(value).join(MASK);
  return redacted;
}

/** What stands in for a part of a value nested deeper than redaction walks. */
export const TOO_DEEP_MARKER = `[nested deeper than ${MAX_JSON_DEPTH} levels: not kept]`;

/**
 * A copy of a JSON value with each secret (of 4 characters or more) replaced by `***` in every
 * string, object keys included: a secret used as a key must not reach the window either. Two
 * keys that become equal once redacted are both kept, the later one with a " (2)" suffix, so no
 * data is silently dropped. The walk uses its own stack, never recursion, and replaces anything
 * nested deeper than MAX_JSON_DEPTH with TOO_DEEP_MARKER, so a hostile depth cannot crash the
 * Host here or in a later JSON.stringify.
 */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  const usable = [...new Set(secrets)].filter((s) => s.length >= MIN_REDACTED_LENGTH).sort((a, b) => b.length - a.length);
  // Nothing to mask (most servers have no secret): the value itself, when it is within the depth bound.
  if (usable.length === 0 && !jsonDepthExceeds(value)) return value;
  const text = (s: string): string => (usable.length === 0 ? s : usable.reduce((t, secret) => t.split(secret).join(MASK), s));
  const root: { value?: unknown } = {};
  const work: Array<{ from: unknown; into: object; key: string; depth: number }> = [{ from: value, into: root, key: 'value', depth: 0 }];
  while (work.length > 0) {
    const { from, into, key, depth } = work.pop()!;
    if (typeof from === 'string') {
      put(into, key, text(from));
    } else if (typeof from !== 'object' || from === null) {
      put(into, key, from);
    } else if (depth >= MAX_JSON_DEPTH) {
      put(into, key, TOO_DEEP_MARKER);
    } else if (Array.isArray(from)) {
      const copy: unknown[] = new Array<unknown>(from.length);
      put(into, key, copy);
      from.forEach((item, i) => work.push({ from: item, into: copy, key: String(i), depth: depth + 1 }));
    } else {
      const copy = {};
      put(into, key, copy);
      // Keys are set here, in their order; the stack fills their values later.
      for (const [name, inner] of redactedKeys(Object.entries(from), text)) {
        put(copy, name, null);
        work.push({ from: inner, into: copy, key: name, depth: depth + 1 });
      }
    }
  }
  return root.value;
}

/** Each entry under its redacted key; a key that would collide gets the first free " (n)" suffix. */
function redactedKeys(entries: Array<[string, unknown]>, text: (s: string) => string): Array<[string, unknown]> {
  const kept = new Set(entries.map(([k]) => k).filter((k) => text(k) === k));
  const used = new Set<string>();
  return entries.map(([k, v]) => {
    const base = text(k);
    let name = base;
    if (base !== k) for (let n = 2; used.has(name) || kept.has(name); n += 1) name = `${base} (${n})`;
    used.add(name);
    return [name, v];
  });
}

/** Sets an own property, even one named "__proto__", without touching any prototype. */
function put(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
