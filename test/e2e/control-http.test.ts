import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectDemo, demoToolsWithEcho, nextEvent, rewriteTools, startAirlockHome, type AirlockHome } from './airlock-harness.js';

/** The Host's loopback control API (`airlock serve --port N`): token, Host and Origin checks, actions. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function withApi(): Promise<{ airlock: AirlockHome; url: string; token: string }> {
  const airlock = await startAirlockHome({ port: 0, holdTimeoutMs: 30_000 });
  cleanups.push(() => airlock.close());
  const url = airlock.host.controlUrl ?? '';
  const token = readFileSync(path.join(airlock.home, 'control-token'), 'utf8').trim();
  return { airlock, url, token };
}

function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : null }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('control API on loopback HTTP', () => {
  it('binds 127.0.0.1 and keeps its token in a 0600 file', async () => {
    const { airlock, url } = await withApi();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(path.join(airlock.home, 'control-token')).mode & 0o777).toBe(0o600);
  });

  it('refuses a request without the bearer token with 401', async () => {
    const { url } = await withApi();
    expect((await request(`${url}/v1/status`, {})).status).toBe(401);
    expect((await request(`${url}/v1/status`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
  });

  it('refuses a foreign Host or Origin with 403, even with the token (DNS rebinding)', async () => {
    const { url, token } = await withApi();
    const auth = { authorization: `Bearer ${token}` };
    expect((await request(`${url}/v1/status`, { headers: { ...auth, host: 'evil.example' } })).status).toBe(403);
    expect((await request(`${url}/v1/status`, { headers: { ...auth, origin: 'https://evil.example' } })).status).toBe(403);
    expect((await request(`${url}/v1/status`, { headers: auth })).status).toBe(200);
  });

  it('validates bodies and limits their size', async () => {
    const { url, token } = await withApi();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    expect((await request(`${url}/v1/approve`, { method: 'POST', headers, body: '{"server":"x"}' })).status).toBe(400);
    expect((await request(`${url}/v1/approve`, { method: 'POST', headers, body: JSON.stringify({ server: 'x', hash: 'h'.repeat(100_000) }) })).status).toBe(413);
    expect((await request(`${url}/v1/nothing`, { headers })).status).toBe(404);
  });

  it('approves a held tool, and the held call goes on', async () => {
    const { airlock, url, token } = await withApi();
    const { tools, client } = await connectDemo(airlock, { cleanups });
    await rewriteTools(airlock, tools, demoToolsWithEcho('Echo, louder.'));
    const opened = nextEvent(airlock.host, 'hold.opened');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'via http' } });
    await opened;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const review = (await request(`${url}/v1/review?server=demo`, { headers })).body as Array<{ key: string; hash: string }>;
    expect(review.map((r) => r.key)).toEqual(['echo']);
    const approved = await request(`${url}/v1/approve`, { method: 'POST', headers, body: JSON.stringify({ server: 'demo', kind: 'tool', key: 'echo', hash: review[0]?.hash }) });
    expect(approved).toEqual({ status: 200, body: { state: 'GREEN', generation: 2 } });
    expect(((await call) as { content: Array<{ text: string }> }).content[0]?.text).toBe('via http');
  });
});
