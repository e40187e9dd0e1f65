import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('airlock audit verify', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  beforeEach(() => {
    tmp = makeTempDir('airlock-audit-cli-');
    home = join(tmp.dir, 'home');
    const store = openStore(home);
    for (let i = 0; i < 5; i += 1) appendAuditEvent(store, { type: 'call.decided', server: 'fs', tool: 'read_file', decision: 'ALLOW', rule: 'R5', args: { i } });
    store.close();
  });
  afterEach(() => tmp.cleanup());

  it('exits 0 and reports an intact chain', () => {
    const r = runCli(['audit', 'verify', '--home', home]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/audit log intact: 5 events, head sha256:[0-9a-f]{64}/);
  });

  it('reads the home from AIRLOCK_HOME, and prints JSON with --json', () => {
    const r = runCli(['audit', 'verify', '--json'], { AIRLOCK_HOME: home });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, events: 5 });
  });

  it('exits 1 naming the first broken sequence number after a tamper', () => {
    const store = openStore(home);
    // The append-only triggers stop accidents; an attacker with the file drops them, as here.
    const triggers = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'").all() as Array<{ name: string }>;
    for (const { name } of triggers) store.db.exec(`DROP TRIGGER "${name}"`);
    store.db.prepare("UPDATE audit_events SET body = replace(body, '\"ALLOW\"', '\"DENY\"') WHERE seq = 3").run();
    store.close();
    const r = runCli(['audit', 'verify', '--home', home, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, brokenSeq: 3, events: 2 });
    const text = runCli(['audit', 'verify', '--home', home]);
    expect(text.stdout).toMatch(/audit log BROKEN at event 3: /);
  });

  it('exits 2 when there is no log at that home, and creates nothing there', () => {
    const empty = join(tmp.dir, 'nothing-here');
    const r = runCli(['audit', 'verify', '--home', empty]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/there is no Airlock database at .*nothing-here/);
    expect(existsSync(empty)).toBe(false);
  });
});
