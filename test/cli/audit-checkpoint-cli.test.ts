import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent, verifyAuditChainStep, verifyAuditLog } from '../../src/engine/audit/index.js';
import { digestOf } from '../../src/engine/canonical-json.js';
import { createCheckpoint, latestCheckpoint } from '../../src/engine/checkpoints/index.js';
import { treeRoot } from '../../src/engine/merkle/index.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { SigningKey } from '../../src/host/signing-key.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/** An attacker with the file drops the append-only triggers first, as here. */
function tamper(home: string, fn: (store: Store) => void): void {
  const store = openStore(home);
  const triggers = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>;
  for (const { name } of triggers) store.db.exec(`DROP TRIGGER "${name}"`);
  fn(store);
  store.close();
}

describe('airlock audit verify against signed checkpoints', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  let signedAt: string;
  beforeEach(() => {
    tmp = makeTempDir('airlock-audit-cp-');
    home = join(tmp.dir, 'home');
    const store = openStore(home);
    for (let i = 0; i < 5; i += 1) appendAuditEvent(store, { type: 'call.decided', server: 'fs', tool: 'read_file', decision: 'ALLOW', rule: 'R5', args: { i } });
    signedAt = createCheckpoint(store, SigningKey.loadOrCreate(home))!.timestamp;
    store.close();
  });
  afterEach(() => tmp.cleanup());

  it('reports an intact log that matches its checkpoint, exit 0', () => {
    const r = runCli(['audit', 'verify', '--home', home]);
    expect(r.stdout).toContain(`audit log intact: 5 events`);
    expect(r.stdout).toContain(`matches its signed checkpoint of 5 events (${signedAt})`);
    expect(r.status).toBe(0);
  });

  it('names a truncation after the last events were deleted, with both counts and the checkpoint time, exit 1', () => {
    tamper(home, (store) => store.db.exec('DELETE FROM audit_events WHERE seq > 3; DELETE FROM merkle_nodes'));
    const r = runCli(['audit', 'verify', '--home', home]);
    expect(r.stdout).toMatch(/^audit log TRUNCATED: the log was truncated: it holds 3 events, but the newest signed checkpoint \(signed [^)]+\) covers 5 events; events 4 to 5 were removed/);
    expect(r.stdout).toContain(signedAt);
    expect(r.status).toBe(1);
    const json = JSON.parse(runCli(['audit', 'verify', '--json', '--home', home]).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ ok: false, problem: 'truncated', events: 3, brokenSeq: 4 });
  });

  it('sees the newest event rewritten with a recomputed hash (the chain holds) through the recomputed Merkle root', () => {
    tamper(home, (store) => {
      const row = store.db.prepare('SELECT body FROM audit_events WHERE seq = 5').get() as { body: string };
      const body = row.body.replace('"decision":"ALLOW"', '"decision":"DENY"');
      store.db.prepare("UPDATE audit_events SET body = ?, hash = ?, decision = 'DENY' WHERE seq = 5").run(body, digestOf(body));
    });
    const r = runCli(['audit', 'verify', '--home', home]);
    expect(r.stdout).toMatch(/^audit log does NOT match what was signed: the first 5 events give the Merkle root sha256:[0-9a-f]{64}, not the root .* events were rewritten after they were signed/);
    expect(r.status).toBe(1);
  });

  it('sees an edited stored Merkle tree', () => {
    tamper(home, (store) => store.db.prepare('UPDATE merkle_nodes SET hash = ? WHERE level = 2 AND idx = 0').run(Buffer.alloc(32, 7)));
    const r = runCli(['audit', 'verify', '--json', '--home', home]);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, problem: 'stored-tree' });
    expect(r.status).toBe(1);
  });

  it('refuses a checkpoint whose signature no longer verifies, and one signed by a key that is not the home\'s', () => {
    tamper(home, (store) => store.db.prepare("UPDATE checkpoints SET timestamp = '2020-01-01T00:00:00.000Z'").run());
    expect(JSON.parse(runCli(['audit', 'verify', '--json', '--home', home]).stdout)).toMatchObject({ ok: false, problem: 'signature' });

    const other = join(tmp.dir, 'other');
    const foreignKey = SigningKey.loadOrCreate(other);
    tamper(home, (store) => {
      store.db.exec('DELETE FROM checkpoints');
      createCheckpoint(store, foreignKey);
    });
    const r = runCli(['audit', 'verify', '--home', home]);
    expect(r.stdout).toContain(`is signed by ${foreignKey.fingerprint}, which is neither this home's signing key nor one it rotated from`);
    expect(r.status).toBe(1);
  });

  it('the window\'s resumable check reports the same truncation on its last step', () => {
    tamper(home, (store) => store.db.exec('DELETE FROM audit_events WHERE seq > 3'));
    const store = openStore(home, { readonly: true });
    try {
      const first = verifyAuditChainStep(store, { checked: 0 }, 2, SigningKey.trustedFingerprints(home));
      expect(first).toMatchObject({ ok: true, done: false, checked: 2 });
      const last = verifyAuditChainStep(store, { checked: first.checked, head: first.head }, 2, SigningKey.trustedFingerprints(home));
      expect(last).toMatchObject({ ok: false, done: true, checked: 3, brokenSeq: 4 });
      expect(last.reason).toMatch(/the log was truncated: it holds 3 events, but the newest signed checkpoint .* covers 5 events/);
      expect(verifyAuditLog(store, null)).toMatchObject({ ok: false, problem: 'truncated' });
    } finally {
      store.close();
    }
  });

  it('recomputes the same root as the stored tree over many events (leaf text agrees with the appender)', () => {
    const store = openStore(home);
    for (let i = 0; i < 300; i += 1) appendAuditEvent(store, { type: 'call.decided', server: 's"x', tool: 't', decision: 'DENY', rule: 'R5', detail: { liveHash: { nested: ',"liveHash":' } } });
    createCheckpoint(store, SigningKey.loadOrCreate(home));
    expect(latestCheckpoint(store)!.root_hash).toBe(treeRoot(store, 305));
    expect(verifyAuditLog(store, SigningKey.trustedFingerprints(home))).toMatchObject({ ok: true, count: 305, checkpoint: { tree_size: 305 } });
    store.close();
  });
});
