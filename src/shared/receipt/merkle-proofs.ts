import { sha256, toHex } from './receipt-hashes.js';

/**
 * RFC 9162 (Certificate Transparency 2.0) Merkle proof verification, step for step as §2.1.3.2
 * (inclusion) and §2.1.4.2 (consistency) write it. Leaves and nodes are hashed with distinct
 * prefixes (0x00, 0x01) so a node can never be passed off as a leaf or the other way round.
 * Sizes are halved with Math.floor, not `>>`, so a tree past 2^31 leaves still verifies.
 */

export type ProofCheck = { ok: true } | { ok: false; reason: string };

export async function leafHash(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(data.length + 1);
  bytes[0] = 0x00;
  bytes.set(data, 1);
  return sha256(bytes);
}

export async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = new Uint8Array(1 + left.length + right.length);
  bytes[0] = 0x01;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return sha256(bytes);
}

const isOdd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);

/** §2.1.3.2: does `path` lead from the leaf at `leafIndex` of a `treeSize` tree to `root`? */
export async function verifyInclusionProof(
  leafIndex: number,
  treeSize: number,
  leaf: Uint8Array<ArrayBuffer>,
  path: readonly Uint8Array[],
  root: Uint8Array,
): Promise<ProofCheck> {
  if (leafIndex >= treeSize) return fail(`leaf_index ${leafIndex} is not inside a tree of ${treeSize}`);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return fail(`the path has more hashes than a tree of ${treeSize} needs`);
    if (isOdd(fn) || fn === sn) {
      r = await nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail(`the path has fewer hashes than a tree of ${treeSize} needs`);
  if (!equalBytes(r, root)) return fail(`it leads to root sha256:${toHex(r)}, not sha256:${toHex(root)}`);
  return { ok: true };
}

/** §2.1.4.2: is the tree of `secondSize` leaves with `secondRoot` an append-only extension of the first? */
export async function verifyConsistencyProof(
  firstSize: number,
  secondSize: number,
  firstRoot: Uint8Array<ArrayBuffer>,
  secondRoot: Uint8Array,
  path: readonly Uint8Array[],
): Promise<ProofCheck> {
  if (firstSize < 1 || firstSize > secondSize) return fail(`no consistency proof exists from size ${firstSize} to ${secondSize}`);
  if (firstSize === secondSize) {
    if (path.length !== 0) return fail('a proof between equal sizes must be empty');
    return equalBytes(firstRoot, secondRoot) ? { ok: true } : fail('two roots of the same size differ');
  }
  if (path.length === 0) return fail('the proof is empty');
  const nodes = isPowerOfTwo(firstSize) ? [firstRoot, ...path] : [...path];
  let fn = firstSize - 1;
  let sn = secondSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = nodes[0] as Uint8Array;
  let sr = fr;
  for (const c of nodes.slice(1)) {
    if (sn === 0) return fail(`the path has more hashes than sizes ${firstSize} and ${secondSize} need`);
    if (isOdd(fn) || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return fail(`the path has fewer hashes than sizes ${firstSize} and ${secondSize} need`);
  if (!equalBytes(fr, firstRoot)) return fail(`it rebuilds the older root as sha256:${toHex(fr)}, not sha256:${toHex(firstRoot)}`);
  if (!equalBytes(sr, secondRoot)) return fail(`it rebuilds the newer root as sha256:${toHex(sr)}, not sha256:${toHex(secondRoot)}`);
  return { ok: true };
}

function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && !isOdd(m)) m = half(m);
  return m === 1;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function fail(reason: string): ProofCheck {
  return { ok: false, reason };
}
