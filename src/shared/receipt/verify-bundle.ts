import { ReceiptBundleSchema, ReceiptSchema, type Checkpoint, type DriftRecord, type KeyRotation, type Receipt, type ReceiptBundle } from './receipt-format.js';
import { leafHash, verifyConsistencyProof, verifyInclusionProof } from './merkle-proofs.js';
import { parseReceiptText, rawReceiptId, receiptDocumentKind, unsafeValueProblem } from './receipt-document.js';
import { base64Bytes, canonicalDigest, canonicalJson, digestBytes, isPlainObject, keyFingerprint, surfaceDigest, utf8 } from './receipt-hashes.js';

/**
 * The offline verifier of receipt files (DESIGN.md §5): everything `airlock verify` checks, with
 * no database, no Host, no network and no Node-only API (WebCrypto and `canonicalize` only), so
 * the window can run it too. It trusts nothing in the file: every hash is recomputed, every
 * signature checked, and only a key fingerprint the reader brings (`trust`) makes it "trusted".
 */

/** Every check, in the order failures are listed for one receipt. Names are stable: scripts key on them. */
export const CHECK_NAMES = Object.freeze([
  'schema',
  'receipt-id',
  'event-hash',
  'chain',
  'leaf-inclusion',
  'checkpoint-signature',
  'checkpoint-trust',
  'key-rotation',
  'drift-record-digest',
  'surface-hash',
  'consistency',
] as const);
export type CheckName = (typeof CHECK_NAMES)[number];

export { parseReceiptText, receiptDocumentKind };

export interface VerifyFailure {
  /** The receipt's id, or null for the bundle itself (its checkpoints, proofs, rotations). */
  receipt: string | null;
  check: CheckName;
  /** One line: what failed and where. */
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  receipts: number;
  /** How many times each check ran; 0 for a check with nothing to look at. */
  checked: Record<CheckName, number>;
  failures: VerifyFailure[];
  /**
   * A key was pinned with `trust`, and every checkpoint is signed by it or a key it rotated to,
   * or is proven (by consistency proofs) a prefix of a checkpoint that is.
   */
  trusted: boolean;
}

export interface VerifyOptions {
  /** The log key fingerprint ("sha256:…", as `airlock keys show` prints it) the reader trusts. */
  trust?: string;
}

const GENESIS_HASH = `sha256:${'0'.repeat(64)}`;
const FINGERPRINT = /^sha256:[0-9a-f]{64}$/;
const MAX_SCHEMA_ISSUES = 20;

/** Verifies a receipt file's text: parseReceiptText, then verifyBundle; a refused text is a failed schema check. */
export async function verifyReceiptText(text: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const parsed = parseReceiptText(text);
  if (parsed.ok) return verifyBundle(parsed.document, options);
  const run = new Verification(options.trust);
  run.count('schema');
  run.fail(null, 'schema', `the file is refused: ${parsed.message}`);
  return run.report(0);
}

/** Verifies a receipt bundle, or one receipt with its checkpoint; never throws on bad input. */
export async function verifyBundle(input: unknown, options: VerifyOptions = {}): Promise<VerifyReport> {
  const run = new Verification(options.trust);
  const bundle = parseDocument(input, run);
  if (bundle === null) return run.report(0);
  if (run.trust !== undefined && !FINGERPRINT.test(run.trust)) {
    run.fail(null, 'checkpoint-trust', `the trusted fingerprint "${run.trust}" is not "sha256:" and 64 lowercase hex digits`);
  }
  // Rotations and consistency proofs verify alongside everything else; only the trust checks wait for them.
  const trustedKeys = followKeyRotations(bundle, run);
  const links = checkConsistency(bundle, run);
  const trust: Trust = { keys: trustedKeys, extended: checkpointsExtendedByTrusted(bundle, run, trustedKeys, links) };
  checkChain(bundle, run);
  await Promise.all([
    ...bundle.receipts.map((receipt, index) => checkReceipt(receipt, { receipt: receipt.id, order: index }, bundle.log_id, trust, run)),
    ...bundle.checkpoints.map((checkpoint, index) =>
      checkCheckpoint(checkpoint, { receipt: null, order: bundle.receipts.length, sub: index, label: `checkpoints[${index}] ` }, bundle.log_id, trust, run),
    ),
    trust.extended,
  ]);
  return run.report(bundle.receipts.length);
}

