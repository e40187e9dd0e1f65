import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixtureHome } from '../clients/fixture-home.js';
import { connectSdk1, demoServer, type McpConnection } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS, demoToolsWithEcho } from './airlock-harness.js';
import { openWindowInChromium, requireChromiumAndBuiltWindow, saveScreenshot } from './chromium-window.js';
import type { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';

/**
 * The window in a real browser (Debian's Chromium, driven by playwright-core) against a real
 * `airlock serve` with a real MCP client and the demo server behind it: approve a baseline,
 * make the server drift, watch a call be held, answer y and n, check the chain and a receipt
 * file. Screenshots of each view land in artifacts/screenshots (UPDATE_SCREENSHOTS=1 also
 * refreshes the README's copies in docs/screenshots).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = path.join(ROOT, 'docs', 'screenshots');

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
let toolsFile: string;
let serve: RunningCli;
let baseUrl: string;
let windowAddress: string;
let token: string;
let context: BrowserContext;
let page: Page;
let client: McpConnection<Sdk1Client>;
let fixture: ReturnType<typeof copyFixtureHome>;

beforeAll(async () => {
  requireChromiumAndBuiltWindow();
  tmp = makeTempDir('airlock-window-');
  home = path.join(tmp.dir, 'home');
  toolsFile = path.join(tmp.dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  fixture = copyFixtureHome('linux');
  const demo = demoServer(toolsFile);
  expect(runCli(['servers', 'add', 'demo', '--home', home, '--', demo.command, ...demo.args]).status).toBe(0);
  serve = spawnCli(['--home', home, 'serve', '--port', '0', '--hold-timeout', '60', '--user-home', fixture.userHome, '--platform', 'linux']);
  await serve.linesOut(2);
  const url = runCli(['--home', home, 'ui-url']);
  expect(url.status).toBe(0);
  windowAddress = url.stdout.trim();
  baseUrl = windowAddress.slice(0, windowAddress.indexOf('/#'));
  token = fs.readFileSync(path.join(home, 'control-token'), 'utf8').trim();
  expect(windowAddress).toBe(`${baseUrl}/#token=${token}`);

  client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home, '--no-autostart']);
  // First sight: nothing approved yet, so nothing is served.
  expect((await client.client.listTools()).tools).toEqual([]);

  ({ context, page } = await openWindowInChromium(path.join(tmp.dir, 'chromium-profile'), windowAddress, { width: 1280, height: 820 }));
}, 120_000);

afterAll(async () => {
  await client?.close().catch(() => undefined);
  await context?.close().catch(() => undefined);
  if (serve) {
    serve.child.kill('SIGTERM');
    await serve.exited;
  }
  fixture?.cleanup();
  tmp?.cleanup();
});

async function screenshot(name: string): Promise<void> {
  const file = await saveScreenshot(page, name);
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS, `${name}.png`));
  }
}

async function openView(name: string): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

async function rpc(method: string, params: object): Promise<unknown> {
  const response = await fetch(`${baseUrl}/v1/rpc`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ method, params }) });
  const body = (await response.json()) as { ok: boolean; result?: unknown; error?: string };
  if (!body.ok) throw new Error(body.error);
  return body.result;
}

/** Rewrites the demo server's echo tool and waits until Airlock holds it for review. */
async function driftEcho(description: string): Promise<void> {
  fs.writeFileSync(toolsFile, JSON.stringify(demoToolsWithEcho(description)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const items = (await rpc('review', { server: 'demo' })) as { key: string; status: string; live: { description?: string } }[];
    if (items.some((i) => i.key === 'echo' && i.status === 'changed' && i.live.description === description)) return;
    if (Date.now() > deadline) throw new Error('Airlock did not pick up the drift');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function httpStatus(url: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: body === undefined ? 'GET' : 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the window in Chromium against airlock serve', () => {
  it('takes the token out of the address bar and shows the Live view', async () => {
    expect(page.url()).not.toContain(token);
    expect(page.url()).toMatch(/#\/live$/);
    await page.getByText(/No calls yet/).waitFor();
  });

  it('shows the first-seen server in Review as one decision with all it offers', async () => {
    await openView('Review');
    const rows = page.getByRole('option');
    await rows.first().getByText(`new server: ${DEMO_TOOLS.length} tools`).waitFor();
    expect(await rows.count()).toBe(1);
    const offers = page.getByRole('article', { name: 'Focused item' }).getByRole('list', { name: 'What it offers' });
    expect(await offers.getByRole('listitem').count()).toBe(DEMO_TOOLS.length + 1);
    await screenshot('review-first-seen');
  });

  it('approves the first-seen server as a baseline from the Servers view', async () => {
    await openView('Servers');
    await page.getByRole('button', { name: /demo/ }).click();
    await page.getByRole('button', { name: 'Review and approve what it offers now…' }).click();
    const summary = page.getByRole('region', { name: /^Approve what "demo" offers now as approved version 1\?/ });
    await summary.getByRole('table', { name: 'Items this approval changes' }).waitFor();
    // Nothing is approved before the confirmation: the client still sees no tool.
    expect((await client.client.listTools()).tools).toEqual([]);
    const listed = await summary.getByRole('table', { name: 'Items this approval changes' }).textContent();
    for (const tool of DEMO_TOOLS) expect(listed).toContain(`tool ${(tool as { name: string }).name}new`);
    await screenshot('approve-summary');
    await summary.getByRole('button', { name: 'Confirm approval' }).click();
    await page.getByRole('img', { name: /^GREEN/ }).first().waitFor();
    const names = (await client.client.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(DEMO_TOOLS.map((t) => (t as { name: string }).name).sort());
    await screenshot('servers');
  });

  it('holds a call to a drifted tool, shows the change, and lets it through on y', async () => {
    await driftEcho('Echo the message back, in capital letters, and keep a copy of it.');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'held then allowed' } });
    await openView('Review');
    const detail = page.getByRole('article', { name: 'Focused item' });
    await detail.getByText('echo', { exact: false }).first().waitFor();
    await expect.poll(async () => (await detail.locator('.diff-add').allTextContents()).join(' ')).toContain('capital');
    expect(await detail.getByRole('list', { name: 'Findings' }).textContent()).toMatch(/description/i);
    await detail.getByText(/denied in \d+ (min|s)/).first().waitFor();
    // What the held call wants to do is on screen too.
    await detail.getByText(/held then allowed/).waitFor();
    await screenshot('review');
    await page.locator('body').press('y');
    const result = await call;
    expect(JSON.stringify(result.content)).toContain('held then allowed');
  });

  it('lets one held call through on o, names the client that asked, and holds the next call again', async () => {
    await driftEcho('Echo the message back, and remember it for later.');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'allowed just once' } });
    await openView('Review');
    const detail = page.getByRole('article', { name: 'Focused item' });
    await detail.getByText(/allowed just once/).waitFor();
    await detail.getByText(/call from airlock-test-client/).waitFor();
    await page.getByText(/o allows a waiting call once/).waitFor();
    await screenshot('review-allow-once');
    await page.locator('body').press('o');
    expect(JSON.stringify((await call).content)).toContain('allowed just once');
    await page.getByText(/^Allowed once: the call from airlock-test-client to tool "echo" on "demo" went on\./).waitFor();
    // Still unapproved: the next call is held again; it is let through once too, so no hold is left for the next test.
    const next = client.client.callTool({ name: 'echo', arguments: { message: 'held again' } });
    const waiting = async () => ((await rpc('review', { server: 'demo' })) as { key: string; pendingCalls: { id: string }[] }[]).find((i) => i.key === 'echo')?.pendingCalls ?? [];
    await expect.poll(async () => (await waiting()).length, { timeout: 10_000 }).toBe(1);
    await rpc('allowOnce', { holdId: (await waiting())[0]?.id ?? '' });
    expect(JSON.stringify((await next).content)).toContain('held again');
  });

  it('denies a held call on n', async () => {
    await driftEcho('Echo the message back, reversed word by word.');
    const call = client.client.callTool({ name: 'echo', arguments: { message: 'held then denied' } }).then(
      (r) => ({ ok: true as const, r }),
      (e: unknown) => ({ ok: false as const, e }),
    );
    await openView('Review');
    const detail = page.getByRole('article', { name: 'Focused item' });
    await expect.poll(async () => (await detail.locator('.diff-add').allTextContents()).join(' ')).toContain('reversed');
    await page.locator('body').press('n');
    const outcome = await call;
    if (outcome.ok) expect(outcome.r.isError).toBe(true);
    else expect(String(outcome.e)).toMatch(/quarantine|denied/i);
    await openView('Live');
    await page.getByRole('cell', { name: 'echo' }).first().waitFor();
    await screenshot('live');
  });

  it('lists the tool answered no under Quarantined, and Release shows its live definition and lets its calls through', async () => {
    await openView('Review');
    const entry = page.getByRole('region', { name: 'Quarantined' }).getByRole('article', { name: 'Quarantined tool "echo" on "demo"' });
    await entry.getByRole('button', { name: 'Release…' }).click();
    const confirm = entry.getByRole('region', { name: 'Release tool "echo" on "demo"?' });
    await expect.poll(async () => (await confirm.locator('.diff-add').allTextContents()).join(' ')).toContain('reversed');
    await screenshot('release');
    await confirm.getByRole('button', { name: 'Confirm release' }).click();
    await page.getByText(/^Released tool "echo" on "demo": approved by sha256:/).waitFor();
    const result = await client.client.callTool({ name: 'echo', arguments: { message: 'released' } });
    expect(JSON.stringify(result.content)).toContain('released');
  });

  it('reverts the server to version 1 from the Servers view: the client is served the original echo again', async () => {
    await openView('Servers');
    await page.getByRole('button', { name: /demo/ }).click();
    await page.getByRole('button', { name: 'Revert to version 1…' }).click();
    const region = page.getByRole('region', { name: 'Revert "demo" to version 1?' });
    expect(await region.getByRole('list', { name: 'What the revert changes' }).textContent()).toContain('tool echo: changes back');
    await screenshot('revert');
    await region.getByRole('button', { name: 'Confirm revert' }).click();
    await page.getByText(/^Reverted "demo" to version 1: approved again as version \d+/).waitFor();
    const original = (DEMO_TOOLS as Array<{ name: string; description?: string }>).find((t) => t.name === 'echo');
    await expect.poll(async () => (await client.client.listTools()).tools.find((t) => t.name === 'echo')?.description).toBe(original?.description);
  });

  it('verifies the chain from the Receipts view', async () => {
    await openView('Receipts');
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page.getByText(/^Chain intact: \d+ events/).waitFor();
    await screenshot('receipts');
  });

  it('checks a receipt file in the page: an exported one passes, a tampered one fails', async () => {
    const bundle = (await rpc('receiptsExport', { server: 'demo' })) as { receipts: { event: { decision: string | null } }[] };
    const good = path.join(tmp.dir, 'receipts.json');
    fs.writeFileSync(good, JSON.stringify(bundle));
    const tampered = structuredClone(bundle);
    const victim = tampered.receipts.find((r) => r.event.decision === 'DENY') ?? tampered.receipts[0]!;
    victim.event.decision = victim.event.decision === 'ALLOW' ? 'DENY' : 'ALLOW';
    const bad = path.join(tmp.dir, 'tampered.json');
    fs.writeFileSync(bad, JSON.stringify(tampered));

    const input = page.locator('input[type="file"]');
    await input.setInputFiles(good);
    await page.getByText(/^Pass: receipts\.json holds \d+ receipts?/).waitFor();
    // The trusted key is this machine's, filled in: no fingerprint copied from a terminal.
    const keys = runCli(['--home', home, 'keys', 'show', '--json']);
    expect(keys.status, keys.stderr).toBe(0);
    await expect.poll(() => page.getByLabel('Trusted key fingerprint (optional)').inputValue()).toBe((JSON.parse(keys.stdout) as { fingerprint: string }).fingerprint);
    await page.getByText(/Signed by the key you trust/).waitFor();
    await input.setInputFiles(bad);
    await page.getByRole('alert').filter({ hasText: 'Fail: tampered.json does not check out' }).waitFor();
  });

  it('shows the clients found and their routing', async () => {
    await openView('Clients');
    await page.getByText('Claude Desktop').first().waitFor();
    expect(await page.getByText('bypassing', { exact: false }).count()).toBeGreaterThan(0);
    await screenshot('clients');
  });

  it('fits a 900 px wide window without a horizontal scrollbar', async () => {
    await page.setViewportSize({ width: 900, height: 800 });
    for (const view of ['Live', 'Review', 'Servers', 'Clients', 'Receipts']) {
      await openView(view);
      // A string, evaluated in the page: this file is type-checked without the DOM library.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), view).toBeLessThanOrEqual(900);
    }
  });

  it('refuses a wrong token and a foreign Origin, from the page and from outside', async () => {
    const fromPage = await page.evaluate(async () => (await fetch('/v1/rpc', { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: JSON.stringify({ method: 'status', params: {} }) })).status);
    expect(fromPage).toBe(401);
    const body = JSON.stringify({ method: 'status', params: {} });
    expect(await httpStatus(`${baseUrl}/v1/rpc`, { authorization: `Bearer ${token}`, origin: 'http://evil.example' }, body)).toBe(403);
    expect(await httpStatus(`${baseUrl}/v1/rpc`, { authorization: `Bearer ${token}`, host: 'evil.example' }, body)).toBe(403);
    expect(await httpStatus(`${baseUrl}/v1/rpc`, { authorization: `Bearer ${token}` }, body)).toBe(200);
  });

  it('a page opened without the token says how to get in, and shows no data', async () => {
    const other = await context.newPage();
    await other.goto(`${baseUrl}/`);
    await other.evaluate('sessionStorage.clear()');
    await other.reload();
    await other.getByText(/airlock ui-url/).first().waitFor();
    await other.close();
  });
});
