import { afterEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { connectSdk1, demoServer } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { spawnCli, type RunningCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';
import { DEMO_TOOLS } from './airlock-harness.js';
import { writeFileSync } from 'node:fs';

/** `airlock serve` as its own process: where it listens, clean stops, a second Host, a killed Host. */

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function servedHome(): Promise<{ home: string; serve: RunningCli; connectArgs: string[] }> {
  const { dir, cleanup } = makeTempDir('airlock-serve-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const toolsFile = path.join(dir, 'tools.json');
  writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
  const demo = demoServer(toolsFile);
  const added = runCli(['servers', 'add', 'demo', '--home', home, '--approve', '--', demo.command, ...demo.args]);
  expect(added.status).toBe(0);
  const serve = spawnCli(['serve', '--home', home]);
  cleanups.push(() => serve.child.kill('SIGKILL'));
  const [banner] = await serve.linesOut(1);
  expect(banner).toMatch(new RegExp(`^Airlock host for ${home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} listening on .*host\\.sock`));
  return { home, serve, connectArgs: [AIRLOCK_BIN, 'connect', 'demo', '--home', home, '--no-autostart'] };
}

describe('airlock serve', () => {
  it('passes a refusal back to the CLI as one: an unknown name is a clear error, never "a bug"', async () => {
    const { home } = await servedHome();
    for (const args of [['tools', 'list', 'nope'], ['review', 'nope'], ['approve', 'nope', '--hash', 'sha256:00']]) {
      const result = runCli([...args, '--home', home]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/no server "nope"/);
      expect(result.stderr).not.toMatch(/bug/i);
    }
  });

  it('refuses a second Host on the same home, naming the one that holds it', async () => {
    const { home, serve } = await servedHome();
    const second = runCli(['serve', '--home', home]);
    expect(second.status).not.toBe(0);
    expect(second.stderr).toMatch(new RegExp(`in use by pid ${serve.child.pid} \\(airlock serve`));
  });

  it('finishes in-flight calls on SIGTERM, then exits 0', async () => {
    const { serve, connectArgs } = await servedHome();
    const client = await connectSdk1(process.execPath, connectArgs);
    cleanups.push(() => client.close());
    await client.client.listTools();
    const call = client.client.callTool({ name: 'slow', arguments: { ms: 700 } });
    await new Promise((r) => setTimeout(r, 200));
    serve.child.kill('SIGTERM');
    expect(((await call) as { content: Array<{ text: string }> }).content[0]?.text).toMatch(/waited 700 ms/);
    expect(await serve.exited).toBe(0);
  });

  it('lets connect report a killed Host to the client instead of hanging', async () => {
    const { serve, connectArgs } = await servedHome();
    const client = await connectSdk1(process.execPath, connectArgs);
    cleanups.push(() => client.close());
    await client.client.listTools();
    const call = client.client.callTool({ name: 'slow', arguments: { ms: 30_000 } });
    await new Promise((r) => setTimeout(r, 200));
    serve.child.kill('SIGKILL');
    await expect(call).rejects.toThrow(/the Airlock host stopped/);
  });

  it('is started in the background by connect when no Host runs (autostart)', async () => {
    const { dir, cleanup } = makeTempDir('airlock-autostart-');
    cleanups.push(cleanup);
    const home = path.join(dir, 'home');
    const toolsFile = path.join(dir, 'tools.json');
    writeFileSync(toolsFile, JSON.stringify({ tools: DEMO_TOOLS }));
    const demo = demoServer(toolsFile);
    expect(runCli(['servers', 'add', 'demo', '--home', home, '--approve', '--', demo.command, ...demo.args]).status).toBe(0);
    const client = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'demo', '--home', home]);
    cleanups.push(async () => {
      await client.close();
      const { RemoteHostControl } = await import('../../src/host/control.js');
      const control = await RemoteHostControl.connect(home);
      const status = await control?.status();
      control?.close();
      if (status) process.kill(status.pid, 'SIGTERM');
      // The temp dir goes next: wait until the Host has finished writing to it.
      for (let alive = status !== undefined; alive; await new Promise((r) => setTimeout(r, 50))) {
        try {
          process.kill(status!.pid, 0);
        } catch {
          alive = false;
        }
      }
    });
    expect(((await client.client.callTool({ name: 'echo', arguments: { message: 'autostarted' } })) as { content: Array<{ text: string }> }).content[0]?.text).toBe('autostarted');
  });
});
