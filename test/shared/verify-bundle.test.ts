import { describe, expect, it } from 'vitest';
import { canonicalDigest as engineDigest } from '../../src/engine/canonical-json.js';
import { parseSurface, surfaceHash, type SurfaceInput } from '../../src/engine/surface.js';
import { leafHash, verifyConsistencyProof, verifyInclusionProof } from '../../src/shared/receipt/merkle-proofs.js';
import type { ReceiptBundle, ReceiptEvent } from '../../src/shared/receipt/receipt-format.js';
import { canonicalDigest, digestBytes, surfaceDigest } from '../../src/shared/receipt/receipt-hashes.js';
import { CHECK_NAMES, verifyBundle, type CheckName, type VerifyReport } from '../../src/shared/receipt/verify-bundle.js';
import { APPROVED_SURFACE, fullBundle, LIVE_SURFACE, makeSigner, ReferenceTree, rotateKey, TestLog } from '../support/receipt-builder.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonPath = Array<string | number>;

const clone = <T>(value: T): T => structuredClone(value);
const checksOf = (report: VerifyReport): CheckName[] => report.failures.map((f) => f.check);

/** Every string, number and boolean in a JSON value, with its path. */
function leaves(value: Json, path: JsonPath = []): Array<{ path: JsonPath; value: string | number | boolean }> {
  if (value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path, value }];
}

function setAt<T>(doc: T, path: JsonPath, value: unknown): T {
  const copy = clone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1) as string | number] = value;
  return copy;
}

const ENUM_SWAPS: Record<string, string> = { ALLOW: 'DENY', HOLD: 'ALLOW', DENY: 'HOLD', GREEN: 'AMBER', AMBER: 'RED', RED: 'GREEN', high: 'critical', medium: 'high' };

/**
 * The smallest change that keeps the value well-formed, so the check behind the schema is the
 * one that must notice: a digit moves by one (hex and ISO times stay valid), else the last
 * letter does, an enum becomes another member, a number grows by one, a boolean flips.
 */
function changed(value: string | number | boolean): string | number | boolean {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  const swap = ENUM_SWAPS[value];
  if (swap !== undefined) return swap;
  const at = Math.max(value.search(/\d(?!.*\d)/), -1);
  if (at >= 0) return value.slice(0, at) + String((Number(value[at]) + 1) % 10) + value.slice(at + 1);
  const letter = value.search(/[a-zA-Z](?!.*[a-zA-Z])/);
  if (letter >= 0) {
    const c = value[letter] as string;
    const next = c === 'f' ? 'e' : c === 'z' ? 'y' : c === 'Z' ? 'Y' : String.fromCharCode(c.charCodeAt(0) + 1);
    return value.slice(0, letter) + next + value.slice(letter + 1);
  }
  return `${value}x`;
}

/** Which check must notice a change at this path of a bundle. */
function checkFor(path: JsonPath): CheckName | 'none' {
  const [top, , part, field] = path;
  if (top === 'format' || top === 'version') return 'schema';
  if (top === 'log_id') return 'checkpoint-signature';
  // exported_at is when the file was written, not evidence: nothing signs it.
  if (top === 'exported_at') return 'none';
  if (top === 'checkpoints') return 'checkpoint-signature';
  if (top === 'consistency') return 'consistency';
  if (top === 'key_rotations') return 'key-rotation';
  if (part === 'id') return 'receipt-id';
  if (part === 'event') return 'event-hash';
  if (part === 'drift_record') return field === 'version' ? 'schema' : 'drift-record-digest';
  if (part === 'inclusion') return 'leaf-inclusion';
  if (part === 'checkpoint') return 'checkpoint-signature';
  throw new Error(`no expectation for ${path.join('.')}`);
}

