import { JsonRefusal, MAX_JSON_DEPTH, parseStrictJson } from '../../input/strict-json.js';
import { isPlainObject } from './receipt-hashes.js';

/**
 * Reading a receipt file before it is verified: what kind of document it is, its text read the
 * one strict way, and whether any value in it is one no hash could vouch for.
 */

/** What a parsed JSON document is: a bundle, a single receipt, or neither (not a receipt file at all). */
export function receiptDocumentKind(input: unknown): 'bundle' | 'receipt' | null {
  if (!isPlainObject(input)) return null;
  if (input.format === 'airlock-receipts') return 'bundle';
  if ('event' in input && 'inclusion' in input && 'checkpoint' in input) return 'receipt';
  return null;
}

/**
 * Reads a receipt file's text the one way Airlock trusts: strict JSON, so a duplicate key (which
 * readers resolve differently) or a "__proto__" key (which a copy drops before hashing) is
 * refused rather than verified as something other than the bytes on disk.
 */
export function parseReceiptText(text: string): { ok: true; document: unknown } | { ok: false; syntax: boolean; message: string } {
  try {
    return { ok: true, document: parseStrictJson(text) };
  } catch (error) {
    if (error instanceof JsonRefusal) return { ok: false, syntax: error.reason === 'syntax', message: error.message };
    throw error;
  }
}

/**
 * A "__proto__" own key anywhere (JSON.parse keeps one; any copy by assignment turns it into a
 * prototype and drops it, so the hash of the copy would not cover it), or nesting deeper than
 * strict JSON allows (the canonicalizer recurses). Walked without recursion.
 */
/** In a /u expression a well-formed pair is one code point, so only a lone half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

export function unsafeValueProblem(input: unknown): string | null {
  const stack: Array<[unknown, string, number]> = [[input, 'the document', 0]];
  while (stack.length > 0) {
    const [value, where, depth] = stack.pop()!;
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return `${where} has a lone surrogate (half of a UTF-16 pair), which is not Unicode text, so no hash could vouch for it; refused`;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `${where} nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push([item, `${where}[${i}]`, depth + 1]));
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(value, '__proto__')) {
      return `${where} has a "__proto__" key, which JavaScript readers drop or treat as a prototype, so no hash could vouch for it; refused`;
    }
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return `${where} has a key with a lone surrogate (half of a UTF-16 pair); refused`;
      stack.push([item, where === 'the document' ? key : `${where}.${key}`, depth + 1]);
    }
  }
  return null;
}

export function rawReceiptId(input: Record<string, unknown>, kind: 'bundle' | 'receipt', path: readonly PropertyKey[]): string | null {
  const raw = kind === 'receipt' ? input : path[0] === 'receipts' && typeof path[1] === 'number' && Array.isArray(input.receipts) ? input.receipts[path[1]] : undefined;
  return isPlainObject(raw) && typeof raw.id === 'string' ? raw.id : null;
}