/** What the reader's pin reaches: key fingerprints (through rotations), and checkpoints proven prefixes of a checkpoint such a key signed. */
interface Trust {
  keys: Promise<Set<string>>;
  extended: Promise<Set<string>>;
}

/** Where a failure belongs: its receipt (or none), and its place in the report's order. */
interface Place {
  receipt: string | null;
  order: number;
  sub?: number;
  label?: string;
}

class Verification {
  readonly checked = Object.fromEntries(CHECK_NAMES.map((name) => [name, 0])) as Record<CheckName, number>;
  private readonly failures: Array<VerifyFailure & { key: [number, number, number] }> = [];
  private readonly signatureChecks = new Map<string, Promise<string | null>>();
  readonly keys = new KeyBook();

  constructor(readonly trust: string | undefined) {}

  count(check: CheckName): void {
    this.checked[check] += 1;
  }

  fail(place: Place | null, check: CheckName, message: string): void {
    const at = place ?? { receipt: null, order: Number.MAX_SAFE_INTEGER };
    // Messages may quote the file (a schema issue names its keys): keep each to one line whatever it holds.
    const line = message.replace(/[\r\n\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    this.failures.push({ receipt: at.receipt, check, message: line, key: [at.order, CHECK_NAMES.indexOf(check), at.sub ?? 0] });
  }

  /** One signature check per distinct checkpoint: a bundle's receipts mostly share a few. */
  checkpointProblem(checkpoint: Checkpoint, logId: string): Promise<string | null> {
    const key = canonicalJson(checkpoint);
    let check = this.signatureChecks.get(key);
    if (check === undefined) {
      check = checkpointSignatureProblem(checkpoint, logId, this.keys);
      this.signatureChecks.set(key, check);
    }
    return check;
  }

  report(receipts: number): VerifyReport {
    // Checks run concurrently; sorting by (receipt, check, item) keeps the report the same every run.
    const sorted = [...this.failures].sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
    const failures = sorted.map(({ receipt, check, message }) => ({ receipt, check, message }));
    const trusted = this.trust !== undefined && this.checked['checkpoint-trust'] > 0 && !failures.some((f) => f.check === 'checkpoint-trust');
    return { ok: failures.length === 0, receipts, checked: this.checked, failures, trusted };
  }
}

/** schema: a bundle, or one receipt read as a bundle of one with its own checkpoint. */
function parseDocument(input: unknown, run: Verification): ReceiptBundle | null {
  run.count('schema');
  const kind = receiptDocumentKind(input);
  if (kind === null || !isPlainObject(input)) {
    run.fail(null, 'schema', 'not an Airlock receipt file: expected a bundle ("format": "airlock-receipts") or one receipt (event, inclusion, checkpoint)');
    return null;
  }
  const unsafe = unsafeValueProblem(input);
  if (unsafe !== null) {
    run.fail(null, 'schema', unsafe);
    return null;
  }
  if (kind === 'bundle' && input.version !== 1) {
    run.fail(null, 'schema', `bundle version ${JSON.stringify(input.version)} is not one this verifier reads (1): verify it with a newer Airlock`);
    return null;
  }
  const parsed = kind === 'bundle' ? ReceiptBundleSchema.safeParse(input) : ReceiptSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues.slice(0, MAX_SCHEMA_ISSUES)) {
      const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      run.fail({ receipt: rawReceiptId(input, kind, issue.path), order: -1 }, 'schema', `${field || 'the document'}: ${issue.message}`);
    }
    const more = parsed.error.issues.length - MAX_SCHEMA_ISSUES;
    if (more > 0) run.fail({ receipt: null, order: -1 }, 'schema', `and ${more} more schema problems`);
    return null;
  }
  // Verify the value that was read, not zod's copy: the schemas say only what shape it has. A
  // copy is rebuilt key by key and could drop or reorder something the hashes must cover.
  if (kind === 'bundle') return input as ReceiptBundle;
  const receipt = input as Receipt;
  return {
    format: 'airlock-receipts',
    version: 1,
    log_id: receipt.checkpoint.log_id,
    exported_at: receipt.checkpoint.timestamp,
    receipts: [receipt],
    checkpoints: [receipt.checkpoint],
    consistency: [],
    key_rotations: [],
  };
}

