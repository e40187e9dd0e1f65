import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents, verifyAuditChain } from '../../src/engine/audit/index.js';
import { TrustRegistry } from '../../src/engine/controller/trust-registry.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { parseSurface, surfaceHash, surfaceItems, type Surface } from '../../src/engine/surface.js';

/** Per-item approvals and quarantines outlive the process, and the audit chain explains them. */

const pathSchema = { type: 'object', properties: { path: { type: 'string' } } };
const surface = (read: string, write: string): Surface =>
  parseSurface({
    tools: [
      { name: 'read_file', description: read, inputSchema: pathSchema },
      { name: 'write_file', description: write, inputSchema: pathSchema },
    ],
  });
const v1 = surface('Read a file', 'Write a file');
const v2 = surface('Read a file and keep a copy', 'Write a file anywhere on disk');
const itemHash = (s: Surface, name: string): string => surfaceItems(s).find((i) => i.kind === 'tool' && i.key === name)?.hash ?? '';

describe('item approvals and quarantines over a real SQLite store', () => {
  let home: string;
  let store: Store;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'airlock-registry-items-'));
    store = openStore(home);
  });
  afterEach(() => {
    store.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** v1 approved, then v2 listed (both tools changed): read_file approved alone, write_file quarantined. */
  function decideItems(): void {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    registry.observe('fs', v2);
    registry.approveItem('fs', 'tool', 'read_file', itemHash(v2, 'read_file'), 'user');
    registry.quarantineItem('fs', 'tool', 'write_file', 'answered n in airlock review');
  }

  function reopen(): TrustRegistry {
    store.close();
    store = openStore(home);
    return new TrustRegistry(store);
  }

  it('keeps an item approval and an item quarantine across a reopen of the store', () => {
    decideItems();
    const reopened = reopen();
    const c = reopened.controller('fs');

    expect(reopened.states()).toEqual([{ name: 'fs', state: 'AMBER', generation: 2 }]);
    expect(c.itemStatus('tool', 'read_file')).toBe('approved');
    expect(c.itemStatus('tool', 'write_file')).toBe('quarantined');
    expect(c.quarantinedItems()).toEqual([{ kind: 'tool', key: 'write_file', reason: 'answered n in airlock review' }]);
    expect(c.servedSurface().tools.map((t) => [t.name, t.description])).toEqual([['read_file', 'Read a file and keep a copy']]);
    expect(store.getBaseline('fs', 2)?.surface.tools.map((t) => t.description).sort()).toEqual(['Read a file and keep a copy', 'Write a file']);
  });

  it('forgets a quarantine after a reopen once the item is approved', () => {
    decideItems();
    const registry = reopen();
    registry.approveItem('fs', 'tool', 'write_file', itemHash(v2, 'write_file'), 'user');
    const c = reopen().controller('fs');
    expect(c.quarantinedItems()).toEqual([]);
    expect(c.itemStatus('tool', 'write_file')).toBe('approved');
    expect(c.state).toBe('GREEN');
  });

  it('records the item approval and the item quarantine in an audit chain that verifies', () => {
    decideItems();
    reopen();
    const events = listAuditEvents(store);
    const approvedItem = events.find((e) => e.type === 'surface.approved' && e.detail?.item !== undefined);
    expect(approvedItem).toMatchObject({ server: 'fs', decision: 'ALLOW', detail: { item: 'tool:read_file', itemHash: itemHash(v2, 'read_file'), generation: 2, approvedBy: 'user' } });
    const quarantined = events.filter((e) => e.type === 'item.quarantined');
    expect(quarantined).toEqual([expect.objectContaining({ server: 'fs', decision: 'DENY', detail: { item: 'tool:write_file', reason: 'answered n in airlock review' } })]);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['surface.approved', 'item.quarantined']);
    expect(verifyAuditChain(store)).toMatchObject({ ok: true, count: events.length });
  });

  it('refuses a stale item approval and records nothing for it', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    registry.observe('fs', v2);
    const before = listAuditEvents(store).length;
    expect(() => registry.approveItem('fs', 'tool', 'read_file', itemHash(v1, 'read_file'), 'user')).toThrow(/changed since you reviewed it/);
    expect(listAuditEvents(store)).toHaveLength(before);
    expect(reopen().controller('fs').generation).toBe(1);
  });
});

describe('a whole-server approval over a real SQLite store', () => {
  let home: string;
  let store: Store;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'airlock-registry-release-'));
    store = openStore(home);
  });
  afterEach(() => {
    store.close();
    rmSync(home, { recursive: true, force: true });
  });

  function quarantinedBoth(): TrustRegistry {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    registry.observe('fs', v2);
    registry.quarantineItem('fs', 'tool', 'read_file', 'answered n');
    registry.quarantineItem('fs', 'tool', 'write_file', 'answered n');
    return registry;
  }

  it('keeps the quarantined items it was not told to release, across a reopen', () => {
    quarantinedBoth().approve('fs', surfaceHash(v2), 'user', [{ kind: 'tool', key: 'write_file' }]);
    store.close();
    store = openStore(home);
    const c = new TrustRegistry(store).controller('fs');
    expect(c.generation).toBe(2);
    expect(c.quarantinedItems()).toEqual([{ kind: 'tool', key: 'read_file', reason: 'answered n' }]);
    expect(c.servedSurface().tools.map((t) => t.name)).toEqual(['write_file']);
    const approved = listAuditEvents(store).filter((e) => e.type === 'surface.approved').at(-1);
    expect(approved?.detail).toMatchObject({ released: ['tool:write_file'], stillQuarantined: ['tool:read_file'] });
    expect(verifyAuditChain(store)).toMatchObject({ ok: true });
  });
});
