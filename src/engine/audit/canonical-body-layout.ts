import { DECISIONS } from '../decision.js';
import { AuditEventBodySchema, MAX_DETAIL_BYTES } from './audit-event.js';

/** The fields verify compares with the row, as read off the body (`seq` as its digits). */
export interface CanonicalBodyFields {
  seq: string;
  ts: string;
  type: string;
  server: string | null;
  tool: string | null;
  decision: string | null;
  prevHash: string;
}

/**
 * Reads a stored body that is surely both canonical (canonicalJson(JSON.parse(body)) === body)
 * and a valid audit event (AuditEventBodySchema accepts it); undefined means "not sure", and
 * the caller makes the full checks. This is `airlock audit verify`'s fast path: one regex over the
 * text instead of JSON.parse, zod, the canonicalizer and a comparison, which took most of 20 µs an event.
 *
 * The pattern spells out the one canonical layout a valid body has: the 14 keys in RFC 8785
 * order, no whitespace, every value in the only form JSON.stringify (hence RFC 8785) writes it.
 * Strings may hold only what JSON.stringify leaves literal and the escapes it writes; that rules
 * out lone surrogates, which the canonicalizer refuses. The only free-form value, `detail`, is
 * parsed and checked on its own (most events have none). Not sure, though valid: a body whose
 * `detail` has integer-like keys ("10" sorts before "9", JavaScript enumerates 9 first), a
 * "__proto__" key, or the text `\ud`.
 */
export function readCanonicalBody(body: string): CanonicalBodyFields | undefined {
  const m = LAYOUT.exec(body);
  if (m === null) return undefined;
  const [, , , decision, detail, , , prevHash, , , seq, server, tool, ts, type] = m as unknown as (string | undefined)[];
  // z.number().int() takes safe integers only; their digits are exactly how RFC 8785 writes them.
  if (!Number.isSafeInteger(Number(seq)) || !DATETIME_PATTERN.test(ts!)) return undefined;
  if (detail !== undefined && !detailHolds(detail)) return undefined;
  return { seq: seq!, ts: ts!, type: type!, server: stringValue(server), tool: stringValue(tool), decision: decision ?? null, prevHash: prevHash! };
}

// Sub-patterns. TYPE, RULE and FINDING are those of audit-event.ts; the test holds them equal.
const DIGEST = 'sha256:[0-9a-f]{64}';
const OPTIONAL_DIGEST = `(?:null|"(${DIGEST})")`;
/** A string's inside as JSON.stringify writes it: `"`, `\`, controls escaped its way, nothing else. */
const STRING = String.raw`((?:[^"\\\x00-\x1f\u{d800}-\u{dfff}]|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f]))*)`;
const TYPE = String.raw`[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+`;
const RULE = String.raw`R\d+`;
const FINDING = String.raw`"[a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+"`;
const LAYOUT = new RegExp(
  '^\\{' +
    [
      `"approvedHash":${OPTIONAL_DIGEST}`,
      `"argsHash":${OPTIONAL_DIGEST}`,
      `"decision":(?:null|"(${DECISIONS.join('|')})")`,
      // Greedy, but sound: detailHolds accepts the capture only if it is exactly one JSON value.
      `"detail":(?:null|(\\{[^]*\\}))`,
      `"findings":\\[((?:${FINDING}(?:,${FINDING})*)?)\\]`,
      `"liveHash":${OPTIONAL_DIGEST}`,
      `"prevHash":"(${DIGEST})"`,
      `"responseHash":${OPTIONAL_DIGEST}`,
      `"rule":(?:null|"(${RULE})")`,
      `"seq":([1-9]\\d*)`,
      `"server":(?:null|"${STRING}")`,
      `"tool":(?:null|"${STRING}")`,
      // Checked against zod's own datetime pattern below; that one allows no character JSON escapes.
      `"ts":"([^"\\\\]*)"`,
      `"type":"(${TYPE})"`,
    ].join(',') +
    '\\}$',
  'u',
);

// The layout above lists the schema's keys in sorted order; a schema change must update it.
const LAYOUT_KEYS = [...LAYOUT.source.matchAll(/"([a-zA-Z]+)":/g)].map((k) => k[1]).join();
if (LAYOUT_KEYS !== Object.keys(AuditEventBodySchema.shape).sort().join()) {
  throw new Error(`canonical-body-layout.ts is out of date with the audit event schema (${LAYOUT_KEYS})`);
}

// z.iso.datetime() is a regex (its date part knows month lengths and leap years): use zod's own.
const DATETIME_PATTERN = datetimePattern();
function datetimePattern(): RegExp {
  const pattern = AuditEventBodySchema.shape.ts.def.pattern;
  if (!(pattern instanceof RegExp) || pattern.global || pattern.sticky) {
    throw new Error('canonical-body-layout.ts: the audit event schema no longer checks ts with one plain regex');
  }
  return pattern;
}

function stringValue(inside: string | undefined): string | null {
  if (inside === undefined) return null;
  return inside.includes('\\') ? (JSON.parse(`"${inside}"`) as string) : inside;
}

/**
 * The capture is one valid detail object (z.record(z.string(), z.json()) within MAX_DETAIL_BYTES)
 * in canonical form. RFC 8785 and JSON.stringify write JSON values alike except for key order
 * (and lone surrogates, which the canonicalizer refuses and JSON.stringify writes as `\udxxx`):
 * with keys already sorted and no `\ud` in the text, they agree.
 */
function detailHolds(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) &&
    isSortedJson(value) &&
    JSON.stringify(value) === text &&
    !text.includes('\\ud') &&
    // zod measures JSON.stringify(detail), which is `text` here.
    Buffer.byteLength(text) <= MAX_DETAIL_BYTES
  );
}

/**
 * z.json() (a string, a finite number, a boolean, null, or an array or object of those) whose
 * objects enumerate their keys in UTF-16 order, the order RFC 8785 writes. A "__proto__" key,
 * which zod skips unchecked and leaves out of what it measures, is "not sure".
 */
function isSortedJson(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        for (const item of value as unknown[]) if (!isSortedJson(item)) return false;
        return true;
      }
      let previous: string | undefined;
      for (const key in value) {
        if (key === '__proto__' || (previous !== undefined && !(previous < key))) return false;
        if (!isSortedJson((value as Record<string, unknown>)[key])) return false;
        previous = key;
      }
      return true;
    }
    default:
      return false;
  }
}
