import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { DEMO_TOOLS, startAirlockHome } from './airlock-harness.js';
import { openWindowInChromium, requireChromiumAndBuiltWindow, saveScreenshot } from './chromium-window.js';
import { connectIn, installVersion, makeProject, PACKAGE, wrapperText } from './provenance-fixture.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Servers view's Program row in Debian's Chromium against a real Host: a package run with
 * `npx -y` (installed offline from a tarball `npm pack` made) shows the approved version and
 * that it is not pinned; Pin rewrites the command to that exact version.
 */

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the program of a server in the window', () => {
  it('shows the approved package version, unpinned, and pins it with one button', async () => {
    requireChromiumAndBuiltWindow();
    const airlock = await startAirlockHome({ port: 0 });
    cleanups.push(() => airlock.close());
    const project = makeProject(airlock.dir);
    installVersion(airlock.dir, project, '1.0.0');
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('pkg', { command: 'npx', args: ['-y', PACKAGE, '--tools', tools.file] }, { approve: true });
    const client = await connectIn(airlock, 'pkg', project, cleanups);
    await client.close();

    const url = runCli(['--home', airlock.home, 'ui-url']);
    expect(url.status, url.stderr).toBe(0);
    const { context, page } = await openWindowInChromium(path.join(airlock.dir, 'chromium-profile'), url.stdout.trim(), { width: 900, height: 900 });
    cleanups.push(() => context.close());
    await page.getByRole('tab', { name: /^Servers/ }).click();
    await page.getByRole('list', { name: 'Servers' }).getByRole('button', { name: /^pkg/ }).click();
    const program = page.getByRole('definition').filter({ hasText: `npm ${PACKAGE} 1.0.0` });
    await program.waitFor();
    await page.getByText('not pinned: the command may run another version next time').waitFor();
    await saveScreenshot(page, 'servers-program-unpinned');

    await page.getByRole('button', { name: `Pin to ${PACKAGE}@1.0.0` }).click();
    await page.getByRole('status').filter({ hasText: `Pinned "pkg": ${PACKAGE} → ${PACKAGE}@1.0.0.` }).waitFor();
    await page.getByText('pinned: the command names this exact version').waitFor();
    await saveScreenshot(page, 'servers-program-pinned');
    const listed = JSON.parse(runCli(['servers', 'list', '--json', '--home', airlock.home]).stdout) as Array<{ args: string[]; pinned: string }>;
    expect(listed[0]).toMatchObject({ args: ['-y', `${PACKAGE}@1.0.0`, '--tools', tools.file], pinned: 'pinned' });
  }, 120_000);

  it('shows a changed script in Review, in words, with the calls that wait on it', async () => {
    requireChromiumAndBuiltWindow();
    const airlock = await startAirlockHome({ port: 0, holdTimeoutMs: 60_000 });
    cleanups.push(() => airlock.close());
    const script = path.join(airlock.dir, 'server.mjs');
    writeFileSync(script, wrapperText());
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('scripted', { command: process.execPath, args: [script, '--tools', tools.file] }, { approve: true });
    await (await connectIn(airlock, 'scripted', airlock.dir, cleanups)).close();
    writeFileSync(script, wrapperText('// changed\n'));
    const client = await connectIn(airlock, 'scripted', airlock.dir, cleanups);
    void client.callTool({ name: 'echo', arguments: { message: 'waits' } }).catch(() => undefined);

    const url = runCli(['--home', airlock.home, 'ui-url']);
    const { context, page } = await openWindowInChromium(path.join(airlock.dir, 'chromium-profile'), url.stdout.trim(), { width: 900, height: 900 });
    cleanups.push(() => context.close());
    await page.getByRole('tab', { name: /^Review/ }).click();
    await page.getByText(/script changed: sha256:[0-9a-f]{12}… → sha256:[0-9a-f]{12}…/).first().waitFor();
    await saveScreenshot(page, 'review-program-changed');
  }, 120_000);
});
