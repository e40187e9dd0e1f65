import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSdk1 } from '../support/mcp-clients.js';
import { OAUTH_BROWSER_SCRIPT, startOAuthServer, type OAuthTestServer } from '../support/oauth-server.js';
import { runCli } from '../support/run-cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { nextEvent, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/** `airlock servers login NAME` against the running Host, without blocking its event loop. */
async function login(airlock: AirlockHome): Promise<{ code: number | null; out: string; err: string }> {
  const cli = spawnCli(['servers', 'login', 'remote', '--home', airlock.home]);
  const code = await cli.exited;
  return { code, out: cli.stdout().toString('utf8'), err: cli.stderr() };
}

async function detail(airlock: AirlockHome): Promise<{ signInState?: string; url?: string | null; transport?: string }> {
  return (await airlock.host.api.invoke('serverDetail', { server: 'remote' })) as { signInState?: string; url?: string | null; transport?: string };
}

/** Revokes the grant at the authorization server (RFC 7009), as a user or an admin would there. */
async function revokeAtServer(oauth: OAuthTestServer): Promise<void> {
  const log = await oauth.log();
  const clientId = log.registrations.at(-1)?.client_id ?? '';
  for (const token of log.issued) {
    const response = await fetch(`${oauth.asUrl}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, client_id: clientId }) });
    await response.body?.cancel();
  }
  await oauth.configure({ refuseRefresh: true });
}

describe('a remote server that asks for a sign-in (OAuth), behind Airlock', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('signs in through the Host with a scripted browser, then holds calls with "sign in again" when the grant is revoked, until the next sign-in', async () => {
    const oauth = await startOAuthServer();
    cleanups.push(() => oauth.close());
    const browserLog = path.join(fs.mkdtempSync('/tmp/airlock-browser-'), 'browser.log');
    const airlock = await startAirlockHome({ holdTimeoutMs: 30_000, env: { ...process.env, AIRLOCK_BROWSER: OAUTH_BROWSER_SCRIPT, OAUTH_TEST_BROWSER_LOG: browserLog } });
    cleanups.push(() => airlock.close());
    const hostLog: string[] = [];
    airlock.host.on('log', (line) => hostLog.push(line));

    expect(runCli(['servers', 'add', 'remote', '--home', airlock.home, '--url', oauth.mcpUrl]).status).toBe(0);
    const first = await login(airlock);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(`signed in to "remote" (${oauth.mcpUrl})`);
    expect(await detail(airlock)).toMatchObject({ signInState: 'signed-in', url: oauth.mcpUrl, transport: 'streamable-http' });
    expect(runCli(['servers', 'list', '--home', airlock.home]).stdout).toContain('sign-in: signed in');

    // The protected endpoint counts only requests with a valid bearer token: the client got through, and so does its ping.
    const { command, args } = airlock.connect('remote');
    const client = await connectSdk1(command, args);
    cleanups.push(() => client.close());
    const before = (await oauth.log()).mcpCalls;
    // (The test resource answers every request like an initialize, which the client then refuses to read as a ping.)
    await client.client.ping().catch(() => undefined);
    expect((await oauth.log()).mcpCalls).toBeGreaterThan(before);

    await revokeAtServer(oauth);
    // The next request that reaches the server finds the grant gone: it fails with the reason, never silently.
    const required = nextEvent(airlock.host, 'auth.required');
    await expect(client.client.ping()).rejects.toThrow(/sign in/);
    expect((await required).reason).toContain('sign in again: airlock servers login remote (or Sign in in the window)');
    // From then on calls wait for the sign-in instead of failing.
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'lookup', arguments: {} }).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    expect(await opened).toMatchObject({ server: 'remote', key: 'lookup', reason: expect.stringContaining('sign in again: airlock servers login remote') });
    expect(((await airlock.host.api.invoke('holds', {})) as Array<{ reason?: string }>)[0]?.reason).toContain('Sign in in the window');
    expect((await detail(airlock)).signInState).toBe('expired');
    expect(hostLog.join('\n')).toContain('waiting for a sign-in');

    const restored = nextEvent(airlock.host, 'auth.restored', 30_000);
    const again = await login(airlock);
    expect(again.code, again.err).toBe(0);
    await restored;
    expect((await detail(airlock)).signInState).toBe('signed-in');
    // The hold ended with the sign-in: the tool was never listed or approved, so it is now judged as unknown.
    expect(await call).toMatch(/not part of the approved surface/);

    // No token in any file of the home but the sealed vault (where it is encrypted), nor in the Host log.
    const issued = (await oauth.log()).issued;
    const files = fs.readdirSync(airlock.dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const token of issued) {
      expect(hostLog.join('\n')).not.toContain(token);
      for (const f of files) expect(fs.readFileSync(path.join(f.parentPath, f.name)).includes(token), `${f.name} holds a token`).toBe(false);
    }
  });
});
