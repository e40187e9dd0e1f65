import { createHash, hash } from 'node:crypto';
import type { Digest } from '../canonical-json.js';

/** RFC 9162 §2.1.1 domain separation: a leaf can never be read as an interior node, nor the reverse. */
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256(0x00 || data); a string is hashed as its UTF-8 bytes. */
export function merkleLeafHash(data: string | Uint8Array): Buffer {
  // One-shot crypto.hash is cheaper than a Hash object on the append path; U+0000 is the single byte 0x00 in UTF-8.
  if (typeof data === 'string') return hash('sha256', `\u0000${data}`, 'buffer');
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

/** SHA-256(0x01 || left || right). */
export function merkleNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

/** MTH({}) = SHA-256 of the empty string. */
export function emptyTreeHash(): Buffer {
  return createHash('sha256').digest();
}

/** The largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function hashToDigest(hash: Uint8Array): Digest {
  return `sha256:${Buffer.from(hash.buffer, hash.byteOffset, hash.byteLength).toString('hex')}`;
}
