import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixtureHome } from '../clients/fixture-home.js';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from './airlock-harness.js';
import { openWindowInChromium, requireChromiumAndBuiltWindow, saveScreenshot } from './chromium-window.js';

/**
 * Adding and removing a server from the window, in a real browser (Debian's Chromium, driven by
 * playwright-core) against a real `airlock serve` that starts with no servers at all: fill in the
 * form at the narrowest supported width, see the server listed, reach it with a real MCP client,
 * then remove it. Screenshots land in artifacts/screenshots, as window-browser.test.ts's do.
 */

const SECRET = 'sk-typed-in-the-window-5e81c2';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let toolsFile: string;
let serve: RunningCli;
let context: BrowserContext;
let page: Page;
let fixture: ReturnType<typeof copyFixtureHome>;

beforeAll(async () => {
  requireChromiumAndBuiltWindow();
  tmp = makeTempDir('airlock-window-edit-');
  home = path.join(tmp.dir, 'home');
  toolsFile = path.join(tmp.dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  fixture = copyFixtureHome('linux');
  serve = spawnCli(['--home', home, 'serve', '--port', '0', '--hold-timeout', '60', '--user-home', fixture.userHome, '--platform', 'linux']);
  await serve.linesOut(2);
  const url = runCli(['--home', home, 'ui-url']);
  expect(url.status).toBe(0);
  // 900 px: the narrowest window Airlock supports.
  ({ context, page } = await openWindowInChromium(path.join(tmp.dir, 'chromium-profile'), url.stdout.trim(), { width: 900, height: 800 }));
}, 120_000);

afterAll(async () => {
  await context?.close().catch(() => undefined);
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  fixture?.cleanup();
  tmp?.cleanup();
});

async function fitsWidth(): Promise<void> {
  // A string, evaluated in the page: this file is type-checked without the DOM library.
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(900);
}

describe('adding and removing a server from the window', () => {
  it('adds a server from the form, lists it, and a client reaches it through airlock connect', async () => {
    await page.getByRole('tab', { name: /^Servers/ }).click();
    await page.getByText('No servers yet.').waitFor();
    await page.getByRole('button', { name: 'Add server…' }).click();
    const form = page.getByRole('form', { name: 'Add a server' });
    const demo = demoServer(toolsFile);
    await form.getByLabel('Name', { exact: true }).fill('notes');
    await form.getByLabel('Command', { exact: true }).fill(demo.command);
    await form.getByLabel('Arguments', { exact: true }).fill(demo.args.join('\n'));
    await form.getByRole('button', { name: 'Add environment variable' }).click();
    await form.getByLabel('Name of environment variable 1').fill('LOG_LEVEL');
    await form.getByLabel('Value of environment variable 1').fill('debug');
    await form.getByRole('button', { name: 'Add secret variable' }).click();
    await form.getByLabel('Name of secret variable 1').fill('NOTES_TOKEN');
    await form.getByLabel('Value of secret variable 1').fill(SECRET);
    await form.getByLabel('Approve what it lists first').check();
    await fitsWidth();
    await saveScreenshot(page, 'servers-add');

    await form.getByRole('button', { name: 'Add server', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Added "notes". Point an AI client at it with: airlock connect notes.' }).waitFor();
    await page.getByRole('list', { name: 'Servers' }).getByRole('button', { name: /^notes/ }).waitFor();
    await page.getByRole('heading', { name: /^notes/ }).waitFor();
    expect(await page.content()).not.toContain(SECRET);
    expect(runCli(['servers', 'list', '--home', home]).stdout).toContain('secrets: NOTES_TOKEN=***');

    const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'notes', '--home', home, '--no-autostart']);
    try {
      const result = await client.client.callTool({ name: 'echo', arguments: { message: 'added in the window' } });
      expect(result.content).toEqual([{ type: 'text', text: 'added in the window' }]);
    } finally {
      await client.close();
    }
  });

  it('removes it after a confirmation that says what removing does', async () => {
    await page.getByRole('button', { name: 'Remove server…' }).click();
    const confirm = page.getByRole('region', { name: 'Remove "notes"?' });
    await confirm.getByText('Airlock forgets how to start "notes" and deletes its secrets (NOTES_TOKEN).').waitFor();
    await fitsWidth();
    await saveScreenshot(page, 'servers-remove');
    await confirm.getByRole('button', { name: 'Confirm remove' }).click();
    await page.getByRole('status').filter({ hasText: 'Removed "notes" and its secrets.' }).waitFor();
    // It was approved on first listing, so it stays listed for its history, marked removed.
    await page.getByRole('list', { name: 'Servers' }).getByRole('button', { name: /^notes.*removed/ }).waitFor();
    expect(runCli(['servers', 'list', '--home', home]).stdout).toContain('no servers configured');
    await fitsWidth();
    await saveScreenshot(page, 'servers-removed');
  });
});