/** Changes every leaf under `prefix`, one at a time, and lists those whose expected check did not fail. */
async function missedChanges(bundle: ReceiptBundle, prefix: JsonPath, trust: string): Promise<{ tried: number; missed: string[] }> {
  const missed: string[] = [];
  const targets = leaves(bundle as unknown as Json).filter((l) => prefix.every((p, i) => l.path[i] === p));
  for (const { path, value } of targets) {
    const report = await verifyBundle(setAt(bundle, path, changed(value)), { trust });
    const expected = checkFor(path);
    const noticed = expected === 'none' ? report.ok : !report.ok && checksOf(report).includes(expected);
    if (!noticed) missed.push(`${path.join('.')} (${JSON.stringify(value)} -> ${JSON.stringify(changed(value))}): expected ${expected}, got ${JSON.stringify(report.failures.slice(0, 2))}`);
  }
  return { tried: targets.length, missed };
}

describe('verifyBundle on a valid bundle', () => {
  const { bundle, original, current } = fullBundle();

  it('holds, pinned to the original key, with every check counted', async () => {
    const report = await verifyBundle(bundle, { trust: original.fingerprint });
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ ok: true, receipts: 12, trusted: true });
    expect(report.checked).toEqual({
      schema: 1,
      'receipt-id': 12,
      'event-hash': 12,
      chain: 12,
      'leaf-inclusion': 12,
      'checkpoint-signature': 15,
      'checkpoint-trust': 15,
      'key-rotation': 1,
      'drift-record-digest': 2,
      'surface-hash': 2,
      consistency: 14,
    });
    for (const name of CHECK_NAMES) expect(report.checked[name]).toBeGreaterThan(0);
  });

  it('holds without a pinned key, but says it is not trusted and runs no trust check', async () => {
    const report = await verifyBundle(bundle, {});
    expect(report).toMatchObject({ ok: true, trusted: false });
    expect(report.checked['checkpoint-trust']).toBe(0);
  });

  it('holds pinned to the key in use today: checkpoint 5 (the old key) is a proven prefix of checkpoint 9, which that key signed', async () => {
    const report = await verifyBundle(bundle, { trust: current.fingerprint });
    expect(report.failures).toEqual([]);
    expect(report).toMatchObject({ ok: true, trusted: true });
  });

  it('verifies one receipt on its own, as a bundle of one with its checkpoint', async () => {
    const receipt = bundle.receipts[3];
    const report = await verifyBundle(receipt, { trust: original.fingerprint });
    expect(report).toMatchObject({ ok: true, receipts: 1, trusted: true, failures: [] });
    expect(report.checked).toMatchObject({ 'event-hash': 1, 'drift-record-digest': 1, 'surface-hash': 1, 'checkpoint-signature': 2 });
  });
});

