import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OAUTH_KEY_FILE_NAME, OAUTH_VAULT_FILE_NAME, OAuthVault, signInState } from '../../src/host/oauth/index.js';
import type { SecretCipher } from '../../src/host/secret-vault.js';
import { SecretStore } from '../../src/host/secret-store.js';
import { registerServer, unregisterServer } from '../../src/host/server-registration.js';
import { openStore } from '../../src/engine/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';

let home: { dir: string; cleanup: () => void };
beforeEach(() => (home = makeTempDir()));
afterEach(() => home.cleanup());

const tokens = { access_token: 'access-token-text', token_type: 'bearer', refresh_token: 'refresh-token-text', expires_in: 3600 };

describe('OAuthVault', () => {
  it("keeps sign-ins apart from the server's env secrets: neither store sees or replaces the other", () => {
    const secrets = SecretStore.open(home.dir);
    secrets.replaceServer('remote', { API_KEY: 'env-secret' });
    const vault = OAuthVault.open(home.dir);
    vault.update('remote', (e) => ({ ...e, needed: true, tokens }));
    secrets.replaceServer('remote', { OTHER: 'x' });
    expect(vault.get('remote')?.tokens?.access_token).toBe('access-token-text');
    expect(secrets.keys('remote')).toEqual(['OTHER']);
    expect(fs.readFileSync(path.join(home.dir, 'secrets.json'), 'utf8')).not.toContain('token-text');
  });

  it("seals with the cipher it is given (the app's keychain) and makes no key file then", () => {
    const sealedWith: string[] = [];
    const keychain: SecretCipher = {
      encrypt: (plain) => (sealedWith.push(plain), Buffer.from(plain).reverse()),
      decrypt: (sealed) => Buffer.from(sealed).reverse().toString('utf8'),
    };
    const vault = OAuthVault.open(home.dir, keychain);
    vault.update('remote', (e) => ({ ...e, needed: true, tokens }));
    expect(sealedWith).toHaveLength(1);
    expect(vault.get('remote')?.tokens?.refresh_token).toBe('refresh-token-text');
    expect(fs.existsSync(path.join(home.dir, OAUTH_KEY_FILE_NAME))).toBe(false);
  });

  it('says to sign in again when the file key was replaced', () => {
    OAuthVault.open(home.dir).update('remote', (e) => ({ ...e, needed: true, tokens }));
    fs.writeFileSync(path.join(home.dir, OAUTH_KEY_FILE_NAME), `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    expect(() => OAuthVault.open(home.dir).get('remote')).toThrow(/cannot be unsealed.*airlock servers login remote/);
  });

  it('refuses a vault file that others can read', () => {
    OAuthVault.open(home.dir).update('remote', (e) => ({ ...e, needed: true, tokens }));
    fs.chmodSync(path.join(home.dir, OAUTH_VAULT_FILE_NAME), 0o644);
    expect(() => OAuthVault.open(home.dir)).toThrow(/mode 0644/);
  });

  it('reports expired for an access token past its time with no refresh token', () => {
    const vault = OAuthVault.open(home.dir);
    const { refresh_token: _none, ...accessOnly } = tokens;
    vault.update('remote', (e) => ({ ...e, needed: true, tokens: accessOnly, expiresAt: 1_000 }));
    expect(signInState(vault, 'remote', 999)).toBe('signed-in');
    expect(signInState(vault, 'remote', 1_000)).toBe('expired');
  });
});

describe('a sign-in belongs to one URL', () => {
  const remote = (url: string) => ({ name: 'remote', command: '', args: [], env: {}, envFrom: {}, secretKeys: [], approveOnFirstList: false, remote: { url, transport: 'streamable-http' as const, headers: {}, secretHeaders: [] }, createdAt: new Date().toISOString() });

  it('drops the tokens when the server is added again under another URL, keeps them for the same URL, and drops them on remove', () => {
    const store = openStore(home.dir);
    try {
      const vault = OAuthVault.open(home.dir);
      const openVault = () => SecretStore.open(home.dir);
      registerServer(store, openVault, remote('https://mcp.example.com/mcp'), {}, { replace: false, openOAuthVault: () => vault });
      vault.update('remote', (e) => ({ ...e, needed: true, tokens }));

      registerServer(store, openVault, remote('https://mcp.example.com/mcp'), {}, { replace: true, openOAuthVault: () => vault });
      expect(vault.get('remote')?.tokens?.access_token).toBe('access-token-text');

      // The same name, now pointing elsewhere: the old server's token must never be sent there.
      registerServer(store, openVault, remote('https://elsewhere.example.net/mcp'), {}, { replace: true, openOAuthVault: () => vault });
      expect(vault.get('remote')?.tokens).toBeUndefined();

      vault.update('remote', (e) => ({ ...e, needed: true, tokens }));
      unregisterServer(store, openVault, 'remote', () => vault);
      expect(vault.get('remote')?.tokens).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
