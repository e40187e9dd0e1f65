import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireHomeLock } from '../../src/engine/store/index.js';
import { spawnCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/** `airlock serve` on a port another program holds: a clear refusal, and nothing left behind. */

let tmp: ReturnType<typeof makeTempDir>;
let blocker: net.Server;
let taken: number;
beforeEach(async () => {
  tmp = makeTempDir('airlock-serve-ports-');
  blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  taken = (blocker.address() as net.AddressInfo).port;
});
afterEach(async () => {
  await new Promise((resolve) => blocker.close(resolve));
  tmp.cleanup();
});

describe('airlock serve on a taken port', () => {
  it.each([
    ['--mcp-port', 'the MCP endpoint cannot listen there'],
    ['--port', 'the window cannot be served there'],
  ])('%s: names the port and what to do, exits 1, and lets the home go', async (flag, says) => {
    const home = path.join(tmp.dir, 'home');
    const serve = spawnCli(['--home', home, 'serve', '--no-watch-clients', flag, String(taken)]);
    // It ends by itself: no listener, timer or worker thread of the half-started Host keeps it alive.
    expect(await serve.exited).toBe(1);
    expect(serve.stderr()).toContain(`port ${taken} is in use by another program, so ${says}`);
    expect(serve.stderr()).not.toContain('bug');
    acquireHomeLock(home, { kind: 'test' }).release();
  });
});