/**
 * key-rotation: each statement must be signed by the OLD key. The trusted set starts at the
 * reader's fingerprint and grows only along rotations that verify, so a bundle cannot vouch for
 * a key the reader never trusted.
 */
async function followKeyRotations(bundle: ReceiptBundle, run: Verification): Promise<Set<string>> {
  const valid: KeyRotation[] = [];
  await Promise.all(
    bundle.key_rotations.map(async (rotation, index) => {
      run.count('key-rotation');
      const problem = await rotationProblem(rotation, bundle.log_id, run.keys);
      if (problem === null) valid.push(rotation);
      else run.fail({ receipt: null, order: Number.MAX_SAFE_INTEGER, sub: index }, 'key-rotation', `key_rotations[${index}] (${rotation.old_fingerprint} to ${rotation.new_fingerprint}): ${problem}`);
    }),
  );
  const trusted = new Set(run.trust === undefined ? [] : [run.trust]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of valid) {
      if (trusted.has(r.old_fingerprint) && !trusted.has(r.new_fingerprint)) {
        trusted.add(r.new_fingerprint);
        grew = true;
      }
    }
  }
  return trusted;
}

async function rotationProblem(rotation: KeyRotation, logId: string, keys: KeyBook): Promise<string | null> {
  if (rotation.log_id !== logId) return `log_id ${rotation.log_id} is not the bundle's ${logId}`;
  const { log_id, new_fingerprint, new_public_key, old_fingerprint, rotated_at } = rotation;
  const signed = utf8(canonicalJson({ log_id, new_fingerprint, new_public_key, old_fingerprint, rotated_at }));
  const problems = await Promise.all([
    fingerprintProblem(rotation.old_public_key, rotation.old_fingerprint, { key: 'old_public_key', fingerprint: 'old_fingerprint' }, keys),
    fingerprintProblem(rotation.new_public_key, rotation.new_fingerprint, { key: 'new_public_key', fingerprint: 'new_fingerprint' }, keys),
    keys.signatureProblem(rotation.old_public_key, rotation.signature, signed, 'the old key'),
  ]);
  return problems.find((p) => p !== null) ?? null;
}

/** chain: ascending seqs, no duplicates, and each event commits to the one before it. */
function checkChain(bundle: ReceiptBundle, run: Verification): void {
  bundle.receipts.forEach((receipt, index) => {
    run.count('chain');
    const place = { receipt: receipt.id, order: index };
    const { seq, prevHash } = receipt.event;
    if (seq === 1 && prevHash !== GENESIS_HASH) run.fail(place, 'chain', `event.prevHash of event 1 is ${prevHash}, not the genesis hash (64 zeros)`);
    const before = bundle.receipts[index - 1]?.event;
    if (before === undefined) return;
    if (seq === before.seq) run.fail(place, 'chain', `event ${seq} appears twice in the bundle`);
    else if (seq < before.seq) run.fail(place, 'chain', `event ${seq} comes after event ${before.seq}: receipts must be in ascending seq order`);
    else if (seq === before.seq + 1 && prevHash !== before.hash) run.fail(place, 'chain', `event.prevHash ${prevHash} is not the hash of event ${before.seq} (${before.hash})`);
  });
}

async function checkReceipt(receipt: Receipt, place: Place, logId: string, trust: Trust, run: Verification): Promise<void> {
  run.count('receipt-id');
  const expectedId = `${logId}:${receipt.event.seq}`;
  if (receipt.id !== expectedId) run.fail(place, 'receipt-id', `id ${receipt.id} is not <log_id>:<event.seq> (${expectedId})`);
  await Promise.all([
    checkEventHash(receipt, place, run),
    checkInclusion(receipt, place, run),
    checkCheckpoint(receipt.checkpoint, { ...place, label: '' }, logId, trust, run),
    checkDriftRecord(receipt, place, run),
  ]);
}