describe('verifyBundle names the check a one-character change breaks', () => {
  const { bundle, original } = fullBundle();
  const cases: Array<[string, JsonPath]> = [
    ['every field of every receipt: id, event, drift record, inclusion proof and its checkpoint', ['receipts']],
    ['every checkpoint field, signature and public key in the checkpoint list', ['checkpoints']],
    ['every consistency proof field and path element', ['consistency']],
    ['every key rotation field', ['key_rotations']],
    ['the format field', ['format']],
  ];
  it.each(cases)('%s', async (_name, prefix) => {
    const { tried, missed } = await missedChanges(bundle, prefix, original.fingerprint);
    expect(missed).toEqual([]);
    expect(tried).toBeGreaterThan(0);
  });

  it('the bundle log_id, version and exported_at', async () => {
    for (const key of ['log_id', 'version', 'exported_at']) {
      const { tried, missed } = await missedChanges(bundle, [key], original.fingerprint);
      expect(missed).toEqual([]);
      expect(tried).toBe(1);
    }
  });

  it('every field of a single receipt file: id, event, drift record, inclusion path, leaf_index, tree_size, checkpoint', async () => {
    const receipt = bundle.receipts[3] as unknown as Json;
    const missed: string[] = [];
    const all = leaves(receipt);
    for (const { path, value } of all) {
      const report = await verifyBundle(setAt(receipt, path, changed(value)), { trust: original.fingerprint });
      const expected = checkFor(['receipts', 3, ...path]);
      if (report.ok || !checksOf(report).includes(expected as CheckName)) missed.push(`${path.join('.')}: ${JSON.stringify(report.failures[0])}`);
    }
    expect(missed).toEqual([]);
    expect(all.length).toBeGreaterThan(60);
  });

  it('a null field given a value, and a set one nulled', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const cases: Array<[JsonPath, unknown, CheckName]> = [
      [['receipts', 0, 'event', 'argsHash'], null, 'event-hash'],
      [['receipts', 0, 'event', 'approvedHash'], digest, 'event-hash'],
      [['receipts', 0, 'event', 'detail'], { note: 1 }, 'event-hash'],
      [['receipts', 3, 'event', 'tool'], 'read_file', 'event-hash'],
      [['receipts', 3, 'drift_record'], null, 'drift-record-digest'],
      [['receipts', 3, 'drift_record', 'approved'], null, 'drift-record-digest'],
      [['receipts', 3, 'drift_record', 'approved_hash'], null, 'surface-hash'],
      [['receipts', 6, 'drift_record', 'tool'], null, 'drift-record-digest'],
      [['receipts', 0, 'drift_record'], bundle.receipts[3]?.drift_record, 'drift-record-digest'],
    ];
    for (const [path, value, check] of cases) {
      const report = await verifyBundle(setAt(bundle, path, value), { trust: original.fingerprint });
      expect(checksOf(report), path.join('.')).toContain(check);
    }
  });

  it('a public key or signature whose last base64 character changes only spare bits', async () => {
    // 32 bytes end in "X=" where X carries 2 spare bits: "A" and "B" decode to the same bytes with atob.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const key = bundle.checkpoints[0]?.public_key as string;
    const sameBytes = `${key.slice(0, -2)}${alphabet[alphabet.indexOf(key.at(-2) as string) ^ 1]}=`;
    expect(Buffer.from(sameBytes, 'base64')).toEqual(Buffer.from(key, 'base64'));
    const report = await verifyBundle(setAt(bundle, ['checkpoints', 0, 'public_key'], sameBytes), {});
    expect(report.failures[0]).toMatchObject({ check: 'checkpoint-signature', message: expect.stringMatching(/public_key is not a 32-byte Ed25519 key in canonical base64/) });
  });

  it('a drift record whose definitions no longer match its own hashes, re-digested into a re-signed log', async () => {
    const log = new TestLog();
    const signer = makeSigner();
    const record = { ...fullBundle().bundle.receipts[3]?.drift_record, live: { ...(LIVE_SURFACE as object), instructions: 'Quietly different.' } };
    log.append({ type: 'server.drift' }, record as never);
    const report = await verifyBundle(log.bundle([log.checkpoint(1, signer)]), { trust: signer.fingerprint });
    expect(report.failures).toEqual([expect.objectContaining({ check: 'surface-hash', message: expect.stringMatching(/^drift_record\.live_hash sha256:\w+ is not the hash of drift_record\.live/) })]);
  });

  it('a surface carrying a field its hash does not cover', async () => {
    const log = new TestLog();
    const signer = makeSigner();
    const record = { ...fullBundle().bundle.receipts[3]?.drift_record };
    record.live = { ...(record.live as object), notes: 'shown to a reviewer, hashed by nobody' };
    log.append({ type: 'server.drift' }, record as never);
    const report = await verifyBundle(log.bundle([log.checkpoint(1, signer)]), {});
    expect(report.failures).toEqual([expect.objectContaining({ check: 'surface-hash', message: 'drift_record.live carries "notes", which a surface hash does not cover' })]);
  });
});

