import { emptyTreeHash, merkleNodeHash } from './merkle-hash.js';

/**
 * Computes RFC 9162 Merkle roots from leaves fed one at a time, in O(log n) memory: the stack
 * holds the perfect subtrees the leaves so far decompose into, largest first. The root of the
 * first n leaves folds them from the right (MTH splits at the largest power of two below n, so
 * its left half is the first perfect subtree and its right half the root of the rest).
 * `airlock audit verify` uses it to recompute the root from the events themselves, never
 * trusting the stored tree, whose nodes are as editable as the log.
 */
export class MerkleRootBuilder {
  private readonly stack: Array<{ leaves: number; hash: Buffer }> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(leafHash: Buffer): void {
    let node = { leaves: 1, hash: leafHash };
    for (let top = this.stack.at(-1); top !== undefined && top.leaves === node.leaves; top = this.stack.at(-1)) {
      this.stack.pop();
      node = { leaves: top.leaves * 2, hash: merkleNodeHash(top.hash, node.hash) };
    }
    this.stack.push(node);
    this.count += 1;
  }

  /** MTH of every leaf added so far. */
  root(): Buffer {
    if (this.stack.length === 0) return emptyTreeHash();
    let hash = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i -= 1) hash = merkleNodeHash(this.stack[i]!.hash, hash);
    return hash;
  }
}