/** event-hash: the event's hash covers every other field, prevHash included. */
async function checkEventHash(receipt: Receipt, place: Place, run: Verification): Promise<void> {
  run.count('event-hash');
  const { hash, ...body } = receipt.event;
  const recomputed = await canonicalDigest(body);
  if (recomputed !== hash) run.fail(place, 'event-hash', `event.hash ${hash} is not the hash of the event's fields (${recomputed}): event ${receipt.event.seq} was changed`);
}

/** leaf-inclusion: the whole event, hash included, is leaf seq − 1 of the checkpoint's tree. */
async function checkInclusion(receipt: Receipt, place: Place, run: Verification): Promise<void> {
  run.count('leaf-inclusion');
  const { event, inclusion, checkpoint } = receipt;
  if (inclusion.leaf_index !== event.seq - 1) {
    run.fail(place, 'leaf-inclusion', `inclusion.leaf_index ${inclusion.leaf_index} is not event.seq - 1 (${event.seq - 1})`);
    return;
  }
  if (inclusion.tree_size !== checkpoint.tree_size) {
    run.fail(place, 'leaf-inclusion', `inclusion.tree_size ${inclusion.tree_size} is not checkpoint.tree_size ${checkpoint.tree_size}`);
    return;
  }
  const leaf = await leafHash(utf8(canonicalJson(event)));
  const result = await verifyInclusionProof(inclusion.leaf_index, inclusion.tree_size, leaf, inclusion.path.map(digestBytes), digestBytes(checkpoint.root_hash));
  if (!result.ok) run.fail(place, 'leaf-inclusion', `inclusion.path does not prove event ${event.seq} in the checkpoint of tree_size ${checkpoint.tree_size}: ${result.reason}`);
}

/** checkpoint-signature, and checkpoint-trust when the reader pinned a key. */
async function checkCheckpoint(checkpoint: Checkpoint, place: Place, logId: string, trust: Trust, run: Verification): Promise<void> {
  const what = `${place.label ?? ''}checkpoint (tree_size ${checkpoint.tree_size})`;
  run.count('checkpoint-signature');
  const signature = run.checkpointProblem(checkpoint, logId).then((problem) => {
    if (problem !== null) run.fail(place, 'checkpoint-signature', `${what}: ${problem}`);
  });
  if (run.trust === undefined) return signature;
  run.count('checkpoint-trust');
  // Trust follows the key that actually verifies, never the fingerprint a checkpoint claims.
  const [signer, keys, extended] = await Promise.all([run.keys.fingerprint(checkpoint.public_key), trust.keys, trust.extended, signature]);
  if ((signer === null || !keys.has(signer)) && !extended.has(canonicalJson(checkpoint))) {
    run.fail(
      place,
      'checkpoint-trust',
      `${what} is signed by ${signer ?? 'an unreadable key'}, which is not the trusted ${run.trust} nor reached from it by a signed key rotation, and no consistency proof makes it part of a checkpoint such a key signed`,
    );
  }
}

/**
 * The bundle's checkpoints that verified consistency proofs make a prefix of a larger checkpoint
 * validly signed by a trusted key: that key vouches for their roots too, whoever signed them. So a
 * reader who pins the key in use today still trusts checkpoints its predecessor signed, which a
 * rotation alone cannot give (it is signed by the old key, and anyone can sign "my key hands over
 * to yours"). Trust flows only down to smaller trees, never up: a prefix cannot vouch for what follows it.
 */
async function checkpointsExtendedByTrusted(bundle: ReceiptBundle, run: Verification, trustedKeys: Promise<Set<string>>, links: Promise<boolean[]>): Promise<Set<string>> {
  const sorted = sortedCheckpoints(bundle);
  const [keys, linked, signers, problems] = await Promise.all([
    trustedKeys,
    links,
    Promise.all(sorted.map((c) => run.keys.fingerprint(c.public_key))),
    Promise.all(sorted.map((c) => run.checkpointProblem(c, bundle.log_id))),
  ]);
  const extended = new Set<string>();
  let vouchedAbove = false;
  for (let i = sorted.length - 1; i >= 0; i -= 1) {
    const signer = signers[i];
    const signedByTrusted = problems[i] === null && signer !== null && signer !== undefined && keys.has(signer);
    if (vouchedAbove && linked[i] === true) extended.add(canonicalJson(sorted[i]));
    vouchedAbove = signedByTrusted || (vouchedAbove && linked[i] === true);
  }
  return extended;
}

