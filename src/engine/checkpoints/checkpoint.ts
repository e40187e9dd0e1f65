import { canonicalJson, type Digest } from '../canonical-json.js';

/**
 * A signed checkpoint, field for field the receipt format's `Checkpoint` (src/shared/receipt):
 * the engine may not import that module, so the shape is repeated here and must stay equal.
 */
export interface Checkpoint {
  log_id: string;
  tree_size: number;
  root_hash: Digest;
  timestamp: string;
  key_fingerprint: Digest;
  /** The raw 32-byte Ed25519 public key, base64. Its SHA-256 is the fingerprint. */
  public_key: string;
  /** Ed25519 over checkpointSignedBytes(), base64. */
  signature: string;
}

/**
 * Signs checkpoints. The Host builds it from its key (file or keychain); the engine never sees
 * key material, only this.
 */
export interface CheckpointSigner {
  /** "sha256:" + hex of SHA-256 over the raw public key. */
  fingerprint: string;
  /** The raw 32-byte Ed25519 public key, base64. */
  publicKey: string;
  /** Ed25519 signature (64 bytes) over `data`. */
  sign(data: Buffer): Buffer;
}

/**
 * The exact bytes a checkpoint's signature covers: UTF-8 of the RFC 8785 canonical JSON of
 * `{key_fingerprint, log_id, root_hash, timestamp, tree_size}`. The fingerprint is signed too,
 * so a signature cannot be re-labelled as another key's.
 */
export function checkpointSignedBytes(checkpoint: Pick<Checkpoint, 'key_fingerprint' | 'log_id' | 'root_hash' | 'timestamp' | 'tree_size'>): Buffer {
  const { key_fingerprint, log_id, root_hash, timestamp, tree_size } = checkpoint;
  return Buffer.from(canonicalJson({ key_fingerprint, log_id, root_hash, timestamp, tree_size }), 'utf8');
}
