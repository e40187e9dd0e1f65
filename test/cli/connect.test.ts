import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostSocketPath } from '../../src/proxy/local-socket.js';
import { startFakeHost, type FakeHost } from '../support/fake-host.js';
import { AIRLOCK_BIN } from '../support/run-cli.js';
import { spawnCli } from '../support/spawn-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const request = (id: number | string, method = 'tools/call'): string => `${JSON.stringify({ jsonrpc: '2.0', id, method, params: { name: 'read_file' } })}\n`;

describe('airlock connect', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  let host: FakeHost | undefined;
  beforeEach(() => {
    tmp = makeTempDir('airlock-connect-');
    home = path.join(tmp.dir, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
  });
  afterEach(async () => {
    await host?.close();
    host = undefined;
    tmp.cleanup();
  });

  it('sends a hello naming the server, its cwd and its PATH', async () => {
    host = await startFakeHost(home);
    const workdir = fs.mkdtempSync(path.join(tmp.dir, 'project-'));
    const cli = spawnCli(['connect', 'filesystem', '--home', home, '--no-autostart'], { cwd: workdir, env: { PATH: `/opt/tools/bin${path.delimiter}${process.env.PATH}` } });
    const session = await host.nextSession();
    cli.child.stdin!.end();
    expect(await cli.exited).toBe(0);
    expect(session.hello).toEqual({ hello: 'connect', v: 1, server: 'filesystem', cwd: fs.realpathSync(workdir), path: `/opt/tools/bin${path.delimiter}${process.env.PATH}` });
  });

  it('relays bytes both ways unchanged, a 1 MB line and CRLF included, and exits 0 when stdin ends', async () => {
    const received: Buffer[] = [];
    host = await startFakeHost(home, {
      session: ({ socket }) => {
        socket.on('data', (chunk: Buffer) => {
          received.push(chunk);
          socket.write(chunk);
        });
        socket.on('end', () => socket.end());
      },
    });
    const big = `${JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { content: `é…𝄞${'x'.repeat(1024 * 1024)}` } })}\n`;
    const input = Buffer.concat([Buffer.from(request(1, 'initialize')), Buffer.from('{"jsonrpc":"2.0","method":"notifications/initialized"}\r\n'), Buffer.from(big), Buffer.from(request('two'))]);
    const cli = spawnCli(['connect', 'fs', '--home', home, '--no-autostart']);
    cli.child.stdin!.write(input.subarray(0, 100));
    cli.child.stdin!.end(input.subarray(100));
    expect(await cli.exited).toBe(0);
    expect(Buffer.concat(received).equals(input)).toBe(true);
    expect(cli.stdout().equals(input)).toBe(true);
    expect(cli.stderr()).toBe('');
  });

  it('without a Host and with --no-autostart, answers the first request with a JSON-RPC error and exits 1', async () => {
    const cli = spawnCli(['connect', 'fs', '--home', home, '--no-autostart']);
    cli.child.stdin!.write(request(7, 'initialize'));
    const [line] = await cli.linesOut(1);
    expect(JSON.parse(line!)).toEqual({
      jsonrpc: '2.0',
      id: 7,
      error: { code: -32001, message: `Airlock is not running for home ${home} and --no-autostart was given. Start it with: airlock serve --home ${home}` },
    });
    // Later requests get the same answer; notifications none.
    cli.child.stdin!.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    cli.child.stdin!.end(request('later', 'tools/list'));
    expect(await cli.exited).toBe(1);
    const lines = cli.stdout().toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: unknown });
    expect(lines.map((l) => l.id)).toEqual([7, 'later']);
    expect(cli.stderr()).toContain('airlock connect: Airlock is not running for home');
    expect(fs.readdirSync(home)).toEqual([]); // nothing started, nothing written
  });

  it('waits for a Host that accepted the connection but answers its hello late (under load), then relays', async () => {
    // Past the 4.5 s that connect once allowed from its own start: 50 clients at once on two busy cores took that long.
    host = await startFakeHost(home, { replyDelayMs: 6_000 });
    const cli = spawnCli(['connect', 'fs', '--home', home, '--no-autostart']);
    cli.child.stdin!.end(request(1, 'initialize'));
    expect(await cli.exited).toBe(0);
    expect(cli.stdout().toString('utf8')).toBe(request(1, 'initialize'));
    expect(cli.stderr()).toBe('');
  }, 30_000);

  it('passes on a hello error from the Host (unknown server) as a JSON-RPC error and exits 1', async () => {
    host = await startFakeHost(home, { reply: (hello) => ({ hello: 'error', message: `no server named "${hello.hello === 'connect' ? hello.server : ''}" in Airlock. Add it with: airlock add` }) });
    const cli = spawnCli(['connect', 'nosuch', '--home', home]);
    cli.child.stdin!.end(request(1, 'initialize'));
    expect(await cli.exited).toBe(1);
    const [line] = await cli.linesOut(1);
    expect(JSON.parse(line!)).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32001, message: 'Airlock cannot connect "nosuch": no server named "nosuch" in Airlock. Add it with: airlock add' } });
    expect(cli.stderr()).toContain('no server named "nosuch"');
  });

  it('when the Host goes away mid-call, answers each unanswered, uncancelled request with an error and exits 1', async () => {
    host = await startFakeHost(home, {
      session: ({ socket }) => {
        let buffered = '';
        socket.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('utf8');
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) {
            const message = JSON.parse(line) as { id?: number | string; method: string };
            if (message.method === 'initialize') socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, result: { ok: true } })}\n`);
            if (message.method === 'tools/call' && message.id === 'slow') socket.destroy(); // the Host dies holding two calls
          }
        });
      },
    });
    const cli = spawnCli(['connect', 'fs', '--home', home, '--no-autostart']);
    cli.child.stdin!.write(request(1, 'initialize'));
    await cli.linesOut(1);
    // Request 3 is cancelled by the client: the server owes it no answer, so neither do we.
    const cancel = `${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } })}\n`;
    cli.child.stdin!.write(request(2) + request(3) + cancel + request('slow'));
    expect(await cli.exited).toBe(1);
    const lines = cli.stdout().toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: unknown; result?: unknown; error?: { code: number; message: string } });
    expect(lines[0]).toEqual({ jsonrpc: '2.0', id: 1, result: { ok: true } });
    expect(lines.slice(1).map((l) => l.id).sort()).toEqual([2, 'slow']);
    for (const line of lines.slice(1)) expect(line.error).toEqual({ code: -32001, message: expect.stringContaining('the Airlock host stopped; your call was not completed') });
    expect(cli.stderr()).toContain('the Airlock host stopped');
    cli.child.stdin!.end();
  });

  it('reaches a Host whose socket had to move to the temp folder because the home path is long', async () => {
    const longHome = path.join(tmp.dir, 'a'.repeat(60), 'b'.repeat(60));
    fs.mkdirSync(longHome, { recursive: true, mode: 0o700 });
    expect(path.dirname(hostSocketPath(longHome))).not.toBe(longHome);
    host = await startFakeHost(longHome);
    const cli = spawnCli(['connect', 'fs', '--no-autostart'], { env: { AIRLOCK_HOME: longHome } });
    cli.child.stdin!.end(request(1, 'initialize'));
    expect(await cli.exited).toBe(0);
    expect(cli.stdout().toString('utf8')).toBe(request(1, 'initialize'));
    expect(host.hellos).toHaveLength(1);
  });

  it.each([
    [['--start-app', '/Applications/Airlock.app/Contents/MacOS/Airlock'], 'option --start-app takes its path in the same word: --start-app=PATH'],
    [['--start-app=Airlock.app/Contents/MacOS/Airlock'], 'option --start-app needs an absolute path, got Airlock.app/Contents/MacOS/Airlock'],
    [['--start-app='], 'option --start-app needs the path of the Airlock app'],
  ])('refuses %j with usage and exit 2, starting nothing', async (words, message) => {
    const cli = spawnCli(['connect', 'fs', '--home', home, ...words]);
    cli.child.stdin!.end(request(1, 'initialize'));
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain(`airlock connect: ${message} (run "airlock connect --help")`);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('with --start-app and --no-autostart, says to open the app rather than run airlock serve', async () => {
    const app = path.join(tmp.dir, 'Airlock');
    const cli = spawnCli(['connect', 'fs', '--home', home, '--no-autostart', `--start-app=${app}`]);
    cli.child.stdin!.end(request(1, 'initialize'));
    expect(await cli.exited).toBe(1);
    const [line] = await cli.linesOut(1);
    expect(JSON.parse(line!).error.message).toBe(`Airlock is not running for home ${home} and --no-autostart was given. Start it by opening the Airlock app (${app})`);
  });

  it('exits 2 with usage on bad arguments', async () => {
    const cli = spawnCli(['connect', '--home', home]);
    cli.child.stdin!.end(request(1, 'initialize'));
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain('missing the server NAME');
    expect(JSON.parse(cli.stdout().toString('utf8'))).toMatchObject({ id: 1, error: { code: -32001 } });
  });
});

// Autostart needs the real Host (`airlock serve`). Until that command exists, these are skipped.
const serveHelp = spawnSync(process.execPath, [AIRLOCK_BIN, 'serve', '--help'], { encoding: 'utf8', timeout: 30_000 });
const hasServe = serveHelp.status === 0 && /Usage: airlock serve/.test(serveHelp.stdout);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasServe)('airlock connect starting the Host', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  beforeEach(() => {
    tmp = makeTempDir('airlock-autostart-');
    home = path.join(tmp.dir, 'home');
  });
  afterEach(async () => {
    // The Host we caused to start runs detached; its lock file names its pid. Stop it and wait
    // for it to exit before removing its home.
    let pid: number | undefined;
    try {
      pid = (JSON.parse(fs.readFileSync(path.join(home, 'host.lock'), 'utf8')) as { pid: number }).pid;
      process.kill(pid, 'SIGTERM');
    } catch {
      pid = undefined; // no Host left running
    }
    for (let waited = 0; pid !== undefined && waited < 10_000 && isAlive(pid); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    tmp.cleanup();
  });

  it('starts one Host in the background when two connects find none, and both reach it', async () => {
    const clients = [spawnCli(['connect', 'nosuch', '--home', home]), spawnCli(['connect', 'nosuch', '--home', home])];
    for (const cli of clients) cli.child.stdin!.end(request(1, 'initialize'));
    const codes = await Promise.all(clients.map((cli) => cli.exited));
    // No server "nosuch" is configured: both must get the Host's own answer, not "not running".
    for (const cli of clients) {
      const [line] = await cli.linesOut(1);
      expect(JSON.parse(line!).error.message).toMatch(/^Airlock cannot connect "nosuch": /);
    }
    expect(codes).toEqual([1, 1]);
    expect(fs.existsSync(path.join(home, 'logs', 'host.log'))).toBe(true);
    expect(fs.statSync(path.join(home, 'logs', 'host.log')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(home, 'logs')).mode & 0o777).toBe(0o700);
    const lock = JSON.parse(fs.readFileSync(path.join(home, 'host.lock'), 'utf8')) as { pid: number };
    expect(isAlive(lock.pid)).toBe(true);
  });
});
