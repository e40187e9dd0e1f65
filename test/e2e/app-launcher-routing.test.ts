import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientDirs } from '../../src/clients/client-dirs.js';
import { parseConfigText } from '../../src/clients/config-syntax.js';
import { listServerConfigs } from '../../src/engine/store/server-configs.js';
import { openStore } from '../../src/engine/store/index.js';
import { appLauncher, findNodeOnPath } from '../../src/host/airlock-launcher.js';
import { Host } from '../../src/host/host.js';
import { ensureConnectBundle } from '../support/connect-bundle.js';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from './airlock-harness.js';

/**
 * The desktop app's client installer, as the window drives it (HostApi preview, then apply),
 * with the Host routing entries through the app's bundled connect script and the user's Node.
 */

let bundle: string;
beforeAll(() => {
  bundle = ensureConnectBundle();
});

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A fake user home whose Cursor runs the demo server directly. */
function setup(): { userHome: string; airlockHome: string; cursorFile: string; app: string } {
  const { dir, cleanup } = makeTempDir('airlock-app-routing-');
  cleanups.push(cleanup);
  const userHome = path.join(dir, 'home');
  const toolsFile = path.join(dir, 'tools.json');
  fs.writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  const demo = demoServer(toolsFile);
  const cursorFile = path.join(userHome, '.cursor', 'mcp.json');
  fs.mkdirSync(path.dirname(cursorFile), { recursive: true });
  fs.writeFileSync(cursorFile, `${JSON.stringify({ mcpServers: { demo: { command: demo.command, args: demo.args } } }, null, 2)}\n`);
  return { userHome, airlockHome: path.join(dir, 'airlock'), cursorFile, app: path.join(dir, 'Airlock') };
}

describe('clients install from the desktop app', () => {
  it('routes an entry through the bundled connect script, and the client reaches its server through the Host', async () => {
    const s = setup();
    const env = { PATH: path.dirname(process.execPath), HOME: s.userHome };
    const host = await Host.start({
      home: s.airlockHome,
      clients: clientDirs({ userHome: s.userHome, platform: 'linux' }),
      clientLauncher: () => appLauncher({ connectScript: bundle, appExecutable: s.app, home: s.airlockHome, env, findNode: (e) => findNodeOnPath(e, { wellKnownDirs: [] }) }),
    });
    cleanups.push(() => host.stop());

    const preview = (await host.api.invoke('clientsInstallPreview', { clients: ['cursor'] })) as { planId: string; files: { routes: { server: string }[] }[] };
    expect(preview.files.map((f) => f.routes.map((r) => r.server))).toEqual([['demo']]);
    await host.api.invoke('clientsInstallApply', { planId: preview.planId, approveCurrent: true });

    const routed = (parseConfigText(fs.readFileSync(s.cursorFile, 'utf8'), 'jsonc', s.cursorFile) as { mcpServers: { demo: { command: string; args: string[] } } }).mcpServers.demo;
    expect(routed).toEqual({ command: path.join(path.dirname(process.execPath), 'node'), args: [bundle, 'connect', `--start-app=${s.app}`, `--home=${s.airlockHome}`, '--client=cursor', 'demo'] });

    const client = await connectSdk1(routed.command, routed.args);
    cleanups.push(() => client.close());
    expect((await client.client.listTools()).tools.map((t) => t.name).sort()).toEqual(DEMO_TOOLS.map((t) => (t as { name: string }).name).sort());
    const echoed = await client.client.callTool({ name: 'echo', arguments: { message: 'installed by the app' } });
    expect(JSON.stringify(echoed.content)).toContain('installed by the app');
  });

  it('without Node.js on the machine, refuses the install with what to do, and changes no file and no server', async () => {
    const s = setup();
    const before = fs.readFileSync(s.cursorFile);
    const empty = path.join(path.dirname(s.userHome), 'empty-bin');
    fs.mkdirSync(empty);
    const env = { PATH: empty, HOME: s.userHome };
    const host = await Host.start({
      home: s.airlockHome,
      listen: false,
      clients: clientDirs({ userHome: s.userHome, platform: 'linux' }),
      clientLauncher: () => appLauncher({ connectScript: bundle, appExecutable: s.app, home: s.airlockHome, env, findNode: (e) => findNodeOnPath(e, { wellKnownDirs: [] }) }),
    });
    cleanups.push(() => host.stop());

    await expect(host.api.invoke('clientsInstallPreview', { clients: ['cursor'] })).rejects.toThrow(
      /^Airlock's desktop app needs Node\.js 20 or newer on this machine for `airlock connect`.*Install it from https:\/\/nodejs\.org and run Install again; nothing was changed\.$/,
    );
    expect(fs.readFileSync(s.cursorFile).equals(before)).toBe(true);
    await host.stop();
    const store = openStore(s.airlockHome);
    try {
      expect(listServerConfigs(store)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
