export { auditLeafHash } from './audit-leaf.js';
export { emptyTreeHash, hashToDigest, merkleLeafHash, merkleNodeHash, splitPoint } from './merkle-hash.js';
export { appendLeaf, merkleLeafCount } from './merkle-nodes.js';
export { consistencyProof, inclusionProof, merkleTreeSize, treeRoot, type MerkleConsistencyProof, type MerkleInclusionProof } from './merkle-proofs.js';
export { syncMerkleTree } from './sync-merkle-tree.js';
export { MerkleRootBuilder } from './merkle-root-builder.js';
export { LogIntegrityError } from './log-integrity-error.js';
