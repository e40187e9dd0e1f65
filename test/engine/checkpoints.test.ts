import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/engine/canonical-json.js';
import { appendAuditEvents } from '../../src/engine/audit/index.js';
import {
  CHECKPOINT_EVERY_EVENTS,
  CHECKPOINT_EVERY_MS,
  checkpointAtOrAfter,
  checkpointLag,
  createCheckpoint,
  getLogId,
  latestCheckpoint,
  listCheckpoints,
  shouldCheckpoint,
  type CheckpointSigner,
} from '../../src/engine/checkpoints/index.js';
import { consistencyProof, inclusionProof, treeRoot } from '../../src/engine/merkle/index.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { CheckpointSchema, ConsistencyProofSchema, InclusionProofSchema, type Checkpoint as ContractCheckpoint } from '../../src/shared/receipt/receipt-format.js';
import { mixedEvents } from './fixtures/audit-events.js';
import { makeTempDir } from './fixtures/child-fixture.js';
import { fromDigest, verifyConsistency } from './fixtures/merkle-reference.js';

/** A signer the way the Host makes one: a real Ed25519 key, its raw public key and that key's SHA-256. */
function ed25519Signer(): CheckpointSigner & { privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return {
    privateKey,
    fingerprint: `sha256:${createHash('sha256').update(raw).digest('hex')}`,
    publicKey: raw.toString('base64'),
    sign: (data) => sign(null, data, privateKey),
  };
}

/** What a verifier does with nothing but the checkpoint: rebuild the key from its raw bytes and the signed text from its fields. */
function signatureHolds(c: ReturnType<typeof listCheckpoints>[number]): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(c.public_key, 'base64')]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const signed = canonicalJson({ key_fingerprint: c.key_fingerprint, log_id: c.log_id, root_hash: c.root_hash, timestamp: c.timestamp, tree_size: c.tree_size });
  return verify(null, Buffer.from(signed, 'utf8'), key, Buffer.from(c.signature, 'base64'));
}

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let store: Store;
const signer = ed25519Signer();
beforeEach(() => {
  tmp = makeTempDir();
  home = path.join(tmp.dir, 'home');
  store = openStore(home);
});
afterEach(() => {
  store.close();
  tmp.cleanup();
});

describe('createCheckpoint', () => {
  it('signs nothing for an empty log', () => {
    expect(createCheckpoint(store, signer)).toBeNull();
    expect(listCheckpoints(store)).toEqual([]);
  });

  it('signs the canonical {key_fingerprint, log_id, root_hash, timestamp, tree_size} of the whole log with Ed25519', () => {
    appendAuditEvents(store, mixedEvents(10));
    const now = new Date('2026-11-22T10:00:00.123Z');
    const checkpoint = createCheckpoint(store, signer, now);
    expect(checkpoint).toEqual({
      log_id: getLogId(store),
      tree_size: 10,
      root_hash: treeRoot(store, 10),
      timestamp: '2026-11-22T10:00:00.123Z',
      key_fingerprint: signer.fingerprint,
      public_key: signer.publicKey,
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/) as unknown as string,
    });
    expect(signatureHolds(checkpoint!)).toBe(true);
    expect(signatureHolds({ ...checkpoint!, tree_size: 9 })).toBe(false);
    expect(listCheckpoints(store)).toEqual([checkpoint]);
  });

  it('makes no second checkpoint for the same tree size', () => {
    appendAuditEvents(store, mixedEvents(3));
    const first = createCheckpoint(store, signer);
    expect(createCheckpoint(store, signer)).toBeNull();
    // …nor from another connection (another process) racing for the same size.
    const other = openStore(home);
    try {
      expect(createCheckpoint(other, ed25519Signer())).toBeNull();
    } finally {
      other.close();
    }
    expect(listCheckpoints(store)).toEqual([first]);
  });

  it('keeps checkpoints in tree order, finds the one that covers an event, and proves each extends the last', () => {
    const sizes = [4, 17, 64, 65, 100];
    let at = 0;
    for (const size of sizes) {
      appendAuditEvents(store, mixedEvents(size - at));
      at = size;
      createCheckpoint(store, signer);
    }
    const all = listCheckpoints(store);
    expect(all.map((c) => c.tree_size)).toEqual(sizes);
    expect(all.every(signatureHolds)).toBe(true);
    expect(latestCheckpoint(store)?.tree_size).toBe(100);
    expect(checkpointAtOrAfter(store, 1)?.tree_size).toBe(4);
    expect(checkpointAtOrAfter(store, 17)?.tree_size).toBe(17);
    expect(checkpointAtOrAfter(store, 18)?.tree_size).toBe(64);
    expect(checkpointAtOrAfter(store, 101)).toBeUndefined();
    for (let i = 1; i < all.length; i++) {
      const [a, b] = [all[i - 1]!, all[i]!];
      const proof = consistencyProof(store, a.tree_size, b.tree_size);
      expect(verifyConsistency(a.tree_size, b.tree_size, fromDigest(a.root_hash), fromDigest(b.root_hash), proof.path.map(fromDigest))).toBe(true);
    }
  });

  it('refuses a signer whose fingerprint is not the SHA-256 of its public key, or whose signature does not verify, and stores nothing', () => {
    appendAuditEvents(store, mixedEvents(2));
    const other = ed25519Signer();
    expect(() => createCheckpoint(store, { ...signer, fingerprint: other.fingerprint })).toThrow(/fingerprint .* is not the SHA-256 of its public key/);
    expect(() => createCheckpoint(store, { ...signer, publicKey: Buffer.alloc(31).toString('base64') })).toThrow(/raw 32-byte Ed25519 key/);
    expect(() => createCheckpoint(store, { ...signer, sign: other.sign })).toThrow(/does not verify with its own public key; no checkpoint was written/);
    expect(listCheckpoints(store)).toEqual([]);
  });

  it('refuses to sign a log that shrank, or whose tree no longer gives a signed root', () => {
    appendAuditEvents(store, mixedEvents(20));
    const signed = createCheckpoint(store, signer)!;
    appendAuditEvents(store, mixedEvents(1));
    const raw = new Database(store.path);
    try {
      // Rewrite the signed root (as if the tree under it had been rebuilt over other events).
      raw.exec('DROP TRIGGER checkpoints_no_update');
      raw.prepare('UPDATE checkpoints SET root_hash = ? WHERE tree_size = 20').run(treeRoot(store, 19));
      expect(() => createCheckpoint(store, signer)).toThrow(/the first 20 events no longer give the root signed in checkpoint 20/);
      raw.prepare('UPDATE checkpoints SET root_hash = ? WHERE tree_size = 20').run(signed.root_hash);
      // Truncate the log (and its tree) below the signed size.
      raw.exec('DROP TRIGGER audit_events_no_delete; DROP TRIGGER merkle_nodes_no_delete');
      raw.exec('DELETE FROM audit_events WHERE seq > 15; DELETE FROM merkle_nodes WHERE idx * (1 << level) + (1 << level) > 15');
      expect(() => createCheckpoint(store, signer)).toThrow(/checkpoint 20 was signed, but the audit log now holds only 15 events/);
    } finally {
      raw.close();
    }
    expect(listCheckpoints(store).map((c) => c.tree_size)).toEqual([20]);
  });

  it('refuses on a read-only store', () => {
    appendAuditEvents(store, mixedEvents(1));
    const reader = openStore(home, { readonly: true });
    try {
      expect(() => createCheckpoint(reader, signer)).toThrow(/open read-only/);
    } finally {
      reader.close();
    }
  });

  it('never lets a stored checkpoint change', () => {
    appendAuditEvents(store, mixedEvents(1));
    createCheckpoint(store, signer);
    expect(() => store.db.prepare("UPDATE checkpoints SET timestamp = 'x'").run()).toThrow(/never changed/);
    expect(() => store.db.prepare('DELETE FROM checkpoints').run()).toThrow(/never deleted/);
  });
});

