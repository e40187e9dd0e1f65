import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chooseSecretBackend, secretVaultForApp, type SafeStorageLike } from '../../src/main/secret-backend.js';
import { SecretStore } from '../../src/host/secret-store.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A fake safeStorage: reversible "sealing" that is visibly not the plaintext, and a backend name. */
function safeStorage(available: boolean, backend?: string): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(`sealed:${Buffer.from(plain).toString('hex')}`),
    decryptString: (sealed) => Buffer.from(sealed.toString().slice('sealed:'.length), 'hex').toString(),
    ...(backend === undefined ? {} : { getSelectedStorageBackend: () => backend }),
  };
}

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function home(): string {
  const { dir, cleanup } = makeTempDir('airlock-vault-');
  cleanups.push(cleanup);
  return path.join(dir, 'home');
}

describe('chooseSecretBackend', () => {
  it('uses the keychain on macOS and Windows when encryption is available', () => {
    expect(chooseSecretBackend(safeStorage(true), 'darwin').kind).toBe('keychain');
    expect(chooseSecretBackend(safeStorage(true), 'win32').kind).toBe('keychain');
  });

  it('uses a real secret service on Linux', () => {
    expect(chooseSecretBackend(safeStorage(true, 'gnome_libsecret'), 'linux').kind).toBe('keychain');
    expect(chooseSecretBackend(safeStorage(true, 'kwallet5'), 'linux').kind).toBe('keychain');
  });

  it('refuses the basic_text backend by name, and a missing keychain', () => {
    expect(chooseSecretBackend(safeStorage(true, 'basic_text'), 'linux')).toEqual({ kind: 'refused', reason: expect.stringContaining('("basic_text" backend), which is not encryption') });
    expect(chooseSecretBackend(safeStorage(false), 'darwin')).toEqual({ kind: 'refused', reason: expect.stringContaining('no keychain') });
  });
});

describe('secretVaultForApp', () => {
  it('seals secrets with the keychain and never asks', async () => {
    const h = home();
    let asked = false;
    const { vault, kind } = await secretVaultForApp({ home: h, safeStorage: safeStorage(true, 'gnome_libsecret'), platform: 'linux', askFileStore: async () => (asked = true) });
    vault.replaceServer('github', { GITHUB_TOKEN: 'ghp_keychain_only_123' });
    expect(kind).toBe('keychain');
    expect(asked).toBe(false);
    expect(fs.readdirSync(h).map((f) => fs.readFileSync(path.join(h, f), 'utf8')).join('')).not.toContain('ghp_keychain_only_123');
  });

  it('on basic_text asks once; a no stores nothing and says why', async () => {
    const h = home();
    const reasons: string[] = [];
    const { vault, kind } = await secretVaultForApp({ home: h, safeStorage: safeStorage(true, 'basic_text'), platform: 'linux', askFileStore: async (reason) => (reasons.push(reason), false) });
    expect(kind).toBe('refusing');
    expect(reasons).toHaveLength(1);
    expect(() => vault.replaceServer('github', { GITHUB_TOKEN: 'ghp_nope_1234' })).toThrow(/did not store the secrets of "github": no secret service/);
    expect(SecretStore.open(h).keys('github')).toEqual([]);
  });

  it('on basic_text a yes uses the 0600 file store, and is remembered', async () => {
    const h = home();
    let asks = 0;
    const ask = async () => (asks++, true);
    const first = await secretVaultForApp({ home: h, safeStorage: safeStorage(true, 'basic_text'), platform: 'linux', askFileStore: ask });
    first.vault.replaceServer('db', { PGPASSWORD: 'file-store-ok' });
    expect(first.kind).toBe('file');
    expect(fs.statSync(path.join(h, 'secrets.json')).mode & 0o777).toBe(0o600);
    const second = await secretVaultForApp({ home: h, safeStorage: safeStorage(true, 'basic_text'), platform: 'linux', askFileStore: ask });
    expect(second.kind).toBe('file');
    expect(asks).toBe(1);
    expect(second.vault.get('db').PGPASSWORD?.reveal()).toBe('file-store-ok');
  });
});