describe('verifyBundle against a removed, reordered or duplicated event', () => {
  const { bundle, log, original } = fullBundle();
  const id = (seq: number): string => `${log.logId}:${seq}`;

  it('fails when a receipt is duplicated', async () => {
    const receipts = [...bundle.receipts.slice(0, 3), bundle.receipts[2], ...bundle.receipts.slice(3)];
    const report = await verifyBundle({ ...bundle, receipts }, {});
    expect(report.failures).toContainEqual({ receipt: id(3), check: 'chain', message: 'event 3 appears twice in the bundle' });
  });

  it('fails when two receipts swap places', async () => {
    const receipts = [...bundle.receipts.slice(0, 4), bundle.receipts[5], bundle.receipts[4], ...bundle.receipts.slice(6)];
    const report = await verifyBundle({ ...bundle, receipts }, {});
    expect(report.failures).toContainEqual({ receipt: id(5), check: 'chain', message: 'event 5 comes after event 6: receipts must be in ascending seq order' });
  });

  it('fails when an event is removed and the later ones renumbered', async () => {
    const receipts = clone(bundle.receipts).filter((r) => r.event.seq !== 5);
    for (const r of receipts.filter((r) => r.event.seq > 5)) {
      r.event.seq -= 1;
      r.id = id(r.event.seq);
      r.inclusion.leaf_index -= 1;
    }
    const report = await verifyBundle({ ...bundle, receipts }, {});
    expect(report.failures[0]).toMatchObject({ receipt: id(5), check: 'event-hash' });
    expect(checksOf(report)).toContain('chain');
  });

  it('fails when an event is removed from the log and the tree rebuilt and re-signed over what is left', async () => {
    const tampered = new TestLog(log.logId);
    tampered.events.push(...log.events.filter((e) => e.seq !== 5));
    const cp = tampered.checkpoint(11, original);
    const receipts = tampered.events.map((e, index) => ({ ...tampered.receipt(index + 1, cp), id: id(e.seq), drift_record: log.driftRecords.get(e.seq) ?? null, inclusion: { leaf_index: index, tree_size: 11, path: tampered.merkle().inclusionPath(index, 11) } }));
    const report = await verifyBundle({ ...bundle, receipts, checkpoints: [cp], consistency: [], key_rotations: [] }, { trust: original.fingerprint });
    expect(report.failures[0]).toMatchObject({ receipt: id(6), check: 'leaf-inclusion', message: 'inclusion.leaf_index 4 is not event.seq - 1 (5)' });
  });

  it('fails consistency when the log was truncated after an exported checkpoint and regrown with a different history', async () => {
    const signer = makeSigner();
    const first = new TestLog();
    first.appendCalls(8);
    const exported = first.checkpoint(6, signer);
    // The same log, cut back to 3 events and regrown: events 4.. now say something else.
    const regrown = new TestLog(first.logId);
    regrown.events.push(...first.events.slice(0, 3));
    for (let i = 0; i < 7; i += 1) regrown.append({ decision: 'DENY', rule: 'R3' });
    const later = regrown.checkpoint(10, signer);
    const next = regrown.bundle([later]);
    const combined = { ...next, checkpoints: [exported, later], consistency: [regrown.consistency(6, 10)] };
    const report = await verifyBundle(combined, { trust: signer.fingerprint });
    expect(report.failures).toEqual([
      {
        receipt: null,
        check: 'consistency',
        message: expect.stringMatching(/^the consistency proof from tree_size 6 to 10 fails: it rebuilds the older root as sha256:\w+, not sha256:\w+; the log was truncated or rewritten/),
      },
    ]);
    // Without the proof it fails too: nothing binds the two checkpoints.
    const withoutProof = await verifyBundle({ ...combined, consistency: [] }, {});
    expect(withoutProof.failures).toEqual([{ receipt: null, check: 'consistency', message: 'no consistency proof from tree_size 6 to 10: nothing shows the newer checkpoint extends the older one' }]);
  });

  it('fails consistency for two checkpoints of one size with different roots (a forked log)', async () => {
    const signer = makeSigner();
    const a = new TestLog();
    a.appendCalls(4);
    const b = new TestLog(a.logId);
    b.append({ tool: 'write_file' });
    b.appendCalls(3);
    const report = await verifyBundle({ ...a.bundle([a.checkpoint(4, signer)]), checkpoints: [a.checkpoint(4, signer), b.checkpoint(4, signer)] }, {});
    expect(report.failures).toEqual([{ receipt: null, check: 'consistency', message: expect.stringMatching(/^two checkpoints of tree_size 4 have different roots/) }]);
  });

  it('fails consistency when a receipt leads to a checkpoint the bundle does not list, or the list is unsorted', async () => {
    const missing = await verifyBundle({ ...bundle, checkpoints: bundle.checkpoints.slice(1), consistency: bundle.consistency.slice(1) }, {});
    expect(missing.failures.filter((f) => f.check === 'consistency').map((f) => f.receipt)).toEqual([1, 2, 3, 4, 5].map(id));
    const unsorted = await verifyBundle({ ...bundle, checkpoints: [...bundle.checkpoints].reverse() }, {});
    expect(unsorted.failures).toContainEqual({ receipt: null, check: 'consistency', message: 'checkpoints[1] (tree_size 9) comes after tree_size 12: checkpoints must be sorted by tree_size' });
  });

  it('fails the chain when event 1 does not start from the genesis hash, even re-hashed and re-signed', async () => {
    const forged = new TestLog();
    forged.events.push({ ...(new TestLog().append()), prevHash: `sha256:${'1'.repeat(64)}` });
    const { hash: _stale, ...body } = forged.events[0] as ReceiptEvent;
    (forged.events[0] as ReceiptEvent).hash = engineDigest(body) as ReceiptEvent['hash'];
    const signer = makeSigner();
    const report = await verifyBundle(forged.bundle([forged.checkpoint(1, signer)]), {});
    expect(report.failures).toEqual([{ receipt: `${forged.logId}:1`, check: 'chain', message: `event.prevHash of event 1 is sha256:${'1'.repeat(64)}, not the genesis hash (64 zeros)` }]);
  });

  it('accepts a selection with gaps (an export filtered by server or decision), linking only neighbours', async () => {
    const report = await verifyBundle(log.bundle(bundle.checkpoints, { seqs: [2, 4, 5, 11], rotations: bundle.key_rotations }), { trust: original.fingerprint });
    expect(report).toMatchObject({ ok: true, receipts: 4 });
  });
});