describe('the receipt format (src/shared/receipt) accepts what the engine writes', () => {
  it('parses a checkpoint and both kinds of proof with the contract schemas, unchanged', () => {
    appendAuditEvents(store, mixedEvents(9));
    const checkpoint: ContractCheckpoint = createCheckpoint(store, signer)!; // the engine's type is assignable to the contract's
    expect(CheckpointSchema.parse(checkpoint)).toEqual(checkpoint);
    const inclusion = inclusionProof(store, 4, 9);
    expect(InclusionProofSchema.parse(inclusion)).toEqual(inclusion);
    const consistency = consistencyProof(store, 3, 9);
    expect(ConsistencyProofSchema.parse(consistency)).toEqual(consistency);
  });
});

describe('getLogId', () => {
  it('is 32 lowercase hex digits, the same on every open, and different for another home', () => {
    const id = getLogId(store);
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    store.close();
    store = openStore(home);
    expect(getLogId(store)).toBe(id);
    const otherHome = openStore(path.join(tmp.dir, 'other'));
    try {
      expect(getLogId(otherHome)).not.toBe(id);
    } finally {
      otherHome.close();
    }
  });
});

describe('checkpoint policy', () => {
  it('defaults to every 256 events or 60 s, and never for nothing new', () => {
    expect([CHECKPOINT_EVERY_EVENTS, CHECKPOINT_EVERY_MS]).toEqual([256, 60_000]);
    expect(shouldCheckpoint({ eventsSinceLast: 0, msSinceLast: Number.POSITIVE_INFINITY })).toBe(false);
    expect(shouldCheckpoint({ eventsSinceLast: 255, msSinceLast: 59_999 })).toBe(false);
    expect(shouldCheckpoint({ eventsSinceLast: 256, msSinceLast: 0 })).toBe(true);
    expect(shouldCheckpoint({ eventsSinceLast: 1, msSinceLast: 60_000 })).toBe(true);
    expect(shouldCheckpoint({ eventsSinceLast: 10, msSinceLast: 0 }, { everyEvents: 10, everyMs: 1000 })).toBe(true);
  });

  it('measures the lag from the latest checkpoint', () => {
    expect(checkpointLag(store)).toEqual({ eventsSinceLast: 0, msSinceLast: Number.POSITIVE_INFINITY });
    appendAuditEvents(store, mixedEvents(7));
    expect(checkpointLag(store).eventsSinceLast).toBe(7);
    createCheckpoint(store, signer, new Date('2026-11-22T10:00:00.000Z'));
    appendAuditEvents(store, mixedEvents(3));
    expect(checkpointLag(store, new Date('2026-11-22T10:00:45.000Z'))).toEqual({ eventsSinceLast: 3, msSinceLast: 45_000 });
  });
});
