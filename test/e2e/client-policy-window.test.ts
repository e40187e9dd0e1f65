import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { auditEvents, DEMO_TOOLS } from './airlock-harness.js';
import { openWindowInChromium, requireChromiumAndBuiltWindow, saveScreenshot } from './chromium-window.js';

/**
 * Which clients may use a server, set from the window in a real browser (Debian's Chromium)
 * against a real `airlock serve`: the Clients section of a server's detail limits it to one
 * token, a real `airlock connect` client is then denied naming the rule, and "Every client"
 * lets it in again. Screenshots land in artifacts/screenshots.
 */

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let serve: RunningCli;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  requireChromiumAndBuiltWindow();
  tmp = makeTempDir('airlock-window-access-');
  home = path.join(tmp.dir, 'home');
  const toolsFile = path.join(tmp.dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  const demo = demoServer(toolsFile);
  expect(runCli(['servers', 'add', 'demo', '--approve', '--home', home, '--', demo.command, ...demo.args]).status).toBe(0);
  expect(runCli(['clients', 'token', 'ci', '--home', home]).status).toBe(0);
  serve = spawnCli(['--home', home, 'serve', '--port', '0', '--hold-timeout', '60']);
  await serve.linesOut(2);
  const url = runCli(['--home', home, 'ui-url']);
  expect(url.status).toBe(0);
  ({ context, page } = await openWindowInChromium(path.join(tmp.dir, 'chromium-profile'), url.stdout.trim(), { width: 900, height: 900 }));
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  tmp?.cleanup();
});

async function echoThroughConnect(): Promise<string> {
  const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home, '--no-autostart']);
  try {
    const result = await client.client.callTool({ name: 'echo', arguments: { message: 'from connect' } });
    return JSON.stringify(result.content);
  } catch (error) {
    return String(error);
  } finally {
    await client.close();
  }
}

describe('client access from the window', () => {
  it('limits a server to a token from its detail; a connect client is then denied naming the rule', async () => {
    expect(await echoThroughConnect()).toContain('from connect');
    await page.getByRole('tab', { name: /^Servers/ }).click();
    await page.getByRole('list', { name: 'Servers' }).getByRole('button', { name: /^demo/ }).click();
    const section = page.getByRole('region', { name: 'Clients' });
    await section.getByText('May be used by every client.').waitFor();
    await section.getByRole('button', { name: 'Change who may use it' }).click();
    await section.getByRole('radio', { name: 'Only the clients ticked below' }).check();
    await section.getByRole('checkbox', { name: 'token:ci' }).check();
    await section.getByRole('checkbox', { name: 'token:ci' }).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'servers-client-access-edit');
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('May be used by token:ci.').waitFor();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(900);
    await saveScreenshot(page, 'servers-client-access-saved');

    expect(runCli(['servers', 'access', 'demo', '--home', home]).stdout).toContain('"demo" may be used by token:ci');
    expect(await echoThroughConnect()).toMatch(/is not allowed by the client policy of "demo" \(allowed: token:ci\)/);
    const change = auditEvents(home).find((e) => e.type === 'policy.changed');
    expect(change).toMatchObject({ server: 'demo', detail: { allowed: ['token:ci'], by: 'window' } });
  });

  it('lets every client in again', async () => {
    const section = page.getByRole('region', { name: 'Clients' });
    await section.getByRole('button', { name: 'Change who may use it' }).click();
    await section.getByRole('radio', { name: 'Every client' }).check();
    await section.getByRole('button', { name: 'Save' }).click();
    await section.getByText('May be used by every client.').waitFor();
    expect(await echoThroughConnect()).toContain('from connect');
  });
});