describe('verifyBundle and the pinned key', () => {
  it('fails checkpoint-trust for a checkpoint validly signed by another key', async () => {
    const log = new TestLog();
    log.appendCalls(3);
    const trusted = makeSigner();
    const other = makeSigner();
    const report = await verifyBundle(log.bundle([log.checkpoint(3, other)]), { trust: trusted.fingerprint });
    expect(report.trusted).toBe(false);
    expect(new Set(checksOf(report))).toEqual(new Set(['checkpoint-trust']));
    expect(report.failures[0]?.message).toBe(`checkpoint (tree_size 3) is signed by ${other.fingerprint}, which is not the trusted ${trusted.fingerprint} nor reached from it by a signed key rotation, and no consistency proof makes it part of a checkpoint such a key signed`);
  });

  it('follows a chain of rotations A to B to C, in any order in the file', async () => {
    const log = new TestLog();
    log.appendCalls(6);
    const [a, b, c] = [makeSigner(), makeSigner(), makeSigner()];
    const rotations = [rotateKey(log.logId, b, c), rotateKey(log.logId, a, b)];
    const report = await verifyBundle(log.bundle([log.checkpoint(2, a), log.checkpoint(4, b), log.checkpoint(6, c)], { rotations }), { trust: a.fingerprint });
    expect(report).toMatchObject({ ok: true, trusted: true });
    expect(report.checked['key-rotation']).toBe(2);
  });

  it('does not follow a rotation signed by the new key instead of the old one', async () => {
    const log = new TestLog();
    log.appendCalls(2);
    const [a, b] = [makeSigner(), makeSigner()];
    const forged = { ...rotateKey(log.logId, a, b), signature: rotateKey(log.logId, b, b).signature };
    const report = await verifyBundle(log.bundle([log.checkpoint(2, b)], { rotations: [forged] }), { trust: a.fingerprint });
    expect(checksOf(report)).toEqual(['checkpoint-trust', 'checkpoint-trust', 'checkpoint-trust', 'key-rotation']);
    expect(report.failures.at(-1)?.message).toMatch(/^key_rotations\[0\] \(sha256:\w+ to sha256:\w+\): signature does not verify with the old key$/);
  });

  it('does not follow a rotation backwards: trusting the new key vouches for an old checkpoint only through a consistency proof', async () => {
    const log = new TestLog();
    log.appendCalls(4);
    const [a, b] = [makeSigner(), makeSigner()];
    const rotations = [rotateKey(log.logId, a, b)];
    const onlyOld = await verifyBundle(log.bundle([log.checkpoint(2, a)], { rotations, seqs: [1, 2] }), { trust: b.fingerprint });
    expect(onlyOld.trusted).toBe(false);
    expect(checksOf(onlyOld)).toContain('checkpoint-trust');
    const both = log.bundle([log.checkpoint(2, a), log.checkpoint(4, b)], { rotations });
    expect(await verifyBundle(both, { trust: b.fingerprint })).toMatchObject({ ok: true, trusted: true });
    // Without the proof that 2 is a prefix of 4, the new key says nothing about checkpoint 2.
    const unproven = await verifyBundle({ ...both, consistency: [] }, { trust: b.fingerprint });
    expect(unproven.failures.filter((f) => f.check === 'checkpoint-trust').map((f) => f.receipt)).toEqual([`${log.logId}:1`, `${log.logId}:2`, null]);
  });

  it('does not let a trusted smaller checkpoint vouch for a larger one signed by a stranger', async () => {
    const log = new TestLog();
    log.appendCalls(4);
    const [trusted, stranger] = [makeSigner(), makeSigner()];
    const report = await verifyBundle(log.bundle([log.checkpoint(2, trusted), log.checkpoint(4, stranger)]), { trust: trusted.fingerprint });
    expect(report.failures.map((f) => [f.receipt, f.check])).toEqual([
      [`${log.logId}:3`, 'checkpoint-trust'],
      [`${log.logId}:4`, 'checkpoint-trust'],
      [null, 'checkpoint-trust'],
    ]);
  });

  it('does not let a checkpoint with a bad signature vouch for the smaller ones', async () => {
    const log = new TestLog();
    log.appendCalls(4);
    const [old, current] = [makeSigner(), makeSigner()];
    const bundle = log.bundle([log.checkpoint(2, old), log.checkpoint(4, current)]);
    const forged = setAt(bundle, ['checkpoints', 1, 'timestamp'], '2030-01-01T00:00:00.000Z');
    const report = await verifyBundle(forged, { trust: current.fingerprint });
    expect(report.failures.filter((f) => f.receipt === `${log.logId}:1`).map((f) => f.check)).toEqual(['checkpoint-trust']);
  });

  it('reports a trust value that is not a fingerprint', async () => {
    const { bundle } = fullBundle();
    const report = await verifyBundle(bundle, { trust: 'SHA256:abc' });
    expect(report.failures.at(-1)).toEqual({ receipt: null, check: 'checkpoint-trust', message: 'the trusted fingerprint "SHA256:abc" is not "sha256:" and 64 lowercase hex digits' });
  });
});

