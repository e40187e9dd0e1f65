import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoServer } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from './airlock-harness.js';
import { openWindowInChromium, requireChromiumAndBuiltWindow, saveScreenshot } from './chromium-window.js';

/**
 * An HTTP client's token, made and revoked in the window (Debian's Chromium against a real
 * `airlock serve` with its MCP endpoint): the token shown once reaches a server through the
 * endpoint, the call shows in Live with the token it came with, and revoking it locks it out.
 */

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let serve: RunningCli;
let context: BrowserContext;
let page: Page;
let mcpUrl: string;
let token: string;

beforeAll(async () => {
  requireChromiumAndBuiltWindow();
  tmp = makeTempDir('airlock-window-http-');
  home = path.join(tmp.dir, 'home');
  const toolsFile = path.join(tmp.dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  const demo = demoServer(toolsFile);
  expect(runCli(['--home', home, 'servers', 'add', 'notes', '--approve', '--', demo.command, ...demo.args]).status).toBe(0);
  serve = spawnCli(['--home', home, 'serve', '--port', '0', '--mcp-port', '0', '--no-watch-clients']);
  const lines = await serve.linesOut(3);
  const line = lines.find((l) => l.startsWith('MCP endpoint for HTTP clients on '));
  mcpUrl = /on (http:\/\/127\.0\.0\.1:\d+\/mcp)\//.exec(line ?? '')?.[1] ?? '';
  expect(mcpUrl).not.toBe('');
  const url = runCli(['--home', home, 'ui-url']);
  ({ context, page } = await openWindowInChromium(path.join(tmp.dir, 'chromium-profile'), url.stdout.trim(), { width: 900, height: 800 }));
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  tmp?.cleanup();
});

async function callEcho(bearer: string, message: string): Promise<string> {
  const client = new Client({ name: 'Browser Agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${mcpUrl}/notes`), { requestInit: { headers: { authorization: `Bearer ${bearer}` } } }));
  try {
    const result = await client.callTool({ name: 'echo', arguments: { message } });
    return JSON.stringify(result.content);
  } finally {
    await client.close();
  }
}

describe('HTTP clients in the window', () => {
  it('makes a token that is shown once and reaches a server through the MCP endpoint', async () => {
    await page.getByRole('tab', { name: /^Clients/ }).click();
    const panel = page.getByRole('region', { name: 'HTTP clients' });
    await panel.getByText(`${mcpUrl}/SERVER`).waitFor();
    await panel.getByLabel('Client name').fill('browser-agent');
    await panel.getByRole('button', { name: 'Make token' }).click();
    const shown = page.getByRole('region', { name: 'Token for "browser-agent"' });
    token = (await shown.getByLabel('Token').textContent()) ?? '';
    expect(token).toMatch(/^airlock_ct_/);
    await saveScreenshot(page, 'clients-http-token');
    expect(await callEcho(token, 'from the window')).toContain('from the window');
    await shown.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(token);
  });

  it('shows the call in Live with the token it came with', async () => {
    await page.getByRole('tab', { name: /^Live/ }).click();
    const row = page.getByRole('row').filter({ hasText: 'echo' }).first();
    await row.getByText('token browser-agent').waitFor();
    expect(await row.textContent()).toContain('Browser Agent');
  });

  it('revokes it after a confirmation, and the endpoint refuses it from then on', async () => {
    await page.getByRole('tab', { name: /^Clients/ }).click();
    const panel = page.getByRole('region', { name: 'HTTP clients' });
    await panel.getByRole('button', { name: 'Revoke…' }).click();
    await panel.getByRole('button', { name: 'Confirm revoke' }).click();
    await panel.getByRole('status').filter({ hasText: 'refuses it from now on' }).waitFor();
    await saveScreenshot(page, 'clients-http-revoked');
    await expect(callEcho(token, 'after revoking')).rejects.toThrow(/401|token/i);
  });
});
