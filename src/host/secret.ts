import { inspect } from 'node:util';

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