describe('verifyBundle on what is not a valid receipt file', () => {
  it('fails schema, naming the receipt and the field', async () => {
    const { bundle } = fullBundle();
    const report = await verifyBundle(setAt(bundle, ['receipts', 2, 'event', 'hash'], 'sha256:XYZ'), {});
    expect(report).toMatchObject({ ok: false, receipts: 0 });
    expect(report.failures).toEqual([{ receipt: `${bundle.log_id}:3`, check: 'schema', message: 'receipts[2].event.hash: must be "sha256:" and 64 lowercase hex digits' }]);
  });

  it('fails schema for an unknown field, a missing one, another format, another version', async () => {
    const { bundle } = fullBundle();
    const extra = await verifyBundle(setAt(bundle, ['receipts', 0, 'event', 'raw_args'], { path: '/etc/passwd' }), {});
    expect(extra.failures[0]).toMatchObject({ check: 'schema', message: expect.stringMatching(/^receipts\[0\]\.event: Unrecognized key: "raw_args"/) });
    const { key_rotations: _dropped, ...missing } = bundle;
    expect((await verifyBundle(missing, {})).failures[0]).toMatchObject({ check: 'schema', message: expect.stringMatching(/^key_rotations: /) });
    expect((await verifyBundle({ ...bundle, version: 2 }, {})).failures[0]?.message).toBe('bundle version 2 is not one this verifier reads (1): verify it with a newer Airlock');
    for (const value of [null, [], 'text', { tools: [] }]) {
      expect((await verifyBundle(value, {})).failures).toEqual([expect.objectContaining({ receipt: null, check: 'schema', message: expect.stringMatching(/^not an Airlock receipt file/) })]);
    }
  });

  it('holds for an empty bundle', async () => {
    const log = new TestLog();
    expect(await verifyBundle(log.bundle([]), {})).toMatchObject({ ok: true, receipts: 0, failures: [] });
  });
});

