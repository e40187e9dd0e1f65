import net from 'node:net';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { REDIRECT_PATH, listenForRedirect } from '../../src/host/oauth/index.js';

/** Whether a TCP connection to host:port is accepted. */
function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the loopback redirect listener', () => {
  it('binds 127.0.0.1 only: other addresses of this machine are refused', async () => {
    const redirect = await listenForRedirect({ server: 'remote', state: 's' });
    const url = new URL(redirect.redirectUrl);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe(REDIRECT_PATH);
    const port = Number(url.port);
    expect(await connects('127.0.0.1', port)).toBe(true);
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.address !== '127.0.0.1')
      .map((a) => a!.address);
    for (const address of [...others, '::1']) expect(await connects(address, port)).toBe(false);
    await redirect.close();
  });

  it('answers another path with 404 and keeps waiting', async () => {
    const redirect = await listenForRedirect({ server: 'remote', state: 'good' });
    const base = new URL(redirect.redirectUrl);
    expect((await fetch(`${base.origin}/other?code=c&state=good`)).status).toBe(404);
    expect((await fetch(`${redirect.redirectUrl}?code=the-code&state=good`)).status).toBe(200);
    await expect(redirect.code).resolves.toBe('the-code');
  });

  it('takes one answer, then closes', async () => {
    const redirect = await listenForRedirect({ server: 'remote', state: 'good' });
    await fetch(`${redirect.redirectUrl}?code=first&state=good`);
    await expect(redirect.code).resolves.toBe('first');
    await redirect.close();
    expect(await connects('127.0.0.1', Number(new URL(redirect.redirectUrl).port))).toBe(false);
  });

  it('refuses a wrong state and ends the sign-in', async () => {
    const redirect = await listenForRedirect({ server: 'remote', state: 'good' });
    const response = await fetch(`${redirect.redirectUrl}?code=c&state=forged`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('did not carry the state Airlock sent');
    await expect(redirect.code).rejects.toThrow(/did not carry the state/);
  });

  it("passes on the authorization server's refusal", async () => {
    const redirect = await listenForRedirect({ server: 'remote', state: 'good' });
    await fetch(`${redirect.redirectUrl}?error=access_denied&error_description=user+said+no&state=good`);
    await expect(redirect.code).rejects.toThrow(/refused the sign-in to "remote": access_denied \(user said no\)/);
  });

  it('gives up after its timeout and says how to try again', async () => {
    const redirect = await listenForRedirect({ server: 'remote', state: 'good', timeoutMs: 200 });
    await expect(redirect.code).rejects.toThrow(/timed out .* airlock servers login remote/);
    expect(await connects('127.0.0.1', Number(new URL(redirect.redirectUrl).port))).toBe(false);
  });
});
