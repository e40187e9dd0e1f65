import type Database from 'better-sqlite3';
import type { Digest } from '../canonical-json.js';
import type { Store } from '../store/store.js';
import { emptyTreeHash, hashToDigest, merkleNodeHash, splitPoint } from './merkle-hash.js';
import { merkleLeafCount, readNode } from './merkle-nodes.js';
import { syncMerkleTreeDb } from './sync-merkle-tree.js';

/** RFC 9162 inclusion proof, in the receipt format's shape (leaf_index = seq − 1). */
export interface MerkleInclusionProof {
  leaf_index: number;
  tree_size: number;
  path: Digest[];
}

/** RFC 9162 consistency proof between the trees of sizes `from` and `to`, in the receipt format's shape. */
export interface MerkleConsistencyProof {
  from: number;
  to: number;
  path: Digest[];
}

/** How many events the tree covers (building missing leaves first on a writable store). */
export function merkleTreeSize(store: Store): number {
  return store.readonly ? merkleLeafCount(store.db) : syncMerkleTreeDb(store.db);
}

/** MTH(D[0:size]) (RFC 9162 §2.1.1); size 0 gives the hash of the empty string. */
export function treeRoot(store: Store, size: number): Digest {
  requireSize(store, size, 'tree size', 0);
  return hashToDigest(size === 0 ? emptyTreeHash() : subtreeHash(store.db, 0, size));
}

/** PATH(leafIndex, D[0:size]) (RFC 9162 §2.1.3.1). */
export function inclusionProof(store: Store, leafIndex: number, size: number): MerkleInclusionProof {
  requireSize(store, size, 'tree size', 1);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= size) {
    throw new RangeError(`leaf index ${leafIndex} is not in a tree of ${size} leaves (0 to ${size - 1})`);
  }
  // Walk down from the root; each level contributes its sibling subtree. The RFC lists them leaf-first.
  let start = 0;
  let end = size;
  const siblings: Buffer[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (leafIndex < start + k) {
      siblings.push(subtreeHash(store.db, start + k, end));
      end = start + k;
    } else {
      siblings.push(subtreeHash(store.db, start, start + k));
      start += k;
    }
  }
  return { leaf_index: leafIndex, tree_size: size, path: siblings.reverse().map(hashToDigest) };
}

/** PROOF(from, D[0:to]) (RFC 9162 §2.1.4.1); empty when from = to. */
export function consistencyProof(store: Store, fromSize: number, toSize: number): MerkleConsistencyProof {
  requireSize(store, toSize, 'tree size', 1);
  if (!Number.isSafeInteger(fromSize) || fromSize < 1 || fromSize > toSize) {
    throw new RangeError(`a consistency proof runs from a tree of 1 to ${toSize} leaves, not from ${fromSize}`);
  }
  // SUBPROOF(m, D[start:end], b), unrolled: each step records one subtree, outermost first.
  const outerFirst: Buffer[] = [];
  let m = fromSize;
  let start = 0;
  let end = toSize;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      outerFirst.push(subtreeHash(store.db, start + k, end));
      end = start + k;
    } else {
      outerFirst.push(subtreeHash(store.db, start, start + k));
      start += k;
      m -= k;
      whole = false;
    }
  }
  // The old tree is now exactly D[start:end]. The verifier knows its hash only when it is the whole old tree (b = true in the RFC).
  if (!whole) outerFirst.push(subtreeHash(store.db, start, end));
  const path = outerFirst.reverse().map(hashToDigest);
  return { from: fromSize, to: toSize, path };
}

/**
 * MTH(D[start:end]) from stored perfect subtrees. Every subtree the RFC recursion visits starts
 * at a multiple of its left part's size, so a perfect one is exactly one stored row and any
 * other splits into a perfect left and a smaller right: O(log n) rows in all.
 */
function subtreeHash(db: Database.Database, start: number, end: number): Buffer {
  const n = end - start;
  if (isPowerOfTwo(n) && start % n === 0) return readNode(db, Math.log2(n), start / n);
  const k = splitPoint(n);
  return merkleNodeHash(subtreeHash(db, start, start + k), subtreeHash(db, start + k, end));
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && 2 ** Math.round(Math.log2(n)) === n;
}

function requireSize(store: Store, size: number, what: string, min: number): void {
  if (!Number.isSafeInteger(size) || size < min) throw new RangeError(`${what} must be an integer of at least ${min}, not ${size}`);
  const available = merkleTreeSize(store);
  if (size > available) {
    const hint = store.readonly && available < size ? ' (the tree may not be built yet: start Airlock once to build it)' : '';
    throw new RangeError(`${what} ${size} is beyond the audit log, which holds ${available} events${hint}`);
  }
}
