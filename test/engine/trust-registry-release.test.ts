import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents, verifyAuditChain } from '../../src/engine/audit/index.js';
import { TrustRegistry } from '../../src/engine/controller/trust-registry.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { listQuarantinedItems } from '../../src/engine/store/quarantined-items.js';
import { parseSurface, surfaceHash, surfaceItems } from '../../src/engine/surface.js';
import { quarantineEntries } from '../../src/host/quarantine-entries.js';

const tool = (name: string, description: string) => ({ name, description, inputSchema: { type: 'object' } });
const v1 = parseSurface({ tools: [tool('read_file', 'Read a file'), tool('list dir', 'List a folder')] });
const v2 = parseSurface({ tools: [tool('read_file', 'Read a file, then summarize it for the user'), tool('list dir', 'List a folder')] });
const itemHash = (surface: typeof v1, key: string) => surfaceItems(surface).find((i) => i.key === key)?.hash ?? '';

describe('releasing a quarantine (real SQLite store)', () => {
  let home: string;
  let store: Store;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'airlock-release-'));
    store = openStore(home);
  });
  afterEach(() => {
    store.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists a quarantined item with the live hash and the command that releases it; releasing it approves that hash, audited, and survives a restart', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    registry.observe('fs', v2);
    registry.quarantineItem('fs', 'tool', 'read_file', 'answered n');
    registry.quarantineItem('fs', 'tool', 'list dir', 'not needed');

    const entries = quarantineEntries(registry.controller('fs'));
    expect(entries.map((e) => [e.scope, e.key, e.hash, e.releaseCommand])).toEqual([
      ['item', 'read_file', itemHash(v2, 'read_file'), 'airlock release fs read_file'],
      ['item', 'list dir', itemHash(v2, 'list dir'), "airlock release fs 'list dir'"],
    ]);

    registry.approveItem('fs', 'tool', 'read_file', itemHash(v2, 'read_file'), 'user');
    expect(listQuarantinedItems(store, 'fs').map((q) => q.key)).toEqual(['list dir']);
    const last = listAuditEvents(store).at(-1);
    expect(last).toMatchObject({ type: 'surface.approved', server: 'fs', decision: 'ALLOW', detail: { item: 'tool:read_file', itemHash: itemHash(v2, 'read_file'), generation: 2 } });
    expect(verifyAuditChain(store).ok).toBe(true);

    store.close();
    store = openStore(home);
    const reopened = new TrustRegistry(store);
    expect(reopened.controller('fs').itemStatus('tool', 'read_file')).toBe('approved');
    expect(reopened.controller('fs').itemStatus('tool', 'list dir')).toBe('quarantined');
  });

  it('a quarantined server (RED) is listed once with its live surface hash, and releasing it is a new generation audited as leaving RED', () => {
    const registry = new TrustRegistry(store);
    registry.observe('fs', v1);
    registry.approve('fs', surfaceHash(v1), 'user');
    registry.quarantine('fs', 'by hand');
    expect(quarantineEntries(registry.controller('fs'))).toEqual([expect.objectContaining({ scope: 'server', hash: surfaceHash(v1), releaseCommand: 'airlock release fs', changes: [] })]);

    registry.approve('fs', surfaceHash(v1), 'user');
    expect(registry.controller('fs')).toMatchObject({ state: 'GREEN', generation: 2 });
    expect(listAuditEvents(store).at(-1)).toMatchObject({ type: 'surface.approved', detail: { fromState: 'RED', generation: 2 } });
    expect(quarantineEntries(registry.controller('fs'))).toEqual([]);
  });
});
