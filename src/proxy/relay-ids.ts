import { createHash } from 'node:crypto';
import type { JsonRpcId } from '../engine/gate/jsonrpc.js';

/** Small pieces of the relay session: request ids as map keys, and a listing's identity. */

/** A listing's identity: the SHA-256 of its JSON text, far cheaper than its canonical surface hash. */
export type ListingDigest = string & { readonly __listing: unique symbol };

export function listingDigest(listing: unknown): ListingDigest {
  return createHash('sha256').update(JSON.stringify(listing)).digest('hex') as ListingDigest;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refusals of messages the gate parsed as a whole, so their id is the one every reader sees. */
export const ID_READABLE = new Set(['structure.depth', 'structure.prototype-key', 'structure.not-jsonrpc']);

export const idKey = (id: JsonRpcId): string => `${typeof id}:${id}`;

export function idFromKey(key: string): JsonRpcId {
  const [type, ...rest] = key.split(':');
  const raw = rest.join(':');
  return type === 'number' ? Number(raw) : raw;
}

/** The id an oversized answer starts with (`{"jsonrpc":"2.0","id":…`), read from its first bytes only; null when it does not start so. */
export function idInHead(head: Buffer): JsonRpcId | null {
  const match = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")\s*,/.exec(head.toString('utf8'));
  if (!match) return null;
  try {
    return JSON.parse(match[1]!) as JsonRpcId;
  } catch {
    return null;
  }
}

/** Best effort: the id of a message the gate could not accept, so the error can name it. */
export function idOf(line: Buffer): JsonRpcId | null {
  try {
    const value = JSON.parse(line.toString('utf8')) as { id?: unknown };
    return typeof value.id === 'string' || typeof value.id === 'number' ? value.id : null;
  } catch {
    return null;
  }
}
