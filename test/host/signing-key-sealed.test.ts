import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SigningKey, SigningKeySealedError, SIGNING_KEY_FILE_NAME } from '../../src/host/signing-key.js';
import type { SecretCipher } from '../../src/host/secret-vault.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A stand-in for safeStorage: XOR with a key held only in memory (what matters is that the file alone cannot sign). */
function keychain(byte = 0x5a): SecretCipher {
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ byte));
  return { encrypt: (plain) => flip(Buffer.from(`airlock:${plain}`)), decrypt: (sealed) => {
    const text = flip(sealed).toString();
    if (!text.startsWith('airlock:')) throw new Error('wrong key');
    return text.slice('airlock:'.length);
  } };
}

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function home(): string {
  const { dir, cleanup } = makeTempDir('airlock-key-');
  cleanups.push(cleanup);
  return path.join(dir, 'home');
}

describe('the receipt signing key sealed with the keychain (desktop app)', () => {
  it('is created sealed: the file holds no private key, and the same key comes back', () => {
    const h = home();
    const key = SigningKey.loadOrCreate(h, keychain());
    const text = fs.readFileSync(path.join(h, SIGNING_KEY_FILE_NAME), 'utf8');
    expect(text).not.toContain('PRIVATE KEY');
    expect(JSON.parse(text)).toMatchObject({ sealed_private_key: expect.any(String), public_key: key.publicKey });
    expect(SigningKey.loadOrCreate(h, keychain()).fingerprint).toBe(key.fingerprint);
  });

  it("seals a headless Host's plaintext key in place the first time the app opens it", () => {
    const h = home();
    const plain = SigningKey.loadOrCreate(h);
    expect(fs.readFileSync(path.join(h, SIGNING_KEY_FILE_NAME), 'utf8')).toContain('PRIVATE KEY');
    expect(SigningKey.loadOrCreate(h, keychain()).fingerprint).toBe(plain.fingerprint);
    expect(fs.readFileSync(path.join(h, SIGNING_KEY_FILE_NAME), 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('cannot sign without the keychain, and says where to sign instead', () => {
    const h = home();
    SigningKey.loadOrCreate(h, keychain());
    expect(() => SigningKey.loadOrCreate(h)).toThrow(SigningKeySealedError);
    expect(() => SigningKey.loadOrCreate(h)).toThrow(/sealed in the Airlock desktop app's keychain.*Receipts → Export receipts/);
    expect(() => SigningKey.loadOrCreate(h, keychain(0x33))).toThrow(/cannot be unsealed with this user's keychain/);
  });

  it('still shows its public key and fingerprint to the CLI, which refuses to export with a clear message', () => {
    const h = home();
    const key = SigningKey.loadOrCreate(h, keychain());
    const show = runCli(['keys', 'show', '--json', '--home', h]);
    expect(show.status).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ fingerprint: key.fingerprint, public_key: key.publicKey });
    const exported = runCli(['receipts', 'export', '--out', path.join(h, 'r.json'), '--home', h]);
    expect(exported.status).toBe(1);
    expect(exported.stderr).toContain('Export and sign receipts from the app');
  });

  it('rotates under the keychain and stays sealed', () => {
    const h = home();
    const old = SigningKey.loadOrCreate(h, keychain());
    const { key, statement } = SigningKey.rotate(h, 'log-1', new Date(), keychain());
    expect(statement.old_fingerprint).toBe(old.fingerprint);
    expect(SigningKey.loadOrCreate(h, keychain()).fingerprint).toBe(key.fingerprint);
    expect(fs.readFileSync(path.join(h, SIGNING_KEY_FILE_NAME), 'utf8')).not.toContain('PRIVATE KEY');
  });
});
