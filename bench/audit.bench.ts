import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, bench, describe } from 'vitest';
import { appendAuditEvent, appendAuditEvents, verifyAuditChain, type AuditEventInput } from '../src/engine/audit/index.js';
import { canonicalDigest } from '../src/engine/canonical-json.js';
import { openStore } from '../src/engine/store/index.js';

// Real SQLite files in WAL mode with synchronous=FULL: each append is one fsync'd commit.
const args = { path: '/tmp/notes.txt', content: 'x'.repeat(500) };
const event = { type: 'call.decided', server: 'fs', tool: 'write_file', decision: 'ALLOW', rule: 'R5', args } as const;
const appendStore = openStore(mkdtempSync(join(tmpdir(), 'airlock-bench-append-')));
const verifyStore = openStore(mkdtempSync(join(tmpdir(), 'airlock-bench-verify-')));
for (let i = 0; i < 1000; i += 1) appendAuditEvent(verifyStore, event);

// A log of 100,000 events shaped like a session's: mostly calls, with surface, drift and hold
// events carrying hashes, findings and detail. Built once, in the Host's batches of 256.
const LARGE = 100_000;
const BATCH = 256;
const surfaceA = canonicalDigest('surface A');
const surfaceB = canonicalDigest('surface B');
const kinds: AuditEventInput[] = [
  event,
  { type: 'call.decided', server: 'github', tool: 'create_issue', decision: 'ALLOW', rule: 'R5', args: { title: 'x' }, response: { content: [] } },
  { type: 'call.decided', server: 'fs', tool: 'read_file', decision: 'HOLD', rule: 'R3', args: { path: '/etc/passwd' } },
  { type: 'hold.resolved', server: 'fs', tool: 'read_file', decision: 'DENY', rule: 'R3', detail: { answer: 'n' } },
  { type: 'surface.approved', server: 'fs', approvedHash: surfaceA, liveHash: surfaceA, detail: { generation: 1, approvedBy: 'trust-on-first-use' } },
  { type: 'drift.detected', server: 'fs', approvedHash: surfaceA, liveHash: surfaceB, findings: ['tool.description-changed', 'tool.input-schema-changed'] },
  { type: 'call.decided', server: null, decision: 'SILENCE', rule: 'R1', detail: { method: 'notifications/unknown' } },
];
const largeStore = openStore(mkdtempSync(join(tmpdir(), 'airlock-bench-verify-large-')));
{
  const inputs = Array.from({ length: BATCH }, (_, i) => kinds[i % kinds.length]!);
  for (let n = 0; n < LARGE; n += BATCH) appendAuditEvents(largeStore, inputs.slice(0, Math.min(BATCH, LARGE - n)));
}

// What `airlock audit verify` reports as throughput: events checked per second, per run.
const largeRuns: number[] = [];
const LARGE_RUNS = 5;

afterAll(() => {
  if (largeRuns.length > 0) {
    // The measured runs only: the first ones are the warm-up (code not yet optimized).
    const sorted = largeRuns.slice(-LARGE_RUNS).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `verifyAuditChain over ${LARGE.toLocaleString('en')} events: median ${median.toFixed(0)} ms over ${sorted.length} runs, ` +
        `${Math.round(LARGE / (median / 1000)).toLocaleString('en')} events/s (${((median * 1000) / LARGE).toFixed(2)} µs/event)`,
    );
  }
  // The large log is tens of MB: do not leave it in the temp folder.
  for (const store of [appendStore, verifyStore, largeStore]) {
    store.close();
    rmSync(store.home, { recursive: true, force: true });
  }
});

describe('audit chain', () => {
  bench('appendAuditEvent (one committed, chained event)', () => {
    appendAuditEvent(appendStore, event);
  });
  bench('verifyAuditChain over 1000 events', () => {
    verifyAuditChain(verifyStore);
  }, { iterations: 10 });
  bench(`verifyAuditChain over ${LARGE.toLocaleString('en')} events`, () => {
    const started = performance.now();
    const result = verifyAuditChain(largeStore);
    largeRuns.push(performance.now() - started);
    if (!result.ok || result.count !== LARGE) throw new Error(`bench log failed to verify: ${JSON.stringify(result)}`);
  }, { iterations: LARGE_RUNS, time: 0 });
});
