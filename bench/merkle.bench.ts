import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { AuditEventInputSchema, appendAuditEvents, type AuditEventInput } from '../src/engine/audit/index.js';
import { canonicalEventTexts } from '../src/engine/audit/canonical-event.js';
import { canonicalDigest } from '../src/engine/canonical-json.js';
import { consistencyProof, inclusionProof, merkleLeafHash, syncMerkleTree, treeRoot } from '../src/engine/merkle/index.js';
import { openStore } from '../src/engine/store/index.js';

// Real SQLite files (WAL, synchronous=FULL), Merkle nodes written in the append transaction.
// A batch of 256 is what the Host's audit worker commits at most at once.
const BATCH = 256;
const LARGE = 100_000;
const args = { path: '/tmp/notes.txt', content: 'x'.repeat(500) };
const input: AuditEventInput = { type: 'call.decided', server: 'fs', tool: 'write_file', decision: 'ALLOW', rule: 'R5', args };
const batch = Array.from({ length: BATCH }, () => input);

const appendStore = openStore(mkdtempSync(join(tmpdir(), 'airlock-bench-merkle-append-')));

// One log of 100,000 events for roots and proofs; how long building it took is printed once.
const largeStore = openStore(mkdtempSync(join(tmpdir(), 'airlock-bench-merkle-large-')));
{
  const started = performance.now();
  for (let n = 0; n < LARGE; n += BATCH) appendAuditEvents(largeStore, batch.slice(0, Math.min(BATCH, LARGE - n)));
  const seconds = (performance.now() - started) / 1000;
  console.log(`built ${LARGE.toLocaleString('en')} events in batches of ${BATCH}: ${seconds.toFixed(1)} s, ${Math.round(LARGE / seconds).toLocaleString('en')} events/s`);
  // Backfill, as for a log written before migration 004: drop the nodes, rebuild them once.
  largeStore.db.exec('DROP TRIGGER merkle_nodes_no_delete; DELETE FROM merkle_nodes');
  const backfillStart = performance.now();
  syncMerkleTree(largeStore);
  const backfillSeconds = (performance.now() - backfillStart) / 1000;
  console.log(`backfilled the Merkle tree of ${LARGE.toLocaleString('en')} events: ${backfillSeconds.toFixed(1)} s, ${Math.round(LARGE / backfillSeconds).toLocaleString('en')} events/s`);
}

const { hash: _hash, ...sampleBody } = appendAuditEvents(appendStore, [input])[0]!;
const sampleText = canonicalEventTexts(sampleBody).event;
let nextLeaf = 0;
let nextFrom = 1;

describe(`append ${BATCH} events in one transaction (× ${BATCH} = events/s)`, () => {
  bench('appendAuditEvents, Merkle nodes on', () => {
    appendAuditEvents(appendStore, batch);
  });
  bench('floor: zod parse of the inputs alone', () => {
    for (const i of batch) AuditEventInputSchema.parse(i);
  });
  bench('floor: hashing the chain alone (canonical JSON + SHA-256 of args and event)', () => {
    for (let i = 0; i < BATCH; i++) {
      canonicalDigest(args);
      canonicalEventTexts(sampleBody);
    }
  });
  bench('floor: the Merkle leaf hashes alone (SHA-256 of the full event text)', () => {
    for (let i = 0; i < BATCH; i++) merkleLeafHash(sampleText);
  });
});

afterAll(() => {
  // The 100,000-event log is some 100 MB: do not leave it in the temp folder.
  for (const store of [appendStore, largeStore]) {
    store.close();
    rmSync(store.home, { recursive: true, force: true });
  }
});

describe(`tree of ${LARGE.toLocaleString('en')} events`, () => {
  bench('treeRoot', () => {
    treeRoot(largeStore, LARGE);
  });
  bench('inclusionProof (a different leaf each time)', () => {
    inclusionProof(largeStore, nextLeaf, LARGE);
    nextLeaf = (nextLeaf + 7919) % LARGE;
  });
  bench('consistencyProof (from a different size each time)', () => {
    consistencyProof(largeStore, nextFrom, LARGE);
    nextFrom = (nextFrom + 7919) % LARGE || 1;
  });
});
