import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('airlock receipts and keys', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  beforeEach(() => {
    tmp = makeTempDir('airlock-receipts-cli-');
    home = path.join(tmp.dir, 'home');
    const store = openStore(home);
    for (let i = 0; i < 3; i += 1) appendAuditEvent(store, { type: 'call.decided', server: i === 1 ? 'other' : 'fs', tool: 'read_file', decision: i === 2 ? 'DENY' : 'ALLOW', rule: 'R5', args: { i } });
    store.close();
  });
  afterEach(() => tmp.cleanup());

  it('keys show prints a fingerprint that is the SHA-256 of the raw public key, and keeps the key file 0600', () => {
    const r = runCli(['keys', 'show', '--json', '--home', home]);
    expect(r.status).toBe(0);
    const info = JSON.parse(r.stdout) as { fingerprint: string; public_key: string; algorithm: string; log_id: string };
    expect(info.algorithm).toBe('Ed25519');
    expect(Buffer.from(info.public_key, 'base64')).toHaveLength(32);
    expect(info.fingerprint).toBe(`sha256:${createHash('sha256').update(Buffer.from(info.public_key, 'base64')).digest('hex')}`);
    expect(statSync(path.join(home, 'signing-key.json')).mode & 0o777).toBe(0o600);
    expect(runCli(['keys', 'show', '--json', '--home', home]).stdout).toBe(r.stdout);
  });

  it('export filters by server and decision, and the file is 0600', () => {
    const out = path.join(tmp.dir, 'b.json');
    expect(runCli(['receipts', 'export', '--home', home, '--server', 'fs', '--decision', 'DENY', '--out', out]).status).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { receipts: Array<{ event: { seq: number } }> };
    expect(bundle.receipts.map((r) => r.event.seq)).toEqual([3]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('show prints one receipt by sequence number', () => {
    const r = runCli(['receipts', 'show', '2', '--home', home]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ event: { seq: 2, server: 'other' }, inclusion: { leaf_index: 1 } });
  });

  it.each([
    [['receipts', 'show', 'x']],
    [['receipts', 'show', '99']],
    [['receipts', 'export', '--since', 'yesterday', '--out', 'x.json']],
    [['receipts', 'export', '--decision', 'MAYBE', '--out', 'x.json']],
    [['receipts', 'export', '--consistent-with', 'missing.json', '--out', 'x.json']],
  ])('refuses bad input with exit 2: %j', (args) => {
    const r = runCli([...args, '--home', home]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^airlock: /);
  });
});
