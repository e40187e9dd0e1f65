import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendLeaf, consistencyProof, inclusionProof, merkleLeafCount, merkleLeafHash, treeRoot } from '../../src/engine/merkle/index.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { fromDigest, leafHashOf, ReferenceTree, seededRandom, toDigest, verifyConsistency, verifyInclusion } from './fixtures/merkle-reference.js';
import { useTempStore } from './fixtures/temp-store.js';

// The Certificate Transparency test leaves and the roots of their trees of size 1..8, as
// published with RFC 6962's reference implementation (certificate-transparency-go, merkle tests).
const CT_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const CT_ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const MAX = 300;
// The CT leaves first, then leaves of other lengths, so the tree mixes known and new data.
const DATA = [...CT_LEAVES, ...Array.from({ length: MAX - CT_LEAVES.length }, (_, i) => Buffer.from(`leaf ${i + CT_LEAVES.length} ${'x'.repeat(i % 7)}`))];
const reference = new ReferenceTree(DATA.map(leafHashOf));

// These trees hold synthetic leaves with no audit events behind them, so they are written on the
// writable connection and read through a read-only one (a writable store would first bring its
// tree in line with its empty audit log, and refuse).
const temp = useTempStore();
let store: Store;
let writer: Store;
beforeEach(() => {
  writer = temp.store;
  store = openStore(writer.home, { readonly: true });
});
afterEach(() => {
  store.close();
});

function appendLeaves(count: number): void {
  for (let i = merkleLeafCount(writer.db); i < count; i++) appendLeaf(writer.db, i, merkleLeafHash(DATA[i]!));
}

describe('Merkle tree hashing (RFC 9162 §2.1.1)', () => {
  it('matches the published Certificate Transparency roots for sizes 1..8, and the empty tree hashes to SHA-256("")', () => {
    expect(treeRoot(store, 0)).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    for (let n = 1; n <= 8; n++) {
      appendLeaves(n);
      expect(treeRoot(store, n)).toBe(`sha256:${CT_ROOTS[n - 1]}`);
    }
  });

  it('gives the published inclusion proofs for leaves 0 and 5 of the 8-leaf CT tree', () => {
    appendLeaves(8);
    expect(inclusionProof(store, 0, 8).path).toEqual(
      ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'].map((h) => `sha256:${h}`),
    );
    expect(inclusionProof(store, 5, 8).path).toEqual(
      ['bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'].map((h) => `sha256:${h}`),
    );
  });
});

