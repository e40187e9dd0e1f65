import { createPublicKey, verify } from 'node:crypto';
import type { Digest } from '../canonical-json.js';
import { digestOf } from '../canonical-json.js';
import { merkleLeafCount, treeRoot } from '../merkle/index.js';
import type { Store } from '../store/store.js';
import { checkpointSignedBytes, type Checkpoint } from './checkpoint.js';
import { latestCheckpoint, listCheckpoints } from './list-checkpoints.js';
import { getLogId } from './log-id.js';

export type LogCheckpointProblemKind = 'truncated' | 'signature' | 'untrusted-key' | 'root' | 'stored-tree';

/** What the signed checkpoints say is wrong with the log, in one line. */
export interface LogCheckpointProblem {
  kind: LogCheckpointProblemKind;
  reason: string;
  /** The first event missing, for a truncation. */
  firstMissing: number | null;
}

export interface LogCheckpointInput {
  /** Events the chain check found good, from the first (the whole log when it holds). */
  count: number;
  /** Merkle roots recomputed from the events themselves, by tree size; sizes absent are not compared. */
  recomputedRoots?: ReadonlyMap<number, Digest>;
  /**
   * Fingerprints of the home's signing key and every key it rotated from; a checkpoint signed by
   * any other key is refused. Null when the caller could not read the key (then only the
   * signature against the checkpoint's own key is checked).
   */
  trustedKeys: ReadonlySet<string> | null;
  /** Check only the newest checkpoint (the window's resumable check, which must stay short). */
  latestOnly?: boolean;
}

/**
 * Holds the log against what was signed about it. A checkpoint is a signed statement "the first
 * tree_size events have this Merkle root": fewer events than the newest one covers means the
 * end of the log was cut off, a recomputed root that differs means events were rewritten (with
 * chain hashes recomputed, which the chain check alone cannot see), and a stored tree that gives
 * another root means the tree was edited. Undefined when everything holds.
 */
export function checkLogCheckpoints(store: Store, input: LogCheckpointInput): LogCheckpointProblem | undefined {
  const latest = latestCheckpoint(store);
  const leaves = merkleLeafCount(store.db);
  if (latest === undefined) {
    // No checkpoint yet: the stored tree still remembers how long the log was.
    return leaves > input.count ? truncated(input.count, leaves, `the Merkle tree stored beside it has ${leaves} leaves`) : undefined;
  }
  const logId = getLogId(store);
  const checkpoints = input.latestOnly ? [latest] : [latest, ...listCheckpoints(store).filter((c) => c.tree_size !== latest.tree_size || c.root_hash !== latest.root_hash)];
  for (const checkpoint of checkpoints) {
    const problem = signatureProblem(checkpoint, logId, input.trustedKeys);
    if (problem !== undefined) return problem;
    // The newest checkpoint is checked first, so a cut-off end is named as a truncation, not as a missing root.
    if (checkpoint === latest && latest.tree_size > input.count) {
      return truncated(input.count, latest.tree_size, `the newest signed checkpoint (signed ${latest.timestamp}) covers ${latest.tree_size} events`);
    }
  }
  for (const checkpoint of checkpoints) {
    const what = `the checkpoint of ${checkpoint.tree_size} events signed ${checkpoint.timestamp}`;
    const recomputed = input.recomputedRoots?.get(checkpoint.tree_size);
    if (recomputed !== undefined && recomputed !== checkpoint.root_hash) {
      return {
        kind: 'root',
        reason: `the first ${checkpoint.tree_size} events give the Merkle root ${recomputed}, not the root ${checkpoint.root_hash} of ${what}: events were rewritten after they were signed`,
        firstMissing: null,
      };
    }
    if (checkpoint.tree_size <= leaves) {
      let stored: string;
      try {
        stored = treeRoot(store, checkpoint.tree_size);
      } catch (error) {
        return { kind: 'stored-tree', reason: `the stored Merkle tree cannot give the root of ${what}: ${(error as Error).message}`, firstMissing: null };
      }
      if (stored !== checkpoint.root_hash) {
        return { kind: 'stored-tree', reason: `the stored Merkle tree gives the root ${stored} for the first ${checkpoint.tree_size} events, not the root ${checkpoint.root_hash} of ${what}: the tree was edited`, firstMissing: null };
      }
    }
  }
  if (leaves > input.count) return truncated(input.count, leaves, `the Merkle tree stored beside it has ${leaves} leaves`);
  return undefined;
}

function truncated(count: number, covered: number, evidence: string): LogCheckpointProblem {
  const missing = covered - count === 1 ? `event ${covered} was` : `events ${count + 1} to ${covered} were`;
  return { kind: 'truncated', reason: `the log was truncated: it holds ${count} events, but ${evidence}; ${missing} removed from its end`, firstMissing: count + 1 };
}

/** The checkpoint's signature, its key's fingerprint, its log id, and whether its key is the home's. */
function signatureProblem(checkpoint: Checkpoint, logId: string, trustedKeys: ReadonlySet<string> | null): LogCheckpointProblem | undefined {
  const what = `the checkpoint of ${checkpoint.tree_size} events signed ${checkpoint.timestamp}`;
  const bad = (reason: string): LogCheckpointProblem => ({ kind: 'signature', reason: `${what} ${reason}`, firstMissing: null });
  if (checkpoint.log_id !== logId) return bad(`names the log ${checkpoint.log_id}, not this log (${logId})`);
  const raw = Buffer.from(checkpoint.public_key, 'base64');
  if (raw.length !== 32 || raw.toString('base64') !== checkpoint.public_key) return bad('has a public key that is not a raw 32-byte Ed25519 key in base64');
  if (digestOf(raw) !== checkpoint.key_fingerprint) return bad(`claims the key ${checkpoint.key_fingerprint}, but its public key's fingerprint is ${digestOf(raw)}`);
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  if (!verify(null, checkpointSignedBytes(checkpoint), key, Buffer.from(checkpoint.signature, 'base64'))) return bad('has a signature that does not verify: it was forged or edited');
  // A valid signature by some other key proves nothing: anyone can sign a checkpoint of a rewritten log.
  if (trustedKeys !== null && !trustedKeys.has(checkpoint.key_fingerprint)) {
    return { kind: 'untrusted-key', reason: `${what} is signed by ${checkpoint.key_fingerprint}, which is neither this home's signing key nor one it rotated from`, firstMissing: null };
  }
  return undefined;
}
