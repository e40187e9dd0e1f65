import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/engine/canonical-json.js';
import { appendAuditEvents, listAuditEvents, verifyAuditChain, type AuditEvent, type AuditEventBody } from '../../src/engine/audit/index.js';
import { canonicalEventTexts } from '../../src/engine/audit/canonical-event.js';
import { auditLeafHash, consistencyProof, inclusionProof, merkleLeafCount, merkleTreeSize, syncMerkleTree, treeRoot } from '../../src/engine/merkle/index.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { mixedEvents } from './fixtures/audit-events.js';
import { makeTempDir, spawnFixture } from './fixtures/child-fixture.js';
import { leafHashOf, ReferenceTree, seededRandom, toDigest } from './fixtures/merkle-reference.js';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
const opened: Store[] = [];
const open = (readonly = false): Store => {
  const store = openStore(home, { readonly });
  opened.push(store);
  return store;
};
beforeEach(() => {
  tmp = makeTempDir();
  home = path.join(tmp.dir, 'home');
});
afterEach(() => {
  opened.splice(0).forEach((s) => s.close());
  tmp.cleanup();
});

/** The reference tree over the log as a reader sees it: leaf i = canonical JSON of the full event seq i+1. */
function referenceOf(events: readonly AuditEvent[]): ReferenceTree {
  events.forEach((e, i) => expect(e.seq).toBe(i + 1));
  return new ReferenceTree(events.map((e) => leafHashOf(Buffer.from(canonicalJson(e), 'utf8'))));
}

const allEvents = (store: Store): AuditEvent[] => listAuditEvents(store, { limit: 10_000 });

function expectTreeMatches(store: Store, reference: ReferenceTree, sizes: readonly number[]): void {
  for (const n of sizes) {
    expect(treeRoot(store, n), `root of ${n}`).toBe(toDigest(reference.mth(0, n)));
  }
}

describe('the audit log as a Merkle tree', () => {
  it('adds one leaf per event in the append transaction: 300 events in batches of 1 to 256 give the reference tree', () => {
    const store = open();
    const inputs = mixedEvents(300);
    let at = 0;
    for (const size of [1, 7, 256, 3, 1, 32]) {
      appendAuditEvents(store, inputs.slice(at, at + size));
      at += size;
      expect(merkleLeafCount(store.db)).toBe(at);
    }
    expect(at).toBe(300);
    const events = allEvents(store);
    const reference = referenceOf(events);
    expectTreeMatches(store, reference, Array.from({ length: 300 }, (_, i) => i + 1));
    for (let m = 0; m < 300; m++) expect(inclusionProof(store, m, 300).path).toEqual(reference.path(m, 0, 300).map(toDigest));
    const random = seededRandom(300);
    for (let i = 0; i < 500; i++) {
      const to = 1 + Math.floor(random() * 300);
      const from = 1 + Math.floor(random() * to);
      expect(consistencyProof(store, from, to).path).toEqual(reference.proof(from, to).map(toDigest));
    }
  });

  it("hashes each leaf over the full event exactly as listAuditEvents returns it (the receipt's event)", () => {
    const store = open();
    const [event] = appendAuditEvents(store, mixedEvents(1));
    const leaf = store.db.prepare('SELECT hash FROM merkle_nodes WHERE level = 0 AND idx = 0').pluck().get() as Buffer;
    expect(leaf).toEqual(auditLeafHash(event!));
    expect(leaf).toEqual(leafHashOf(Buffer.from(canonicalJson(allEvents(store)[0]), 'utf8')));
    expect(treeRoot(store, 1)).toBe(toDigest(leaf));
  });

  it('rolls the leaves back with the events when an append fails', () => {
    const store = open();
    appendAuditEvents(store, mixedEvents(5));
    const before = treeRoot(store, 5);
    // The third input cannot be hashed (a lone surrogate has no UTF-8), after two good ones.
    expect(() => appendAuditEvents(store, [...mixedEvents(2), { type: 'call.decided', server: 'bad\ud800' }])).toThrow(/surrogate/);
    expect(merkleLeafCount(store.db)).toBe(5);
    expect(treeRoot(store, 5)).toBe(before);
    appendAuditEvents(store, mixedEvents(3));
    expectTreeMatches(store, referenceOf(allEvents(store)), [5, 6, 8]);
  });

  it('stays one tree when 4 processes append 50 events each at once', async () => {
    open().close();
    const workers = Array.from({ length: 4 }, (_, i) => spawnFixture('append-audit-child.mjs', [home, '50', String(i)]));
    for (const w of workers) expect(await w.nextMessage()).toEqual({ event: 'ready' });
    for (const w of workers) w.child.stdin.write('go\n');
    for (const w of workers) expect(await w.nextMessage()).toEqual({ event: 'done' });
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
    const store = open(true);
    expect(merkleLeafCount(store.db)).toBe(200);
    const reference = referenceOf(allEvents(store));
    expectTreeMatches(store, reference, [1, 50, 127, 128, 199, 200]);
    expect(inclusionProof(store, 137, 200).path).toEqual(reference.path(137, 0, 200).map(toDigest));
  });
});

