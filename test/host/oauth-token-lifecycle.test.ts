import { UnauthorizedError, auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AirlockOAuthProvider, lapseReason, scopeChallengeFetch, signInState, signOut } from '../../src/host/oauth/index.js';
import { startOAuthServer, type OAuthTestServer } from '../support/oauth-server.js';
import { callWithToken, signInFixture } from '../support/oauth-sign-in-fixture.js';
import { makeTempDir } from '../support/temp-dir.js';

let server: OAuthTestServer;
let home: { dir: string; cleanup: () => void };

beforeEach(async () => {
  server = await startOAuthServer({ requiredScopes: ['mcp:read'] });
  home = makeTempDir();
});

afterEach(async () => {
  await server.close();
  home.cleanup();
});

describe('tokens after sign-in', () => {
  it('are what the SDK Streamable HTTP transport sends, through the provider as authProvider', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const client = new Client({ name: 'airlock-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: new AirlockOAuthProvider({ server: 'remote', vault: fixture.vault }) }));
    expect(client.getServerVersion()?.name).toBe('oauth-test-resource');
    await client.close();
  });

  it('are refreshed before they expire, and the new access token works', async () => {
    await server.configure({ accessTtlSeconds: 30 }); // inside the default 60 s margin
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const before = fixture.vault.get('remote')?.tokens;
    const provider = new AirlockOAuthProvider({ server: 'remote', vault: fixture.vault });
    const after = await provider.tokens();
    expect(after?.access_token).not.toBe(before?.access_token);
    expect(after?.refresh_token).not.toBe(before?.refresh_token); // the server rotates it
    expect((await server.log()).refreshes).toEqual([{ clientId: expect.any(String), resource: server.mcpUrl, refused: false }]);
    expect(await callWithToken(server.mcpUrl, after?.access_token)).toBe(200);
    expect(fixture.vault.get('remote')?.tokens?.access_token).toBe(after?.access_token);
    expect(signInState(fixture.vault, 'remote')).toBe('signed-in');
  });

  it('are not refreshed while they are far from expiry', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const before = fixture.vault.get('remote')?.tokens;
    expect((await new AirlockOAuthProvider({ server: 'remote', vault: fixture.vault }).tokens())?.access_token).toBe(before?.access_token);
    expect((await server.log()).refreshes).toHaveLength(0);
  });

  it('lapse to "expired" when the refresh is refused, without opening a browser', async () => {
    await server.configure({ accessTtlSeconds: 30, refuseRefresh: true });
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const opened = fixture.browserSteps().length;
    expect(await new AirlockOAuthProvider({ server: 'remote', vault: fixture.vault }).tokens()).toBeUndefined();
    expect(signInState(fixture.vault, 'remote')).toBe('expired');
    expect(lapseReason(fixture.vault, 'remote')).toMatch(/refused/);
    expect(fixture.browserSteps()).toHaveLength(opened);
  });

  it('lapse to "expired" when the transport\'s auth() finds the refresh refused, and a new sign-in restores them', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    await server.configure({ refuseRefresh: true });
    const background = new AirlockOAuthProvider({ server: 'remote', vault: fixture.vault });
    expect(await auth(background, { serverUrl: server.mcpUrl })).toBe('REDIRECT');
    expect(signInState(fixture.vault, 'remote')).toBe('expired');
    await server.configure({ refuseRefresh: false });
    await fixture.signIn();
    expect(signInState(fixture.vault, 'remote')).toBe('signed-in');
  });
});

describe('signOut', () => {
  it('revokes the tokens at the revocation endpoint and deletes them', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    const tokens = fixture.vault.get('remote')?.tokens;
    expect(await signOut({ server: 'remote', vault: fixture.vault })).toEqual({ forgotten: true, revocation: 'revoked', detail: undefined });
    expect((await server.log()).revocations.map((r) => r.kind)).toEqual(['refresh_token', 'unknown']); // the access token went with its grant
    expect(await callWithToken(server.mcpUrl, tokens?.access_token)).toBe(401);
    expect(fixture.vault.get('remote')?.tokens).toBeUndefined();
    expect(signInState(fixture.vault, 'remote')).toBe('signed-out');
  });

  it('still deletes the tokens when the authorization server cannot be reached, and says revocation failed', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    await server.close();
    const result = await signOut({ server: 'remote', vault: fixture.vault });
    expect(result).toMatchObject({ forgotten: true, revocation: 'failed' });
    expect(signInState(fixture.vault, 'remote')).toBe('signed-out');
    server = await startOAuthServer(); // for afterEach
  });
});

describe('scope step-up', () => {
  it('on 403 insufficient_scope, a new sign-in asks for the larger scope and its token is accepted', async () => {
    const fixture = signInFixture(home.dir, server);
    await fixture.signIn();
    await server.configure({ requiredScopes: ['mcp:read', 'mcp:write'] });
    expect(await callWithToken(server.mcpUrl, fixture.vault.get('remote')?.tokens?.access_token)).toBe(403);

    // The Host's SDK transport meets the 403 first: it records the scope and never opens a browser.
    const provider = new AirlockOAuthProvider({ server: 'remote', vault: fixture.vault });
    const transport = new StreamableHTTPClientTransport(new URL(server.mcpUrl), { authProvider: provider, fetch: scopeChallengeFetch({ server: 'remote', vault: fixture.vault }) });
    const client = new Client({ name: 'airlock-test', version: '1' });
    await expect(client.connect(transport)).rejects.toThrow(UnauthorizedError);
    await client.close();
    expect(signInState(fixture.vault, 'remote')).toBe('expired');
    expect(lapseReason(fixture.vault, 'remote')).toMatch(/larger scope \(mcp:read mcp:write\)/);
    expect((await server.log()).refreshes).toHaveLength(0); // a refresh would only bring the old scope back
    const opened = fixture.browserSteps().filter((s) => s.step === 'authorize').length;
    expect(opened).toBe(1);

    const result = await fixture.signIn();
    expect(result).toMatchObject({ outcome: 'signed-in', scope: 'mcp:read mcp:write' });
    const log = await server.log();
    expect(log.authorizations.at(-1)?.scopes).toEqual(['mcp:read', 'mcp:write']);
    expect(await callWithToken(server.mcpUrl, fixture.vault.get('remote')?.tokens?.access_token)).toBe(200);
    expect(signInState(fixture.vault, 'remote')).toBe('signed-in');
  });
});
