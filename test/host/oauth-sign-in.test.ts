import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OAUTH_KEY_FILE_NAME, OAUTH_VAULT_FILE_NAME, signInState } from '../../src/host/oauth/index.js';
import { Secret } from '../../src/host/secret.js';
import { startOAuthServer, type OAuthTestServer } from '../support/oauth-server.js';
import { callWithToken, signInFixture } from '../support/oauth-sign-in-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';

let server: OAuthTestServer;
let home: { dir: string; cleanup: () => void };

afterEach(async () => {
  await server?.close();
  home?.cleanup();
});

describe('signIn against a local authorization server (dynamic registration)', () => {
  beforeEach(async () => {
    server = await startOAuthServer({ requiredScopes: ['mcp:read'] });
    home = makeTempDir();
  });

  it('discovers the authorization server from the 401, registers, and gets a token the resource server accepts', async () => {
    const fixture = signInFixture(home.dir, server);
    expect(signInState(fixture.vault, 'remote')).toBe('not-needed');
    const result = await fixture.signIn();
    expect(result).toMatchObject({ outcome: 'signed-in', scope: 'mcp:read' });

    const log = await server.log();
    expect(log.registrations).toHaveLength(1);
    expect(log.registrations[0]?.token_endpoint_auth_method).toBe('none');
    expect(log.authorizations[0]).toMatchObject({ clientId: log.registrations[0]?.client_id, scopes: ['mcp:read'] });
    const tokens = fixture.vault.get('remote')?.tokens;
    expect(await callWithToken(server.mcpUrl, tokens?.access_token)).toBe(200);
    expect(signInState(fixture.vault, 'remote')).toBe('signed-in');
  });

  it('sends a PKCE S256 challenge and the resource indicator, which the authorization server verifies', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const log = await server.log();
    const authorizeUrl = new URL(fixture.browserSteps().find((s) => s.step === 'authorize')!.url!);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('resource')).toBe(server.mcpUrl);
    expect(log.authorizations[0]?.resource).toBe(server.mcpUrl);
    expect(log.codeExchanges).toEqual([{ clientId: log.registrations[0]?.client_id, resource: server.mcpUrl, pkceS256: true }]);
  });

  it('prints the authorization URL and answers the browser with a page saying it can be closed', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const authorizeUrl = fixture.browserSteps().find((s) => s.step === 'authorize')!.url!;
    expect(fixture.printed.join('\n')).toContain(authorizeUrl);
    const landed = await fixture.browserStep('landed');
    expect(landed).toMatchObject({ host: '127.0.0.1', path: '/airlock/oauth/callback', status: 200 });
    expect(landed.page).toContain('You can close this tab');
  });

  it('seals every token: neither the vault file nor its key file contains token text', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const log = await server.log();
    expect(log.issued.length).toBeGreaterThan(0);
    const vaultText = fs.readFileSync(path.join(home.dir, OAUTH_VAULT_FILE_NAME), 'utf8');
    const keyText = fs.readFileSync(path.join(home.dir, OAUTH_KEY_FILE_NAME), 'utf8');
    for (const token of log.issued) {
      expect(vaultText).not.toContain(token);
      expect(keyText).not.toContain(token);
    }
    expect(vaultText).not.toContain(log.registrations[0]!.client_id);
    for (const token of log.issued) expect(fixture.printed.join('\n')).not.toContain(token); // only the authorization URL is printed
    expect(fs.statSync(path.join(home.dir, OAUTH_VAULT_FILE_NAME)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(home.dir, OAUTH_KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('refuses a redirect whose state is not the one it sent, and keeps no tokens', async () => {
    const fixture = signInFixture(home.dir, server, 'wrong-state');
    await expect(fixture.signIn()).rejects.toThrow(/did not carry the state Airlock sent/);
    expect((await server.log()).codeExchanges).toHaveLength(0);
    expect(await fixture.browserStep('landed')).toMatchObject({ status: 400 });
    expect(fixture.vault.get('remote')?.tokens).toBeUndefined();
    expect(signInState(fixture.vault, 'remote')).toBe('signed-out');
  });

  it('reports not-needed for a server that answers without a sign-in', async () => {
    const fixture = signInFixture(home.dir, server);
    const result = await fixture.signIn({ serverUrl: server.mcpUrl.replace(/\/mcp$/, '/open-mcp') });
    expect(result).toEqual({ outcome: 'not-needed' });
    expect(signInState(fixture.vault, 'remote')).toBe('not-needed');
  });
});

describe('signIn with a pre-registered client', () => {
  beforeEach(async () => {
    server = await startOAuthServer({ preRegistered: { client_id: 'airlock-pre', client_secret: 'pre-registered-secret-value' } });
    home = makeTempDir();
  });

  it('uses the given client id and secret instead of registering, and seals the secret', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn({ client: { clientId: 'airlock-pre', clientSecret: new Secret('pre-registered-secret-value') } });
    const log = await server.log();
    expect(log.registrations).toHaveLength(0);
    expect(log.codeExchanges).toMatchObject([{ clientId: 'airlock-pre', pkceS256: true }]);
    expect(fs.readFileSync(path.join(home.dir, OAUTH_VAULT_FILE_NAME), 'utf8')).not.toContain('pre-registered-secret-value');
    expect(signInState(fixture.vault, 'remote')).toBe('signed-in');
  });
});

describe('signIn with a client ID metadata document', () => {
  beforeEach(async () => {
    server = await startOAuthServer({ clientIdMetadataDocuments: true });
    home = makeTempDir();
  });

  it('uses the document URL as client id where the authorization server supports them, without registering', async () => {
    const fixture = signInFixture(home.dir, server);
    const documentUrl = 'https://airlock.example/oauth/client-metadata.json';
    await fixture.signIn({ clientMetadataUrl: documentUrl });
    const log = await server.log();
    expect(log.registrations).toHaveLength(0);
    expect(log.codeExchanges).toMatchObject([{ clientId: documentUrl, pkceS256: true }]);
    expect(signInState(fixture.vault, 'remote')).toBe('signed-in');
  });

  it('registers dynamically when no document URL is configured', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    expect((await server.log()).registrations).toHaveLength(1);
  });
});