describe('stored tree against the RFC 9162 reference, every size 1..300', () => {
  it('has the reference root at every size, growing one leaf at a time, and the reference PATH for every leaf of every size', () => {
    let proofs = 0;
    for (let n = 1; n <= MAX; n++) {
      appendLeaves(n);
      const root = reference.mth(0, n);
      expect(treeRoot(store, n), `root of size ${n}`).toBe(toDigest(root));
      for (let m = 0; m < n; m++) {
        const proof = inclusionProof(store, m, n);
        const expected = { leaf_index: m, tree_size: n, path: reference.path(m, 0, n).map(toDigest) };
        // expect() only on a mismatch: 45,150 proofs, and the diff is what matters when one fails.
        if (JSON.stringify(proof) !== JSON.stringify(expected)) expect(proof, `inclusion of leaf ${m} in size ${n}`).toEqual(expected);
        // …and the reference itself holds under the RFC's verifier.
        if (!verifyInclusion(m, n, reference.leaves[m]!, proof.path.map(fromDigest), root)) throw new Error(`RFC verifier rejects leaf ${m} of ${n}`);
        proofs++;
      }
    }
    expect(proofs).toBe((MAX * (MAX + 1)) / 2);
  });

  it('gives the reference PROOF for every pair of sizes up to 64 and for 3,000 random pairs up to 300', () => {
    appendLeaves(MAX);
    const pairs: Array<[number, number]> = [];
    for (let to = 1; to <= 64; to++) for (let from = 1; from <= to; from++) pairs.push([from, to]);
    const random = seededRandom(9162);
    for (let i = 0; i < 3000; i++) {
      const to = 1 + Math.floor(random() * MAX);
      pairs.push([1 + Math.floor(random() * to), to]);
    }
    pairs.push([1, MAX], [MAX - 1, MAX], [MAX, MAX], [256, MAX], [128, 256], [255, 256]);
    for (const [from, to] of pairs) {
      const proof = consistencyProof(store, from, to);
      expect(proof, `consistency ${from} → ${to}`).toEqual({ from, to, path: reference.proof(from, to).map(toDigest) });
      if (!verifyConsistency(from, to, reference.mth(0, from), reference.mth(0, to), proof.path.map(fromDigest))) {
        throw new Error(`RFC verifier rejects consistency ${from} → ${to}`);
      }
    }
  });

  it('reads O(log n) stored rows per root or proof, never the leaves', () => {
    appendLeaves(MAX);
    const rows = store.db.prepare('SELECT COUNT(*) FROM merkle_nodes').pluck().get() as number;
    expect(rows).toBe(2 * MAX - popcount(MAX)); // every perfect subtree once: n leaves + n − popcount(n) parents
    const get = store.db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND idx = ?');
    let reads = 0;
    const original = get.constructor.prototype as { get: (...args: unknown[]) => unknown };
    const realGet = original.get;
    original.get = function (this: unknown, ...args: unknown[]) {
      reads++;
      return realGet.apply(this, args);
    };
    const readsFor = (fn: () => unknown): number => {
      reads = 0;
      fn();
      return reads;
    };
    try {
      // 299 = 256 + 32 + 8 + 2 + 1: five perfect subtrees, plus the leaf count.
      expect(readsFor(() => treeRoot(store, 299))).toBe(6);
      for (const m of [0, 150, 297, 298]) expect(readsFor(() => inclusionProof(store, m, 299))).toBeLessThanOrEqual(2 * 9 + 1);
      for (const m of [1, 151, 256, 298]) expect(readsFor(() => consistencyProof(store, m, 299))).toBeLessThanOrEqual(2 * 9 + 1);
    } finally {
      original.get = realGet;
    }
  });
});

describe('Merkle tree bounds and integrity', () => {
  it('refuses sizes and indexes outside the log, saying which', () => {
    appendLeaves(10);
    expect(() => treeRoot(store, 11)).toThrow(/tree size 11 is beyond the audit log, which holds 10 events/);
    expect(() => inclusionProof(store, 10, 10)).toThrow(/leaf index 10 is not in a tree of 10 leaves/);
    expect(() => inclusionProof(store, 0, 0)).toThrow(/at least 1/);
    expect(() => consistencyProof(store, 0, 5)).toThrow(/not from 0/);
    expect(() => consistencyProof(store, 6, 5)).toThrow(/not from 6/);
    expect(() => treeRoot(store, 2.5)).toThrow(/integer/);
  });

  it('refuses a leaf out of order (a gap or a repeat), leaving the tree as it was', () => {
    appendLeaves(5);
    const before = treeRoot(store, 5);
    expect(() => appendLeaf(writer.db, 6, merkleLeafHash('x'))).toThrow(/next leaf is 5, not 6/);
    expect(() => appendLeaf(writer.db, 4, merkleLeafHash('x'))).toThrow(/next leaf is 5, not 4/);
    expect(merkleLeafCount(writer.db)).toBe(5);
    expect(treeRoot(store, 5)).toBe(before);
  });

  it('refuses to update or delete a stored node', () => {
    appendLeaves(2);
    expect(() => writer.db.prepare('UPDATE merkle_nodes SET hash = zeroblob(32)').run()).toThrow(/append-only: nodes are never updated/);
    expect(() => writer.db.prepare('DELETE FROM merkle_nodes').run()).toThrow(/append-only: nodes are never deleted/);
  });
});

function popcount(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v = Math.floor(v / 2)) count += v % 2;
  return count;
}
