import { z } from 'zod';

/**
 * The receipt file format (v1): what Airlock exports as evidence and what `airlock verify`
 * checks with no database, no Host and no network. Every hash is "sha256:" + 64 lowercase hex
 * digits; every signature and public key is base64. Shared by the exporter (Host side) and
 * the standalone verifier (CLI and, later, the window), so both read one definition.
 */
export const DigestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be "sha256:" and 64 lowercase hex digits');
const Base64Schema = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64');
const IsoTimeSchema = z.iso.datetime();

/** One audit event exactly as the log holds it: the hashed body plus its own hash. */
export const ReceiptEventSchema = z.strictObject({
  seq: z.number().int().positive(),
  ts: IsoTimeSchema,
  type: z.string().min(1),
  server: z.string().nullable(),
  tool: z.string().nullable(),
  decision: z.enum(['ALLOW', 'HOLD', 'DENY', 'SILENCE']).nullable(),
  rule: z.string().nullable(),
  findings: z.array(z.string()),
  approvedHash: DigestSchema.nullable(),
  liveHash: DigestSchema.nullable(),
  argsHash: DigestSchema.nullable(),
  responseHash: DigestSchema.nullable(),
  detail: z.record(z.string(), z.json()).nullable(),
  prevHash: DigestSchema,
  hash: DigestSchema,
});
export type ReceiptEvent = z.infer<typeof ReceiptEventSchema>;

/**
 * A signed checkpoint: the Merkle root of the first `tree_size` events. The signature is
 * Ed25519 over the UTF-8 bytes of the RFC 8785 canonical JSON of
 * `{key_fingerprint, log_id, root_hash, timestamp, tree_size}`.
 */
export const CheckpointSchema = z.strictObject({
  log_id: z.string().regex(/^[0-9a-f]{32}$/),
  tree_size: z.number().int().positive(),
  root_hash: DigestSchema,
  timestamp: IsoTimeSchema,
  key_fingerprint: DigestSchema,
  /** The raw 32-byte Ed25519 public key. Its SHA-256 is the fingerprint. */
  public_key: Base64Schema,
  signature: Base64Schema,
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

/** RFC 9162 inclusion proof of leaf `leaf_index` (= seq − 1) in the tree of `tree_size` leaves. */
export const InclusionProofSchema = z.strictObject({
  leaf_index: z.number().int().nonnegative(),
  tree_size: z.number().int().positive(),
  path: z.array(DigestSchema),
});
export type InclusionProof = z.infer<typeof InclusionProofSchema>;

/** RFC 9162 consistency proof between the trees of sizes `from` and `to`. */
export const ConsistencyProofSchema = z.strictObject({
  from: z.number().int().positive(),
  to: z.number().int().positive(),
  path: z.array(DigestSchema),
});
export type ConsistencyProof = z.infer<typeof ConsistencyProofSchema>;

/** A finding as a drift record keeps it. */
export const DriftRecordFindingSchema = z.strictObject({
  code: z.string(),
  severity: z.enum(['info', 'low', 'medium', 'high', 'critical']),
  tool: z.string().nullable(),
  path: z.string(),
  /** Why it matters, as the user was told (absent in records written before it existed). */
  why: z.string().optional(),
});

/**
 * Drift record v1: what changed and what was decided, with the definitions themselves, so a
 * third party can recompute every hash. With `tool` null the definitions are whole surfaces
 * (`{serverInfo?, instructions?, tools, prompts, resources, resourceTemplates}`) and the hashes
 * are surface hashes; with a tool they are that tool's definitions and the hashes item hashes.
 * Its digest is sha256 over its RFC 8785 canonical JSON.
 */
export const DriftRecordSchema = z.strictObject({
  version: z.literal(1),
  server: z.string(),
  tool: z.string().nullable(),
  generation: z.number().int().nonnegative(),
  approved_hash: DigestSchema.nullable(),
  live_hash: DigestSchema,
  approved: z.json().nullable(),
  live: z.json(),
  findings: z.array(DriftRecordFindingSchema),
  decision: z.enum(['ALLOW', 'HOLD', 'DENY']),
  state: z.enum(['GREEN', 'AMBER', 'RED']),
});
export type DriftRecord = z.infer<typeof DriftRecordSchema>;

/** One decision's evidence: the event, its drift record if any, and the proof up to a signed checkpoint. */
export const ReceiptSchema = z.strictObject({
  /** `<log_id>:<seq>`. */
  id: z.string().regex(/^[0-9a-f]{32}:\d+$/),
  event: ReceiptEventSchema,
  /** Present when the event's detail names a drift record by digest (`detail.driftRecord`). */
  drift_record: DriftRecordSchema.nullable(),
  inclusion: InclusionProofSchema,
  /** The checkpoint the inclusion proof leads to (tree_size equal to the proof's). */
  checkpoint: CheckpointSchema,
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/**
 * A statement that the log's signing key changed: the OLD key signs the canonical JSON of
 * `{log_id, new_fingerprint, new_public_key, old_fingerprint, rotated_at}`. A verifier that
 * trusts the old fingerprint may follow it to trust the new one.
 */
export const KeyRotationSchema = z.strictObject({
  log_id: z.string().regex(/^[0-9a-f]{32}$/),
  old_fingerprint: DigestSchema,
  old_public_key: Base64Schema,
  new_fingerprint: DigestSchema,
  new_public_key: Base64Schema,
  rotated_at: IsoTimeSchema,
  signature: Base64Schema,
});
export type KeyRotation = z.infer<typeof KeyRotationSchema>;

/** What `airlock receipts export` writes: receipts, every checkpoint they use, and the proofs that bind the checkpoints together. */
export const ReceiptBundleSchema = z.strictObject({
  format: z.literal('airlock-receipts'),
  version: z.literal(1),
  log_id: z.string().regex(/^[0-9a-f]{32}$/),
  exported_at: IsoTimeSchema,
  receipts: z.array(ReceiptSchema),
  /** Sorted by tree_size; every receipt's checkpoint is among them. */
  checkpoints: z.array(CheckpointSchema),
  /** One proof between each pair of consecutive checkpoints. */
  consistency: z.array(ConsistencyProofSchema),
  key_rotations: z.array(KeyRotationSchema),
});
export type ReceiptBundle = z.infer<typeof ReceiptBundleSchema>;