describe('the verifier recomputes hashes as the engine writes them', () => {
  const surfaces: SurfaceInput[] = [
    {},
    { tools: [] },
    { tools: [{ name: 'b' }, { name: 'a', description: 'x' }, { name: 'B' }, { name: 'é' }, { name: '\u{1F600}' }] },
    APPROVED_SURFACE,
    LIVE_SURFACE,
    { instructions: '' },
    { serverInfo: { name: 's', version: '1', extra: [1, 2.5, 1e21, -0] } },
    { prompts: [{ name: 'tool' }], tools: [{ name: 'tool' }] },
    { resources: [{ uri: 'file:///b' }, { uri: 'file:///a' }], resourceTemplates: [{ uriTemplate: 'file:///{x}' }] },
  ];
  it.each(surfaces.map((s, i) => [i, s] as const))('surface %i: the same surface hash as src/engine/surface.ts', async (_i, surface) => {
    const parsed = parseSurface(surface);
    expect(await surfaceDigest(JSON.parse(JSON.stringify(parsed)))).toBe(surfaceHash(parsed));
    // A record may omit empty lists; they count as empty.
    expect(await surfaceDigest(surface)).toBe(surfaceHash(parsed));
  });

  it('the same canonical digest as src/engine/canonical-json.ts', async () => {
    for (const value of [{ b: 1, a: [true, null, 'é\u2028'] }, 'text', 1e-7, { '\u{1F600}': 1, '\u00e9': 2, z: 3 }]) {
      expect(await canonicalDigest(value)).toBe(engineDigest(value));
    }
  });
});

