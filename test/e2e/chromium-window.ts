import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * The window in Debian's Chromium, driven by playwright-core: the checks that it can run here,
 * the browser opened on the window's address, and screenshots where window-browser.test.ts puts
 * its own (artifacts/screenshots).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.join(ROOT, 'artifacts', 'screenshots');

/** Throws a message that says what to install or build when the browser or the built window is missing. */
export function requireChromiumAndBuiltWindow(): void {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with apt-get install chromium (as root); .ci/run does`);
  if (!fs.existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) throw new Error('the window is not built: run npm run build:app first (npm test does)');
}

/** A headless Chromium with its own profile and one blank page. */
export async function launchChromium(profileDir: string, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  return { context, page: context.pages()[0] ?? (await context.newPage()) };
}

/** A headless Chromium with its own profile, on `address`, once the page says it is connected. */
export async function openWindowInChromium(profileDir: string, address: string, viewport: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await launchChromium(profileDir, viewport);
  await page.goto(address);
  await page.getByText('connected to the Airlock host').waitFor();
  return { context, page };
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
