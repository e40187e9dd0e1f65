import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECK_NAMES } from '../../src/shared/receipt/verify-bundle.js';
import { fullBundle, makeSigner, TestLog } from '../support/receipt-builder.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('airlock verify', () => {
  const { bundle, original, current } = fullBundle();
  const id = (seq: number): string => `${bundle.log_id}:${seq}`;
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  const file = (name: string, value: unknown): string => {
    const path = join(tmp.dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    return path;
  };
  // No database, no Host: the Airlock home it is given must stay untouched.
  const verify = (args: string[]) => runCli(['verify', ...args], { AIRLOCK_HOME: home });
  beforeEach(() => {
    tmp = makeTempDir('airlock-verify-cli-');
    home = join(tmp.dir, 'no-home-here');
  });
  afterEach(() => {
    expect(existsSync(home)).toBe(false);
    tmp.cleanup();
  });

  it('exits 0 with one ok line per receipt, a summary, and says the key was not pinned', () => {
    const r = verify([file('bundle.json', bundle)]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(14);
    expect(lines[0]).toBe(`ok  ${id(1)}  call.decided filesystem/read_file ALLOW`);
    expect(lines[3]).toBe(`ok  ${id(4)}  server.drift filesystem/- HOLD`);
    expect(lines[12]).toMatch(/^verified: 12 receipts, every check holds \(schema 1, receipt-id 12, event-hash 12, chain 12, leaf-inclusion 12, checkpoint-signature 15, key-rotation 1, drift-record-digest 2, surface-hash 2, consistency 14\)$/);
    expect(lines[13]).toBe('key not pinned: pass --trust <fingerprint> (airlock keys show prints it)');
    expect(r.stderr).toBe('');
  });

  it('exits 0 and says the key is pinned with --trust (any case, as pasted)', () => {
    const r = verify([file('bundle.json', bundle), '--trust', original.fingerprint.toUpperCase().replace('SHA256', 'sha256')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/checkpoint-trust 15/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`key pinned: every checkpoint is signed by ${original.fingerprint} or a key it rotated to, or proven part of one that is`);
  });

  it('exits 1 for a file signed by another key than the trusted one, naming checkpoint-trust', () => {
    const r = verify([file('bundle.json', bundle), '--trust', makeSigner().fingerprint]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAIL ${id(1)}: checkpoint-trust: checkpoint \\(tree_size 5\\) is signed by sha256:\\w+, which is not the trusted`, 'm'));
    expect(r.stdout).toMatch(/key pinned to sha256:\w+: NOT matched by every checkpoint/);
  });

  it('exits 1 for a changed event, with a FAIL line and a summary naming the first failing receipt and check', () => {
    const tampered = structuredClone(bundle);
    (tampered.receipts[6] as (typeof tampered.receipts)[number]).event.decision = 'ALLOW';
    const r = verify([file('bundle.json', tampered)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAIL ${id(7)}: event-hash: event\\.hash sha256:\\w+ is not the hash of the event's fields`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^ok  ${id(8)}  `, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^NOT verified: 2 failed checks over 12 receipts; first: ${id(7)} event-hash: `, 'm'));
  });

  it('prints {ok, receipts, checked, failures, trusted} with --json', () => {
    const tampered = structuredClone(bundle);
    tampered.consistency[0]?.path.reverse();
    const r = verify([file('bundle.json', tampered), '--json', '--trust', original.fingerprint]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['ok', 'receipts', 'checked', 'failures', 'trusted']);
    expect(Object.keys(out.checked as object)).toEqual([...CHECK_NAMES]);
    expect(out).toMatchObject({ ok: false, receipts: 12, trusted: true });
    expect(out.failures).toEqual([{ receipt: null, check: 'consistency', message: expect.stringMatching(/^the consistency proof from tree_size 5 to 9 fails: /) }]);
    const good = JSON.parse(verify([file('good.json', bundle), '--json']).stdout) as Record<string, unknown>;
    expect(good).toMatchObject({ ok: true, receipts: 12, failures: [], trusted: false });
  });

  it('verifies a single receipt file on its own, trusted only under the key that signed its checkpoint', () => {
    const receipt = file('receipt.json', bundle.receipts[6]);
    const r = verify([receipt, '--trust', current.fingerprint]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^ok  ${id(7)}  tool.quarantined filesystem/read_file DENY$`, 'm'));
    expect(r.stdout).toMatch(/^verified: 1 receipt, /m);
    // A lone receipt carries no key rotation, so the key before the rotation cannot vouch for it.
    const before = verify([receipt, '--trust', original.fingerprint]);
    expect(before.status).toBe(1);
    expect(before.stdout).toMatch(new RegExp(`^FAIL ${id(7)}: checkpoint-trust: `, 'm'));
  });

  it('exits 1 naming the field for a bundle that breaks the schema', () => {
    const tampered = structuredClone(bundle) as unknown as { receipts: Array<{ event: Record<string, unknown> }> };
    delete tampered.receipts[1]?.event.prevHash;
    const r = verify([file('bundle.json', tampered)]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^FAIL ${id(2)}: schema: receipts\\[1\\]\\.event\\.prevHash: `, 'm'));
  });

  it('never lets text from the file forge a line: names with line breaks, ANSI escapes or bidi controls are shown escaped', () => {
    const log = new TestLog();
    log.append({ server: 'fs\nverified: 1 receipt, every check holds', tool: '\u001b[32mread\u202e' });
    const signer = makeSigner();
    const r = verify([file('bundle.json', log.bundle([log.checkpoint(1, signer)]))]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`ok  ${log.logId}:1  call.decided fs⟨U+000A⟩verified: 1 receipt, every check holds/⟨U+001B⟩[32mread⟨U+202E⟩ ALLOW`);
    expect(lines).toHaveLength(3);
  });

  it('exits 2 with one line naming the file when it is missing, a folder, not JSON or not a receipt file', () => {
    mkdirSync(join(tmp.dir, 'folder'));
    const cases: Array<[string, RegExp]> = [
      [join(tmp.dir, 'missing.json'), /^airlock: cannot read receipt file ".*missing\.json": no such file\n$/],
      [join(tmp.dir, 'folder'), /^airlock: cannot read receipt file ".*folder": it is a folder\n$/],
      [file('text.json', 'receipts, honest'), /^airlock: receipt file ".*text\.json" is not valid JSON: /],
      [file('tools.json', { tools: [] }), /^airlock: ".*tools\.json" is not an Airlock receipt file: expected a bundle/],
    ];
    for (const [path, message] of cases) {
      const r = verify([path]);
      expect(r.status, path).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('exits 2 for a --trust value that is not a fingerprint', () => {
    const r = verify([file('bundle.json', bundle), '--trust', 'deadbeef']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('airlock: --trust "deadbeef" is not a key fingerprint: expected "sha256:" and 64 hex digits, as airlock keys show prints it\n');
  });
});