describe('canonicalEventTexts (the append fast path)', () => {
  const body = (over: Partial<AuditEventBody>): AuditEventBody => ({
    seq: 1,
    ts: '2026-11-22T10:00:00.000Z',
    type: 'call.decided',
    server: 'fs',
    tool: 'read',
    decision: 'ALLOW',
    rule: 'R5',
    findings: [],
    approvedHash: null,
    liveHash: null,
    argsHash: null,
    responseHash: null,
    detail: null,
    prevHash: `sha256:${'0'.repeat(64)}`,
    ...over,
  });

  it('writes exactly what canonicalJson writes, for the body and for the body with its hash', () => {
    const cases: AuditEventBody[] = [
      ...mixedEvents(9).map(({ args: _args, response: _response, ...fields }, i) => body({ ...(fields as Partial<AuditEventBody>), seq: i + 1 })),
      body({ server: 'ünïcødé 😀 "quoted" \\ back\nline\t\u0001\u007f\u2028', tool: '' }),
      body({ server: null, tool: null, decision: null, rule: null, seq: 9_007_199_254_740_991 }),
      body({ detail: { liveHash: ',"liveHash":', nested: { z: 1, a: [1e21, 0.1, -0, 'x'] }, '\u00e9': true, e: null }, findings: ['a.b', 'c.d'] }),
    ];
    for (const b of cases) {
      const texts = canonicalEventTexts(b);
      expect(texts.body).toBe(canonicalJson(b));
      expect(texts.event).toBe(canonicalJson({ ...b, hash: texts.hash }));
    }
  });

  it('refuses a lone surrogate like canonicalJson does', () => {
    expect(() => canonicalEventTexts(body({ tool: 'x\udc00' }))).toThrow(/surrogate/);
    expect(() => canonicalJson(body({ tool: 'x\udc00' }))).toThrow(/surrogate/i);
  });
});

describe('a log written before the Merkle tree (migration 004)', () => {
  /** Appends `count` events, then makes the file look like Airlock before 004/005: no tree, no checkpoints, no log id. */
  function legacyLog(count: number): AuditEvent[] {
    const store = open();
    appendAuditEvents(store, mixedEvents(count));
    const events = allEvents(store);
    store.close();
    const raw = new Database(path.join(home, 'airlock.db'));
    raw.exec(`DROP TABLE merkle_nodes; DROP TABLE checkpoints; DELETE FROM meta WHERE key = 'log_id';
      DELETE FROM schema_migrations WHERE version IN (4, 5)`);
    raw.close();
    return events;
  }

  it('gets its tree built once, on first use, and then grows it from there', () => {
    const events = legacyLog(100);
    const store = open();
    expect(store.migrationsApplied).toEqual([4, 5]);
    expect(merkleLeafCount(store.db)).toBe(0);
    // A reader cannot build it, and says what to do.
    const reader = open(true);
    expect(() => treeRoot(reader, 100)).toThrow(/beyond the audit log, which holds 0 events.*start Airlock once/);
    expect(() => syncMerkleTree(reader)).toThrow(/covers 0 of its 100 events, and this connection is read-only\. Start Airlock once/);

    const reference = referenceOf(events);
    expect(treeRoot(store, 100)).toBe(toDigest(reference.mth(0, 100)));
    expect(merkleLeafCount(store.db)).toBe(100);
    expect(syncMerkleTree(store)).toBe(100); // idempotent
    expect(treeRoot(reader, 100)).toBe(toDigest(reference.mth(0, 100)));

    appendAuditEvents(store, mixedEvents(5));
    expectTreeMatches(store, referenceOf(allEvents(store)), [1, 64, 100, 101, 105]);
  });

  it('is built by the first append too, before that append adds its own leaves', () => {
    legacyLog(40);
    const store = open();
    appendAuditEvents(store, mixedEvents(3));
    expect(merkleLeafCount(store.db)).toBe(43);
    expectTreeMatches(store, referenceOf(allEvents(store)), [1, 40, 41, 43]);
    expect(verifyAuditChain(store)).toMatchObject({ ok: true, count: 43 });
  });

  it('is not built over a chain that does not hold: the tree would vouch for a rewritten event', () => {
    legacyLog(30);
    const raw = new Database(path.join(home, 'airlock.db'));
    raw.exec('DROP TRIGGER audit_events_no_update');
    raw.prepare(`UPDATE audit_events SET body = replace(body, '"ALLOW"', '"DENY"') WHERE seq = 12`).run();
    raw.close();
    const store = open();
    expect(() => merkleTreeSize(store)).toThrow(/cannot build the Merkle tree over the audit log: event 12 does not match its stored hash\. Run: airlock audit verify/);
    expect(() => appendAuditEvents(store, mixedEvents(1))).toThrow(/event 12 does not match/);
    expect(merkleLeafCount(store.db)).toBe(0);
  });
});
