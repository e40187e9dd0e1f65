import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import canonicalize from 'canonicalize';

/**
 * The hashes a receipt's verifier recomputes, with no node: imports (SHA-256 by @noble/hashes,
 * Ed25519 by WebCrypto), so the same code runs in the CLI and, later, in the renderer. Every digest is "sha256:" + 64 lowercase
 * hex digits over RFC 8785 canonical JSON, exactly as src/engine/canonical-json.ts writes them;
 * test/shared/verify-bundle.test.ts proves the two agree.
 */

const encoder = new TextEncoder();

/** RFC 8785 (JCS). Throws on values JSON cannot carry rather than hashing something nobody can recompute. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('the value cannot be written as JSON');
  return text;
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/**
 * SHA-256 by @noble/hashes (audited, pure JavaScript, the same in Node and the browser):
 * synchronous, where each WebCrypto digest is a round trip through a thread pool, which made
 * a receipt's dozen chained hashes the slowest part of verifying it.
 */
export async function sha256(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(nobleSha256(data));
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export async function digestOf(data: Uint8Array<ArrayBuffer>): Promise<string> {
  return `sha256:${toHex(await sha256(data))}`;
}

/** sha256 over the canonical JSON of a value: the event hash, the drift record digest, an item hash. */
export async function canonicalDigest(value: unknown): Promise<string> {
  return digestOf(utf8(canonicalJson(value)));
}

/** The 32 raw bytes of a "sha256:<hex>" digest (the schema has already checked its shape). */
export function digestBytes(digest: string): Uint8Array<ArrayBuffer> {
  const hex = digest.slice('sha256:'.length);
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * Decodes base64 and refuses every text but the one canonical encoding of the bytes. atob
 * ignores the spare bits of the last character, so without this a changed character could
 * decode to the same key or signature and the change would go unseen.
 */
export function base64Bytes(text: string): Uint8Array<ArrayBuffer> | null {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return btoa(binary) === text ? bytes : null;
}

/** Key fingerprint: "sha256:" + hex of the SHA-256 of the raw 32-byte Ed25519 public key. */
export async function keyFingerprint(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  return digestOf(rawPublicKey);
}

/** The lists of a surface, the item kind each holds, and the field that names an item. */
const SURFACE_LISTS = [
  ['tools', 'tool', 'name'],
  ['prompts', 'prompt', 'name'],
  ['resources', 'resource', 'uri'],
  ['resourceTemplates', 'resource-template', 'uriTemplate'],
] as const;
const SURFACE_FIELDS = new Set(['serverInfo', 'instructions', 'provenance', ...SURFACE_LISTS.map(([field]) => field)]);

/**
 * A server's surface hash, as src/engine/surface.ts computes it: sha256 over the canonical list
 * of [kind, key, item hash] sorted by kind then key (code-unit order), a missing list counting
 * as empty. Throws, naming the field, on a value that is not a surface; a field the hash would
 * not cover is refused too, since a reader would otherwise see text no hash vouches for.
 */
export async function surfaceDigest(surface: unknown): Promise<string> {
  if (!isPlainObject(surface)) throw new TypeError('is not a surface object');
  const extra = Object.keys(surface).find((field) => !SURFACE_FIELDS.has(field));
  if (extra !== undefined) throw new TypeError(`carries "${extra}", which a surface hash does not cover`);
  const items: Array<Promise<[string, string, string]>> = [];
  const add = (kind: string, key: string, value: unknown): void => {
    items.push(canonicalDigest(value).then((hash) => [kind, key, hash]));
  };
  if (surface.serverInfo !== undefined) add('server-info', 'server-info', surface.serverInfo);
  if (surface.instructions !== undefined) add('instructions', 'instructions', surface.instructions);
  for (const [field, kind, keyField] of SURFACE_LISTS) {
    const list = surface[field] ?? [];
    if (!Array.isArray(list)) throw new TypeError(`"${field}" is not a list`);
    list.forEach((item: unknown, i) => {
      const key = isPlainObject(item) ? item[keyField] : undefined;
      if (typeof key !== 'string') throw new TypeError(`${field}[${i}] has no "${keyField}" string`);
      add(kind, key, item);
    });
  }
  // The program that served the surface (issue 17), hashed whole like any item.
  if (surface.provenance !== undefined) {
    if (!isPlainObject(surface.provenance)) throw new TypeError('"provenance" is not an object');
    add('provenance', 'provenance', surface.provenance);
  }
  const entries = await Promise.all(items);
  entries.sort((a, b) => compareStrings(a[0], b[0]) || compareStrings(a[1], b[1]));
  return canonicalDigest(entries);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
