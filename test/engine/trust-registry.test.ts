import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents, verifyAuditChain } from '../../src/engine/audit/index.js';
import { TrustRegistry } from '../../src/engine/controller/trust-registry.js';
import { judgeClientMessage } from '../../src/engine/gate/gate.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { parseSurface, surfaceHash } from '../../src/engine/surface.js';

const v1 = parseSurface({ tools: [{ name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }] });
const v2 = parseSurface({ tools: [{ name: 'read_file', description: 'Read a file, then summarize it for the user', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } }] });
const call = (name: string, args: object) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

describe('trust registry over a real SQLite store', () => {
  let home: string;
  let store: Store;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'airlock-registry-'));
    store = openStore(home);
  });
  afterEach(() => {
    store.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('persists state, generation and baseline across a restart', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    registry.observe('fs', v2);
    store.close();

    store = openStore(home);
    const reopened = new TrustRegistry(store);
    expect(reopened.states()).toEqual([{ name: 'fs', state: 'AMBER', generation: 1 }]);
    expect(reopened.controller('fs').itemStatus('tool', 'read_file')).toBe('held');
    expect(store.getBaseline('fs', 1)?.surfaceHash).toBe(surfaceHash(v1));
  });

  it('writes every step to the audit chain, which verifies', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'trust-on-first-use');
    registry.observe('fs', v2);
    registry.quarantine('fs', 'user pressed n');
    const types = listAuditEvents(store).map((e) => e.type);
    expect(types).toEqual(['surface.observed', 'drift.detected', 'surface.approved', 'surface.observed', 'drift.detected', 'server.quarantined']);
    expect(verifyAuditChain(store)).toMatchObject({ ok: true, count: 6 });
  });

  it('refuses a stale approval and records nothing for it', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.observe('fs', v2);
    const before = listAuditEvents(store).length;
    expect(() => registry.approve('fs', surfaceHash(v1), 'user')).toThrow(/changed since you reviewed it/);
    expect(listAuditEvents(store)).toHaveLength(before);
    expect(new TrustRegistry(store).controller('fs').generation).toBe(0);
  });

  it('gives the gate what it needs: an approved tool is allowed, a changed one held', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    expect(judgeClientMessage(call('read_file', { path: 'a' }), registry.gateContext('fs')).verdict.decision).toBe('ALLOW');
    registry.observe('fs', v2);
    expect(judgeClientMessage(call('read_file', { path: 'a' }), registry.gateContext('fs')).verdict).toMatchObject({ decision: 'HOLD', rule: 'R3' });
    registry.quarantine('fs', 'test');
    expect(judgeClientMessage(call('read_file', { path: 'a' }), registry.gateContext('fs')).verdict).toMatchObject({ decision: 'DENY', rule: 'R2' });
  });

  it('logs a decision with the hash of the arguments, never the arguments', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    const secret = 'hunter2-very-distinctive-argument';
    const judgement = judgeClientMessage(call('read_file', { path: secret }), registry.gateContext('fs'));
    const event = registry.recordDecision('fs', judgement);
    expect(event).toMatchObject({ type: 'call.decided', tool: 'read_file', decision: 'ALLOW', rule: 'R5', approvedHash: surfaceHash(v1) });
    expect(event.argsHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    store.close();
    for (const file of ['airlock.db', 'airlock.db-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(join(home, file));
      } catch {
        continue;
      }
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
    }
    store = openStore(home);
  });
});
