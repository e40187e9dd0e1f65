import { canonicalJson } from '../canonical-json.js';
import type { JsonObject } from '../surface.js';

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Equality under RFC 8785, the same equality the surface hash uses (key order never matters). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonicalJson(a) === canonicalJson(b);
}

/** The union of two objects' keys in code-unit order, so findings come out in a stable order. */
export function unionKeys(a: unknown, b: unknown): string[] {
  const keys = new Set([...Object.keys(isJsonObject(a) ? a : {}), ...Object.keys(isJsonObject(b) ? b : {})]);
  return [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

export function field(value: unknown, key: string): unknown {
  return isJsonObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** A short, one-line rendering of a value for a message. */
export function preview(value: unknown, most = 60): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > most ? `${text.slice(0, most - 1)}…` : text;
}
