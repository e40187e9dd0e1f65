import { canonicalJson, digestOf, type Digest } from '../canonical-json.js';
import { AuditEventBodySchema, type AuditEventBody } from './audit-event.js';

/**
 * The two texts an append hashes, written straight from the event's fixed shape instead of
 * through the general canonicalizer (which was a third of an append's time). Each is exactly
 * RFC 8785 of its object: keys in UTF-16 order, strings and integers as JSON.stringify writes
 * them, and the free-form parts (`findings`, `detail`) through canonicalJson. Tests hold both
 * equal to canonicalJson; verifyAuditChain re-checks every stored body that way too.
 */
export interface CanonicalEventTexts {
  /** canonicalJson(body): the bytes the chain hashes and the log stores. */
  body: string;
  /** sha256 of `body`. */
  hash: Digest;
  /** canonicalJson({ ...body, hash }): the Merkle leaf's data. */
  event: string;
}

// The order written below. A schema change that adds or renames a field must update it.
const BODY_KEYS = ['approvedHash', 'argsHash', 'decision', 'detail', 'findings', 'liveHash', 'prevHash', 'responseHash', 'rule', 'seq', 'server', 'tool', 'ts', 'type'];
const schemaKeys = Object.keys(AuditEventBodySchema.shape).sort();
if (schemaKeys.join() !== BODY_KEYS.join() || [...BODY_KEYS, 'hash'].sort().indexOf('hash') !== BODY_KEYS.indexOf('liveHash')) {
  throw new Error(`canonical-event.ts is out of date with the audit event schema (${schemaKeys.join(', ')})`);
}

export function canonicalEventTexts(body: AuditEventBody): CanonicalEventTexts {
  // Sorted keys: everything before "hash" (approvedHash … findings), then everything after it (liveHash … type).
  const head =
    `"approvedHash":${text(body.approvedHash)},"argsHash":${text(body.argsHash)},"decision":${text(body.decision)},` +
    `"detail":${body.detail === null ? 'null' : canonicalJson(body.detail)},"findings":${canonicalJson(body.findings)}`;
  const tail =
    `"liveHash":${text(body.liveHash)},"prevHash":${text(body.prevHash)},"responseHash":${text(body.responseHash)},` +
    `"rule":${text(body.rule)},"seq":${integer(body.seq)},"server":${text(body.server)},"tool":${text(body.tool)},` +
    `"ts":${text(body.ts)},"type":${text(body.type)}`;
  const bodyText = `{${head},${tail}}`;
  const hash = digestOf(bodyText);
  return { body: bodyText, hash, event: `{${head},"hash":${JSON.stringify(hash)},${tail}}` };
}

/** RFC 8785 §3.2.2.2 is JSON.stringify's string form; like canonicalJson, refuse a lone surrogate (no UTF-8 for it). */
function text(value: string | null): string {
  if (value === null) return 'null';
  if (/\p{Cs}/u.test(value)) throw new TypeError('cannot canonicalize a string holding a lone surrogate');
  return JSON.stringify(value);
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) throw new TypeError(`seq must be a safe integer, not ${value}`);
  return String(value);
}
