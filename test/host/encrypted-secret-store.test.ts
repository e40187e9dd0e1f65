import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncryptedSecretStore, ENCRYPTED_SECRETS_FILE_NAME } from '../../src/host/encrypted-secret-store.js';
import { SecretStore } from '../../src/host/secret-store.js';
import type { SecretCipher } from '../../src/host/secret-vault.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Stands in for safeStorage: AES-256-GCM under a key that lives only in this process, as the keychain's does. */
function keychainCipher(key = randomBytes(32)): SecretCipher {
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      d.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([d.update(sealed.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

const dirs: Array<() => void> = [];
afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));
function home(): string {
  const { dir, cleanup } = makeTempDir('airlock-sealed-');
  dirs.push(cleanup);
  return path.join(dir, 'home');
}

describe('EncryptedSecretStore (the desktop app\'s keychain-backed secrets)', () => {
  it('keeps only sealed values on disk, in a 0600 file, and gives them back', () => {
    const h = home();
    const store = new EncryptedSecretStore(h, keychainCipher());
    store.replaceServer('github', { GITHUB_TOKEN: 'ghp_sealedvalue123456' });
    const file = path.join(h, ENCRYPTED_SECRETS_FILE_NAME);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('ghp_sealedvalue123456');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(store.get('github').GITHUB_TOKEN?.reveal()).toBe('ghp_sealedvalue123456');
    expect(store.keys('github')).toEqual(['GITHUB_TOKEN']);
  });

  it('reads secrets the CLI stored in the plaintext file, and moves them when the app writes them', () => {
    const h = home();
    SecretStore.open(h).replaceServer('db', { PGPASSWORD: 'from-the-cli' });
    const store = new EncryptedSecretStore(h, keychainCipher());
    expect(store.get('db').PGPASSWORD?.reveal()).toBe('from-the-cli');
    store.replaceServer('db', { PGPASSWORD: 'rotated-in-app' });
    expect(SecretStore.open(h).keys('db')).toEqual([]);
    expect(store.get('db').PGPASSWORD?.reveal()).toBe('rotated-in-app');
  });

  it('refuses, with what to do, a value sealed under another keychain', () => {
    const h = home();
    new EncryptedSecretStore(h, keychainCipher()).replaceServer('api', { API_KEY: 'k-123456' });
    const elsewhere = new EncryptedSecretStore(h, keychainCipher());
    expect(() => elsewhere.get('api')).toThrow(/cannot be unsealed with this user's keychain .*airlock servers add api --replace --secret API_KEY/);
  });

  it('forgets a server in both stores', () => {
    const h = home();
    SecretStore.open(h).replaceServer('old', { T: 'plain-1234' });
    const store = new EncryptedSecretStore(h, keychainCipher());
    store.replaceServer('new', { T: 'sealed-1234' });
    expect(store.deleteServer('old')).toBe(true);
    expect(store.deleteServer('new')).toBe(true);
    expect(store.keys('old')).toEqual([]);
    expect(store.keys('new')).toEqual([]);
    expect(store.deleteServer('new')).toBe(false);
  });
});
