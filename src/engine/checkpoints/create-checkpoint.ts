import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { DIGEST_PATTERN, digestOf, type Digest } from '../canonical-json.js';
import { LogIntegrityError, syncMerkleTree, treeRoot } from '../merkle/index.js';
import type { Store } from '../store/store.js';
import { checkpointSignedBytes, type Checkpoint, type CheckpointSigner } from './checkpoint.js';
import { checkpointStatements, latestCheckpoint } from './list-checkpoints.js';
import { getLogId } from './log-id.js';

/**
 * Signs and stores a checkpoint of the whole log as it stands: its size, its Merkle root, the
 * time. Returns null when there is nothing new to sign (an empty log, or the latest checkpoint
 * already has this size). Runs under the write lock, so the size signed is the log's size.
 *
 * It refuses to sign a tree that does not extend the last signed one (the log shrank, or the
 * stored tree no longer gives the old root): signing it would vouch for a rewritten history.
 */
export function createCheckpoint(store: Store, signer: CheckpointSigner, now: Date = new Date()): Checkpoint | null {
  if (store.readonly) throw new Error(`cannot sign a checkpoint: the Airlock database ${store.path} is open read-only`);
  const publicKey = signerPublicKey(signer);
  return store.transaction((): Checkpoint | null => {
    const size = syncMerkleTree(store);
    if (size === 0) return null;
    const latest = latestCheckpoint(store);
    if (latest !== undefined) {
      if (latest.tree_size === size) return null;
      if (latest.tree_size > size) {
        throw new LogIntegrityError(`refusing to sign a checkpoint: checkpoint ${latest.tree_size} was signed, but the audit log now holds only ${size} events. Events were removed. Run: airlock audit verify`);
      }
      if (treeRoot(store, latest.tree_size) !== latest.root_hash) {
        throw new LogIntegrityError(`refusing to sign a checkpoint: the first ${latest.tree_size} events no longer give the root signed in checkpoint ${latest.tree_size}. The log or its Merkle tree was changed after it was signed. Run: airlock audit verify`);
      }
    }
    const unsigned = {
      log_id: getLogId(store),
      tree_size: size,
      root_hash: treeRoot(store, size),
      timestamp: now.toISOString(),
      key_fingerprint: signer.fingerprint as Digest,
    };
    const bytes = checkpointSignedBytes(unsigned);
    const signature = signer.sign(bytes);
    // Check before storing: a checkpoint that cannot verify is worse than none.
    if (!verify(null, bytes, publicKey, signature)) {
      throw new Error(`the signing key ${signer.fingerprint} produced a signature that does not verify with its own public key; no checkpoint was written. Check the key file.`);
    }
    const checkpoint: Checkpoint = { ...unsigned, public_key: signer.publicKey, signature: signature.toString('base64') };
    checkpointStatements(store.db).insert.run(checkpoint);
    return checkpoint;
  });
}

/** The signer's public key, after checking it is a raw Ed25519 key whose SHA-256 is the fingerprint it claims. */
function signerPublicKey(signer: CheckpointSigner): KeyObject {
  const raw = Buffer.from(signer.publicKey, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== signer.publicKey) {
    throw new Error('the checkpoint signer\'s public key must be a raw 32-byte Ed25519 key in base64');
  }
  if (!DIGEST_PATTERN.test(signer.fingerprint) || signer.fingerprint !== digestOf(raw)) {
    throw new Error(`the checkpoint signer's fingerprint ${signer.fingerprint} is not the SHA-256 of its public key (${digestOf(raw)})`);
  }
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}