async function checkpointSignatureProblem(checkpoint: Checkpoint, logId: string, keys: KeyBook): Promise<string | null> {
  if (checkpoint.log_id !== logId) return `log_id ${checkpoint.log_id} is not the bundle's ${logId}`;
  const { key_fingerprint, log_id, root_hash, timestamp, tree_size } = checkpoint;
  const signed = utf8(canonicalJson({ key_fingerprint, log_id, root_hash, timestamp, tree_size }));
  const problems = await Promise.all([
    fingerprintProblem(checkpoint.public_key, key_fingerprint, { key: 'public_key', fingerprint: 'key_fingerprint' }, keys),
    keys.signatureProblem(checkpoint.public_key, checkpoint.signature, signed, 'public_key'),
  ]);
  return problems.find((p) => p !== null) ?? null;
}

async function fingerprintProblem(publicKey: string, claimed: string, fields: { key: string; fingerprint: string }, keys: KeyBook): Promise<string | null> {
  const actual = await keys.fingerprint(publicKey);
  if (actual === null) return `${fields.key} is not a 32-byte Ed25519 key in canonical base64`;
  return actual === claimed ? null : `${fields.fingerprint} ${claimed} is not the fingerprint of ${fields.key} (${actual})`;
}

type ImportedKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/** The public keys of one run, each decoded, fingerprinted and imported once: a bundle reuses a few keys many times. */
class KeyBook {
  private readonly fingerprints = new Map<string, Promise<string | null>>();
  private readonly imported = new Map<string, Promise<ImportedKey>>();

  /** "sha256:" + hex of the raw key, or null when it is not 32 bytes of canonical base64. */
  fingerprint(publicKey: string): Promise<string | null> {
    let fingerprint = this.fingerprints.get(publicKey);
    if (fingerprint === undefined) {
      const raw = rawKey(publicKey);
      fingerprint = raw === null ? Promise.resolve(null) : keyFingerprint(raw);
      this.fingerprints.set(publicKey, fingerprint);
    }
    return fingerprint;
  }

  async signatureProblem(publicKey: string, signature: string, message: Uint8Array<ArrayBuffer>, signer: string): Promise<string | null> {
    const raw = rawKey(publicKey);
    if (raw === null) return `${signer} is not a 32-byte Ed25519 key in canonical base64`;
    const sig = base64Bytes(signature);
    if (sig === null || sig.length !== 64) return 'signature is not 64 bytes of canonical base64';
    try {
      let key = this.imported.get(publicKey);
      if (key === undefined) {
        key = globalThis.crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
        this.imported.set(publicKey, key);
      }
      return (await globalThis.crypto.subtle.verify({ name: 'Ed25519' }, await key, sig, message)) ? null : `signature does not verify with ${signer}`;
    } catch (error) {
      // Fail closed: a runtime that cannot check Ed25519 must not report the signature as good.
      return `the signature could not be checked here (${(error as Error).message})`;
    }
  }
}

function rawKey(publicKey: string): Uint8Array<ArrayBuffer> | null {
  const raw = base64Bytes(publicKey);
  return raw !== null && raw.length === 32 ? raw : null;
}

/** drift-record-digest and surface-hash: the record is the one the event names, and its hashes are its definitions'. */
async function checkDriftRecord(receipt: Receipt, place: Place, run: Verification): Promise<void> {
  const named = receipt.event.detail?.driftRecord ?? null;
  const record = receipt.drift_record;
  if (named === null && record === null) return;
  run.count('drift-record-digest');
  if (named === null) run.fail(place, 'drift-record-digest', 'drift_record is present but event.detail.driftRecord does not name it');
  else if (typeof named !== 'string') run.fail(place, 'drift-record-digest', 'event.detail.driftRecord is not a digest string');
  else if (record === null) run.fail(place, 'drift-record-digest', `event.detail.driftRecord names ${named} but the receipt has no drift_record`);
  else {
    const digest = await canonicalDigest(record);
    if (digest !== named) run.fail(place, 'drift-record-digest', `drift_record hashes to ${digest}, not to event.detail.driftRecord ${named}: the record was changed`);
  }
  if (record !== null) await checkSurfaceHashes(record, place, run);
}

