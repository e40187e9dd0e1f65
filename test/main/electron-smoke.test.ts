import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from '../e2e/airlock-harness.js';

/**
 * The desktop app itself, launched by Playwright's Electron driver: the window opens on the
 * app:// origin, the Host runs in the main process, and a first-seen server is approved from
 * the window. It needs an Electron binary (a normal `npm ci` where downloads work, or
 * ELECTRON_OVERRIDE_DIST_PATH); where there is none it does not run, says so, and is reported
 * as skipped, never as passed.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function electronBinary(): string | undefined {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const names = process.platform === 'win32' ? ['electron.exe'] : process.platform === 'darwin' ? ['Electron.app/Contents/MacOS/Electron'] : ['electron'];
    return names.map((n) => path.join(override, n)).find((p) => fs.existsSync(p));
  }
  try {
    // The electron package exports its binary's path, which exists only if the download worked.
    const binary = createRequire(import.meta.url)('electron') as unknown as string;
    return typeof binary === 'string' && fs.existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const binary = electronBinary();
if (binary === undefined) {
  console.warn('Electron smoke test did NOT run: no Electron binary on this machine (install one, or set ELECTRON_OVERRIDE_DIST_PATH). It is reported as skipped.');
}

describe.skipIf(binary === undefined)('the desktop app (Electron)', () => {
  it('opens its window on app://airlock, runs the Host, and approves a first-seen server', async () => {
    const { dir, cleanup } = makeTempDir('airlock-electron-');
    const home = path.join(dir, 'home');
    const toolsFile = path.join(dir, 'tools.json');
    fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
    const demo = demoServer(toolsFile);
    expect(runCli(['servers', 'add', 'demo', '--home', home, '--', demo.command, ...demo.args]).status).toBe(0);
    const app = await electron.launch({
      executablePath: binary,
      args: [path.join(ROOT, 'out', 'main', 'index.js'), '--no-sandbox'],
      env: { ...process.env, AIRLOCK_HOME: home, AIRLOCK_DESKTOP_TEST: '1' },
    });
    try {
      const page = await app.firstWindow();
      expect(page.url()).toMatch(/^app:\/\/airlock\//);
      await page.getByText('connected to the Airlock host').waitFor();
      const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home, '--no-autostart']);
      try {
        expect((await client.client.listTools()).tools).toEqual([]);
        const tray = await app.evaluate(() => (globalThis as { airlockTrayState?: string }).airlockTrayState);
        expect(tray).toBe('AMBER');
        await page.getByRole('tab', { name: /^Servers/ }).click();
        await page.getByRole('button', { name: /demo/ }).click();
        await page.getByRole('button', { name: 'Approve live surface (new baseline)' }).click();
        await page.getByRole('img', { name: /^GREEN/ }).first().waitFor();
        expect((await client.client.listTools()).tools.length).toBe(DEMO_TOOLS.length);
      } finally {
        await client.close();
      }
    } finally {
      await app.close();
      cleanup();
    }
  });
});
