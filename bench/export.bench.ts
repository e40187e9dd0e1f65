import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { appendAuditEvents } from '../src/engine/audit/index.js';
import { openStore } from '../src/engine/store/index.js';
import { exportReceipts } from '../src/host/receipts-export.js';
import { SigningKey } from '../src/host/signing-key.js';

// A 100,000-event log (built once, in batches of 256 as the Host writes them), exported whole.
const EVENTS = 100_000;
const home = mkdtempSync(join(tmpdir(), 'airlock-bench-export-'));
const store = openStore(home);
const key = SigningKey.loadOrCreate(home);
const event = { type: 'call.decided', server: 'fs', tool: 'read_file', decision: 'ALLOW', rule: 'R5', args: { path: '/tmp/notes.txt' } } as const;
for (let done = 0; done < EVENTS; done += 256) appendAuditEvents(store, Array.from({ length: Math.min(256, EVENTS - done) }, () => event));

describe('receipts export', () => {
  bench(`export ${EVENTS.toLocaleString('en')} receipts (proofs, checkpoint, JSON text)`, () => {
    const bundle = exportReceipts(store, key, key.rotations);
    if (bundle.receipts.length !== EVENTS) throw new Error(`exported ${bundle.receipts.length} receipts`);
    JSON.stringify(bundle);
  }, { iterations: 1, warmupIterations: 0 });
});