async function checkSurfaceHashes(record: DriftRecord, place: Place, run: Verification): Promise<void> {
  run.count('surface-hash');
  // With no tool the definitions are whole surfaces; with one, that tool's definition (an item hash).
  const recompute = record.tool === null ? surfaceDigest : canonicalDigest;
  const sides = [
    ['approved', record.approved, record.approved_hash],
    ['live', record.live, record.live_hash],
  ] as const;
  for (const [side, value, claimed] of sides) {
    if (side === 'approved' && (value === null) !== (claimed === null)) {
      run.fail(place, 'surface-hash', `drift_record.approved is ${value === null ? 'null' : 'set'} but approved_hash is ${claimed === null ? 'null' : 'set'}`);
      continue;
    }
    if (claimed === null) continue;
    let recomputed: string;
    try {
      recomputed = await recompute(value);
    } catch (error) {
      run.fail(place, 'surface-hash', `drift_record.${side} ${(error as Error).message}`);
      continue;
    }
    if (recomputed !== claimed) run.fail(place, 'surface-hash', `drift_record.${side}_hash ${claimed} is not the hash of drift_record.${side} (${recomputed})`);
  }
}

/**
 * consistency: every newer checkpoint extends every older one (RFC 9162 §2.1.4), so a log
 * truncated or rewritten after a checkpoint was handed out cannot produce a valid bundle; and
 * every receipt's checkpoint is one of those the proofs bind together.
 */
async function checkConsistency(bundle: ReceiptBundle, run: Verification): Promise<boolean[]> {
  const checkpoints = bundle.checkpoints;
  const bundleLevel = (sub: number): Place => ({ receipt: null, order: bundle.receipts.length, sub });
  checkpoints.forEach((checkpoint, index) => {
    const before = checkpoints[index - 1];
    if (before !== undefined && checkpoint.tree_size < before.tree_size) {
      run.fail(bundleLevel(index), 'consistency', `checkpoints[${index}] (tree_size ${checkpoint.tree_size}) comes after tree_size ${before.tree_size}: checkpoints must be sorted by tree_size`);
    }
  });
  const sorted = sortedCheckpoints(bundle);
  // links[i]: checkpoint i (by tree_size) is proven a prefix of checkpoint i + 1.
  const links = await Promise.all(
    sorted.slice(1).map(async (newer, index): Promise<boolean> => {
      const older = sorted[index] as Checkpoint;
      const [m, n] = [older.tree_size, newer.tree_size];
      run.count('consistency');
      if (m === n) {
        if (older.root_hash === newer.root_hash) return true;
        run.fail(bundleLevel(index), 'consistency', `two checkpoints of tree_size ${m} have different roots (${older.root_hash}, ${newer.root_hash}): the log was forked or rewritten`);
        return false;
      }
      const proof = bundle.consistency.find((p) => p.from === m && p.to === n);
      if (proof === undefined) {
        run.fail(bundleLevel(index), 'consistency', `no consistency proof from tree_size ${m} to ${n}: nothing shows the newer checkpoint extends the older one`);
        return false;
      }
      const result = await verifyConsistencyProof(m, n, digestBytes(older.root_hash), digestBytes(newer.root_hash), proof.path.map(digestBytes));
      if (!result.ok) run.fail(bundleLevel(index), 'consistency', `the consistency proof from tree_size ${m} to ${n} fails: ${result.reason}; the log was truncated or rewritten between these checkpoints`);
      return result.ok;
    }),
  );
  const known = new Set(checkpoints.map((c) => canonicalJson(c)));
  bundle.receipts.forEach((receipt, index) => {
    run.count('consistency');
    if (!known.has(canonicalJson(receipt.checkpoint))) {
      run.fail({ receipt: receipt.id, order: index }, 'consistency', `the receipt's checkpoint (tree_size ${receipt.checkpoint.tree_size}) is not among the bundle's checkpoints, so no consistency proof covers it`);
    }
  });
  return links;
}

/** The bundle's checkpoints by tree_size (a stable sort: the file's order within one size). */
function sortedCheckpoints(bundle: ReceiptBundle): Checkpoint[] {
  return [...bundle.checkpoints].sort((a, b) => a.tree_size - b.tree_size);
}
