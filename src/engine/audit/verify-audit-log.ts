import type { Digest } from '../canonical-json.js';
import { checkLogCheckpoints, listCheckpoints, type LogCheckpointProblemKind } from '../checkpoints/index.js';
import { hashToDigest, merkleLeafHash, MerkleRootBuilder } from '../merkle/index.js';
import type { Store } from '../store/store.js';
import { verifyAuditChain } from './verify-audit-chain.js';

export type AuditLogVerification =
  | { ok: true; count: number; head: Digest; checkpoint: { tree_size: number; timestamp: string } | null }
  /** `count` is how many events checked good; `brokenSeq` the first bad or missing one, when one can be named. */
  | { ok: false; count: number; brokenSeq: number | null; problem: 'chain' | LogCheckpointProblemKind; reason: string };

/**
 * `airlock audit verify`: the hash chain, event by event, then the log against every signed
 * checkpoint (signature, key, size, Merkle root recomputed from the events and from the stored
 * tree). The chain alone cannot see its newest events deleted or rewritten with fresh hashes;
 * a checkpoint signed before that can.
 */
export function verifyAuditLog(store: Store, trustedKeys: ReadonlySet<string> | null): AuditLogVerification {
  const sizes = new Set(listCheckpoints(store).map((c) => c.tree_size));
  const roots = new Map<number, Digest>();
  const builder = new MerkleRootBuilder();
  const chain = verifyAuditChain(store, (body, hash) => {
    builder.add(merkleLeafHash(leafText(body, hash)));
    if (sizes.has(builder.size)) roots.set(builder.size, hashToDigest(builder.root()));
  });
  if (!chain.ok) return { ok: false, count: chain.count, brokenSeq: chain.brokenSeq, problem: 'chain', reason: chain.reason };
  const problem = checkLogCheckpoints(store, { count: chain.count, recomputedRoots: roots, trustedKeys });
  if (problem !== undefined) return { ok: false, count: chain.count, brokenSeq: problem.firstMissing, problem: problem.kind, reason: problem.reason };
  const latest = listCheckpoints(store).at(-1);
  return { ok: true, count: chain.count, head: chain.head, checkpoint: latest === undefined ? null : { tree_size: latest.tree_size, timestamp: latest.timestamp } };
}

/**
 * The leaf's data, canonicalJson({...body, hash}), written from a body the chain check found
 * canonical: "hash" sorts right before "liveHash", and the last `,"liveHash":` in the text is
 * the top-level one (only `detail`, which comes earlier, can hold objects, and a string cannot
 * hold an unescaped quote). test/engine/audit-checkpoint-verify.test.ts holds it equal to the
 * stored tree.
 */
function leafText(body: string, hash: string): string {
  const at = body.lastIndexOf(',"liveHash":');
  return `${body.slice(0, at)},"hash":${JSON.stringify(hash)}${body.slice(at)}`;
}
