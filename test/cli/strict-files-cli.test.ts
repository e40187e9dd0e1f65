import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { verifyBundle, verifyReceiptText } from '../../src/shared/receipt/verify-bundle.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const NOT_A_BUG = /bug/i;

describe('files Airlock verifies or trusts are read strictly and with a size cap', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  let bundleText: string;
  beforeEach(() => {
    tmp = makeTempDir('airlock-strict-files-');
    home = path.join(tmp.dir, 'home');
    const store = openStore(home);
    for (let i = 0; i < 3; i += 1) appendAuditEvent(store, { type: 'call.decided', server: 'fs', tool: 'read_file', decision: 'ALLOW', rule: 'R5', detail: { note: `n${i}` } });
    store.close();
    const out = path.join(tmp.dir, 'bundle.json');
    expect(runCli(['receipts', 'export', '--home', home, '--out', out]).status).toBe(0);
    bundleText = readFileSync(out, 'utf8');
  });
  afterEach(() => tmp.cleanup());

  const file = (name: string, text: string): string => {
    const p = path.join(tmp.dir, name);
    writeFileSync(p, text);
    return p;
  };

  describe('a receipt whose event detail gained a "__proto__" key', () => {
    const withProto = (): string => bundleText.replace('"detail": {', '"detail": {\n "__proto__": {"injected": true},');

    it('verified before the fix, since the copy dropped the key before hashing: the library now refuses it', async () => {
      const text = withProto();
      expect(text).not.toBe(bundleText);
      const fromObject = await verifyBundle(JSON.parse(text));
      expect(fromObject.ok).toBe(false);
      expect(fromObject.failures[0]).toMatchObject({ check: 'schema', message: expect.stringMatching(/receipts\[0\]\.event\.detail has a "__proto__" key/) });
      const fromText = await verifyReceiptText(text);
      expect(fromText.ok).toBe(false);
      expect(fromText.failures[0]?.message).toMatch(/"__proto__" key/);
    });

    it('airlock verify refuses it with exit 2, naming the file', () => {
      const r = runCli(['verify', file('proto.json', withProto())]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^airlock: receipt file ".*proto\.json" is refused: the JSON has a "__proto__" key/);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
    });
  });

  describe.each([
    ['at the top', (t: string) => t.replace('"format": "airlock-receipts",', '"format": "airlock-receipts",\n "log_id": "00000000000000000000000000000000",')],
    ['in an event', (t: string) => t.replace('"decision": "ALLOW",', '"decision": "ALLOW",\n "decision": "DENY",')],
    ['in a checkpoint', (t: string) => t.replace('"tree_size": 3,', '"tree_size": 3,\n "tree_size": 2,')],
    ['in an event detail', (t: string) => t.replace('"note": "n0"', '"note": "n0", "note": "forged"')],
  ])('duplicate keys %s', (_where, edit) => {
    it('are refused by the library and by airlock verify (exit 2, no "bug")', async () => {
      const text = edit(bundleText);
      expect(text).not.toBe(bundleText);
      const report = await verifyReceiptText(text);
      expect(report.ok).toBe(false);
      expect(report.failures[0]?.message).toMatch(/twice in one object/);
      const r = runCli(['verify', file('dup.json', text)]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/receipt file ".*dup\.json" is refused: the JSON has the key "[a-z_]+" twice in one object/);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
    });
  });

  it('the unedited bundle still verifies, by the CLI and by the library from its text', async () => {
    expect((await verifyReceiptText(bundleText)).ok).toBe(true);
    expect(runCli(['verify', file('good.json', bundleText)]).status).toBe(0);
  });

  describe('size caps and files that are not regular files', () => {
    const TOOLS = JSON.stringify({ tools: [{ name: 'read_file', inputSchema: { type: 'object' } }] });
    /** A sparse file: its size is real to fstat, its blocks are never written. */
    const sparse = (megabytes = 35): string => {
      const p = file('huge.json', '');
      truncateSync(p, megabytes * 1000 * 1000);
      return p;
    };
    const fifo = (): string => {
      const p = path.join(tmp.dir, `pipe-${Math.random().toString(36).slice(2)}.json`);
      execFileSync('mkfifo', [p]);
      return p;
    };
    // Tool lists are capped at 8 MiB, receipt files (bundles of many receipts) at 256 MiB.
    const readers: Array<[string, (f: string) => string[], RegExp, number, RegExp]> = [
      ['drift OLD', (f) => ['drift', f, file('new.json', TOOLS)], /OLD file/, 35, /it is 33\.4 MiB, over the 8\.0 MiB limit/],
      ['drift NEW', (f) => ['drift', file('old.json', TOOLS), f], /NEW file/, 35, /it is 33\.4 MiB, over the 8\.0 MiB limit/],
      ['verify FILE', (f) => ['verify', f], /receipt file/, 300, /it is 286\.1 MiB, over the 256\.0 MiB limit/],
      ['receipts export --consistent-with', (f) => ['receipts', 'export', '--home', home, '--out', path.join(tmp.dir, 'x.json'), '--consistent-with', f], /earlier bundle file/, 300, /it is 286\.1 MiB, over the 256\.0 MiB limit/],
    ];
    it.each(readers)('%s: /dev/zero, a FIFO and a sparse file over the limit are refused at once, naming the file, its role and the limit', (_name, args, role, megabytes, tooLarge) => {
      for (const [target, why] of [
        ['/dev/zero', /not a regular file/],
        [fifo(), /not a regular file/],
        [sparse(megabytes), tooLarge],
      ] as const) {
        const started = Date.now();
        const r = runCli(args(target));
        expect(r.status, `${target}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toMatch(role);
        expect(r.stderr).toContain(`"${target}"`);
        expect(r.stderr).toMatch(why);
        expect(r.stderr).not.toMatch(NOT_A_BUG);
        expect(Date.now() - started).toBeLessThan(20_000);
      }
    });

    it('a 35 MB receipt file is under its limit (a large export): it is read, then judged as JSON', () => {
      const r = runCli(['verify', sparse(35)]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/receipt file ".*huge\.json" is not valid JSON/);
    });

    it.each([
      ['a duplicate key', JSON.stringify({ tools: [{ name: 'a', inputSchema: { type: 'object' } }] }).replace('"name":"a"', '"name":"a","name":"b"'), /the key "name" twice/],
      ['a "__proto__" key', '{"tools":[{"name":"a","inputSchema":{"type":"object","__proto__":{"x":1}}}]}', /"__proto__" key/],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1'), /not valid UTF-8/],
    ])('drift refuses a tool list with %s (exit 2)', (_what, text, why) => {
      const p = path.join(tmp.dir, 'odd.json');
      writeFileSync(p, _what === 'invalid UTF-8' ? Buffer.from(text, 'latin1') : text);
      const r = runCli(['drift', p, file('new.json', TOOLS)]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/OLD file ".*odd\.json"/);
      expect(r.stderr).toMatch(why);
    });

    it('receipts export --consistent-with refuses an earlier bundle with a duplicate key', () => {
      const earlier = file('earlier.json', bundleText.replace('"tree_size": 3,', '"tree_size": 3,\n "tree_size": 2,'));
      const r = runCli(['receipts', 'export', '--home', home, '--out', path.join(tmp.dir, 'x.json'), '--consistent-with', earlier]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/earlier bundle file ".*earlier\.json" is refused: the JSON has the key "tree_size" twice/);
    });
  });

  describe('expected refusals are user errors, never "a bug in Airlock"', () => {
    it('receipts export of a truncated log: exit 1, names the truncation', () => {
      const store = openStore(home);
      const triggers = store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string }>;
      for (const { name } of triggers) store.db.exec(`DROP TRIGGER "${name}"`);
      store.db.exec('DELETE FROM audit_events WHERE seq > 1');
      store.close();
      const r = runCli(['receipts', 'export', '--home', home, '--out', path.join(tmp.dir, 'x.json')]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^airlock: .*(events were removed|truncated)/);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
    });

    it('a home file that is a symlink (signing-key.json): exit 2, names the link', () => {
      const keyFile = path.join(home, 'signing-key.json');
      renameSync(keyFile, path.join(tmp.dir, 'elsewhere.json'));
      symlinkSync(path.join(tmp.dir, 'elsewhere.json'), keyFile);
      for (const args of [['keys', 'show'], ['receipts', 'show', '1'], ['audit', 'verify']]) {
        const r = runCli([...args, '--home', home]);
        expect(r.status, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(/signing key file .*signing-key\.json is a symbolic link, which Airlock refuses/);
        expect(r.stderr).not.toMatch(NOT_A_BUG);
      }
    });

    it('a signing key file with a duplicate key: exit 2, says to restore it', () => {
      const keyFile = path.join(home, 'signing-key.json');
      writeFileSync(keyFile, readFileSync(keyFile, 'utf8').replace('"version": 1,', '"version": 1,\n "version": 1,'));
      const r = runCli(['keys', 'show', '--home', home]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/signing key file .* is not readable JSON \(the JSON has the key "version" twice/);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
    });

    it.each([[['tools', 'list', 'nope']], [['review', 'nope']]])('an unknown server name: %j exits 2 naming it', (args) => {
      const r = runCli([...args, '--home', home]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/no server "nope"/);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
    });
  });
});
