import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { demoServer } from '../support/mcp-clients.js';
import { runCli } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from './airlock-harness.js';

/**
 * The window in a real browser (Debian's Chromium) outlives its Host: stopped with `airlock
 * stop` and started again, the Host takes the same port, and the open page reconnects by itself
 * and shows what changed while it was away.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function serveOn(home: string): RunningCli {
  const serve = spawnCli(['serve', '--home', home, '--no-watch-clients']);
  cleanups.push(() => serve.child.kill('SIGKILL'));
  return serve;
}

describe.skipIf(!fs.existsSync(CHROMIUM))('the window across a Host restart', () => {
  it('reconnects by itself to the restarted Host on the same port and shows what changed meanwhile', async () => {
    if (!fs.existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) throw new Error('the window is not built: run npm run build:app first (npm test does)');
    const tmp = makeTempDir('airlock-reconnect-');
    cleanups.push(tmp.cleanup);
    const home = path.join(tmp.dir, 'home');
    const toolsFile = path.join(tmp.dir, 'tools.json');
    fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
    const demo = demoServer(toolsFile);
    expect(runCli(['servers', 'add', 'demo', '--home', home, '--', demo.command, ...demo.args]).status).toBe(0);

    const first = serveOn(home);
    await first.linesOut(2);
    const address = runCli(['ui-url', '--home', home]).stdout.trim();

    const context: BrowserContext = await chromium.launchPersistentContext(path.join(tmp.dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    cleanups.push(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(address);
    await page.getByText('connected to the Airlock host').waitFor();
    await page.getByRole('tab', { name: 'Servers' }).click();
    await page.getByText('demo', { exact: true }).first().waitFor();

    // Not runCli: its spawnSync would freeze this process, which reads the Host's output.
    const stop = spawnCli(['stop', '--home', home]);
    expect(await stop.exited, stop.stderr()).toBe(0);
    expect(await first.exited).toBe(0);
    await page.getByText('reconnecting to the Airlock host…').waitFor();
    // Added while no Host runs (the CLI opens the home itself): no event will tell the page.
    expect(runCli(['servers', 'add', 'second', '--home', home, '--', demo.command, ...demo.args]).status).toBe(0);

    const second = serveOn(home);
    const [, api] = await second.linesOut(2);
    expect(api).toContain(new URL(address).origin);
    await page.getByText('connected to the Airlock host').waitFor({ timeout: 15_000 });
    await page.getByText('second', { exact: true }).first().waitFor({ timeout: 15_000 });

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
