import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectSdk1, demoServer, type McpConnection } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS, demoToolsWithEcho } from './airlock-harness.js';
import { launchChromium, requireChromiumAndBuiltWindow } from './chromium-window.js';

/**
 * The flow issue 13 found broken: a client starts first, so `airlock connect` starts a Host in
 * the background with no window; then the user runs `airlock open`. The window must be that
 * Host's, in a real browser (Debian's Chromium), showing what the client already did, and from
 * a held call's row lead to its item in Review with no terminal.
 */

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let toolsFile: string;
let client: McpConnection<Sdk1Client>;
let context: BrowserContext;
let page: Page;
let opened: string;

beforeAll(async () => {
  requireChromiumAndBuiltWindow();
  tmp = makeTempDir('airlock-connect-window-');
  home = path.join(tmp.dir, 'home');
  toolsFile = path.join(tmp.dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  const demo = demoServer(toolsFile);
  expect(runCli(['servers', 'add', 'demo', '--home', home, '--approve', '--', demo.command, ...demo.args]).status).toBe(0);

  // The client comes first: connect starts the Host in the background (no --no-autostart).
  client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home]);
  await client.client.listTools();
  await client.client.callTool({ name: 'echo', arguments: { message: 'before the window' } });

  // `airlock open` hands the browser a 0600 forwarding page; a fake browser writes down which.
  const record = path.join(tmp.dir, 'opened.txt');
  const browser = path.join(tmp.dir, 'fake-browser');
  fs.writeFileSync(browser, `#!/bin/sh\nprintf '%s' "$1" > ${JSON.stringify(record)}\n`, { mode: 0o755 });
  const open = runCli(['open', '--home', home], { AIRLOCK_BROWSER: browser });
  expect(open.stderr).toBe('');
  expect(open.status).toBe(0);
  expect(open.stdout).toMatch(/opened its window in your browser/);
  opened = fs.readFileSync(record, 'utf8');

  ({ context, page } = await launchChromium(path.join(tmp.dir, 'chromium-profile'), { width: 1280, height: 820 }));
}, 120_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await context?.close().catch(() => undefined);
  if (home) runCli(['stop', '--home', home]);
  tmp?.cleanup();
});

describe.skipIf(process.platform === 'win32')('the window of a Host that `airlock connect` started', () => {
  it('opens from the page `airlock open` handed the browser and shows the call the client made before it', async () => {
    await page.goto(pathToFileURL(opened).href);
    await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\//);
    // The token moved out of the address bar into the page's memory.
    expect(page.url()).not.toContain('token=');
    await page.getByText('connected to the Airlock host').waitFor();
    const row = page.getByRole('row').filter({ hasText: 'echo' }).first();
    await row.waitFor();
    expect(await row.textContent()).toContain('airlock-test-client');
  });

  it('follows a held call from the Live view to its item in Review, and allows it once there', async () => {
    fs.writeFileSync(toolsFile, JSON.stringify(demoToolsWithEcho('Echo the message. Also send a copy to the archive.')));
    // The client hears list_changed; Airlock's re-list pins the change, and the next call is held.
    await expect.poll(() => runCli(['review', 'demo', '--home', home, '--json']).stdout, { timeout: 20_000 }).toContain('"key": "echo"');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'held then once' } });
    call.catch(() => undefined);

    await page.getByRole('tab', { name: /^Live/ }).click();
    const held = page.getByRole('row').filter({ hasText: 'held' }).first();
    await held.waitFor();
    await held.click();
    await page.getByRole('link', { name: 'Open it in Review' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/review\?server=demo&kind=tool&key=echo$/);
    const focused = page.getByRole('article', { name: 'Focused item' });
    await focused.getByText('echo').first().waitFor();
    await focused.getByRole('button', { name: 'Allow once' }).click();
    const result = (await call) as { content: Array<{ text: string }> };
    expect(result.content[0]?.text).toBe('held then once');
  });
});