describe('RFC 9162 proof verification against the reference tree', () => {
  // 301 leaves so that a proof for size n can also be tried against the tree of n + 1.
  const leafData = Array.from({ length: 301 }, (_, i) => new TextEncoder().encode(`leaf ${i}`));
  const tree = new ReferenceTree(leafData);
  const bytes = (digest: string): Uint8Array<ArrayBuffer> => digestBytes(digest);

  it('computes the leaf hash as SHA-256(0x00 || data)', async () => {
    expect(Buffer.from(await leafHash(leafData[7] as Uint8Array<ArrayBuffer>))).toEqual(tree.leafHash(7));
  });

  it('verifies the inclusion of every leaf in trees of every size 1..300', async () => {
    const refused: string[] = [];
    let verified = 0;
    for (let n = 1; n <= 300; n += 1) {
      const root = bytes(tree.root(n));
      const results = await Promise.all(Array.from({ length: n }, (_, m) => verifyInclusionProof(m, n, new Uint8Array(tree.leafHash(m)), tree.inclusionPath(m, n).map(bytes), root)));
      results.forEach((r, m) => (r.ok ? (verified += 1) : refused.push(`${m} in ${n}: ${r.reason}`)));
    }
    expect(refused).toEqual([]);
    expect(verified).toBe((300 * 301) / 2);
  }, 120_000);

  it('refuses an inclusion proof with another index, size, root or path (every leaf up to 64, a sample beyond)', async () => {
    const accepted: string[] = [];
    let tried = 0;
    for (let n = 2; n <= 300; n += 1) {
      const leavesToTry = n <= 64 ? Array.from({ length: n }, (_, m) => m) : [0, 1, n >> 1, n - 2, n - 1];
      for (const m of leavesToTry) {
        const leaf = new Uint8Array(tree.leafHash(m));
        const path = tree.inclusionPath(m, n).map(bytes);
        const root = bytes(tree.root(n));
        const attempts = {
          'next index': verifyInclusionProof((m + 1) % n, n, leaf, path, root),
          'size + 1': verifyInclusionProof(m, n + 1, leaf, path, bytes(tree.root(n + 1))),
          'another root': verifyInclusionProof(m, n, leaf, path, bytes(tree.root(n + 1))),
          'another leaf': verifyInclusionProof(m, n, new Uint8Array(tree.leafHash((m + 1) % n)), path, root),
          'path one short': verifyInclusionProof(m, n, leaf, path.slice(0, -1), root),
          'path one long': verifyInclusionProof(m, n, leaf, [...path, bytes(tree.root(1))], root),
        };
        for (const [what, result] of Object.entries(attempts)) {
          tried += 1;
          if ((await result).ok) accepted.push(`${what}: leaf ${m} of ${n}`);
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(tried).toBeGreaterThan(15_000);
  }, 120_000);

  it('verifies consistency between a sample of sizes up to 300, and refuses a rewritten older tree', async () => {
    const other = new ReferenceTree(leafData.map((d, i) => (i === 0 ? new TextEncoder().encode('rewritten') : d)));
    const wrong: string[] = [];
    let verified = 0;
    for (let n = 1; n <= 300; n += 1) {
      const sizes = new Set([1, n - 1, n, Math.ceil(n / 2), 2 ** Math.floor(Math.log2(n)), 1 + ((n * n * 31 + 7) % n), 1 + ((n * 13 + 5) % n)].filter((m) => m >= 1 && m <= n));
      for (const m of sizes) {
        const path = tree.consistencyProof(m, n).map(bytes);
        const ok = await verifyConsistencyProof(m, n, bytes(tree.root(m)), bytes(tree.root(n)), path);
        if (ok.ok) verified += 1;
        else wrong.push(`${m}->${n}: ${ok.reason}`);
        if (m < n) {
          const rewritten = await verifyConsistencyProof(m, n, bytes(other.root(m)), bytes(tree.root(n)), path);
          if (rewritten.ok) wrong.push(`${m}->${n} verified against a rewritten older root`);
          const shortened = await verifyConsistencyProof(m, n, bytes(tree.root(m)), bytes(tree.root(n)), path.slice(0, -1));
          if (shortened.ok) wrong.push(`${m}->${n} verified with a path one short`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(verified).toBeGreaterThan(1200);
  }, 120_000);
});
