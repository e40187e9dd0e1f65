import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { appendAuditEvent, verifyAuditChain } from '../src/engine/audit/index.js';
import { openStore } from '../src/engine/store/index.js';

// Real SQLite files in WAL mode with synchronous=FULL: each append is one fsync'd commit.
const args = { path: '/tmp/notes.txt', content: 'x'.repeat(500) };
const event = { type: 'call.decided', server: 'fs', tool: 'write_file', decision: 'ALLOW', rule: 'R5', args } as const;
const appendStore = openStore(mkdtempSync(join(tmpdir(), 'airlock-bench-append-')));
const verifyStore = openStore(mkdtempSync(join(tmpdir(), 'airlock-bench-verify-')));
for (let i = 0; i < 1000; i += 1) appendAuditEvent(verifyStore, event);

describe('audit chain', () => {
  bench('appendAuditEvent (one committed, chained event)', () => {
    appendAuditEvent(appendStore, event);
  });
  bench('verifyAuditChain over 1000 events', () => {
    verifyAuditChain(verifyStore);
  }, { iterations: 10 });
});
