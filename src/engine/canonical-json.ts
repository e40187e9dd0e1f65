import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** A digest as Airlock writes it everywhere: "sha256:" followed by 64 lowercase hex digits. */
export type Digest = `sha256:${string}`;

export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * RFC 8785 (JCS) canonical JSON. Throws on values JSON cannot represent (undefined at the top,
 * NaN, Infinity, BigInt, cycles) instead of hashing something the reader cannot recompute.
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('cannot canonicalize a value that JSON cannot represent');
  return text;
}

export function sha256Hex(data: string | Uint8Array): string {
  // One-shot crypto.hash: no Hash object per call (this runs several times per audit append).
  return hash('sha256', data, 'hex');
}

export function digestOf(data: string | Uint8Array): Digest {
  return `sha256:${sha256Hex(data)}`;
}

/** sha256 over the RFC 8785 form of a JSON value: the hash a third party can recompute. */
export function canonicalDigest(value: unknown): Digest {
  return digestOf(canonicalJson(value));
}

/** A value JSON can carry, and so one RFC 8785 can canonicalize (finite numbers only). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
