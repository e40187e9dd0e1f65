import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HelloReplySchema,
  HelloSchema,
  hostSocketPath,
  listenHostSocket,
  parseHelloReplyLine,
  readFirstLine,
  readHello,
  readHelloReply,
  writeHello,
  writeHelloReply,
} from '../../src/proxy/local-socket.js';
import { makeTempDir } from '../support/temp-dir.js';

const posix = process.platform !== 'win32';

function connect(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('hostSocketPath', () => {
  it.runIf(posix)('is host.sock in the home when the path fits a socket address', () => {
    expect(hostSocketPath('/home/ada/.config/Airlock')).toBe('/home/ada/.config/Airlock/host.sock');
  });

  it.runIf(posix)('falls back to a 0700 folder of ours under the temp dir, named by the hash of a long home', () => {
    const longHome = path.join('/nonexistent', 'x'.repeat(120));
    const socketPath = hostSocketPath(longHome);
    const folder = path.join(os.tmpdir(), `airlock-${process.getuid!()}`);
    expect(socketPath).toMatch(new RegExp(`^${folder.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/[0-9a-f]{16}\\.sock$`));
    expect(Buffer.byteLength(socketPath)).toBeLessThanOrEqual(103);
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    expect(hostSocketPath(longHome)).toBe(socketPath); // stable, so connect and the Host meet
    expect(hostSocketPath(`${longHome}y`)).not.toBe(socketPath);
  });

  it('is a named pipe on Windows, the same for two spellings of one home', () => {
    const pipe = hostSocketPath('C:\\Users\\Ada\\AppData\\Roaming\\Airlock', 'win32');
    expect(pipe).toMatch(/^\\\\\.\\pipe\\airlock-[0-9a-f]{16}$/);
    expect(hostSocketPath('c:\\users\\ada\\appdata\\roaming\\airlock', 'win32')).toBe(pipe);
  });
});

describe('listenHostSocket', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let home: string;
  const servers: net.Server[] = [];
  beforeEach(() => {
    tmp = makeTempDir('airlock-socket-');
    home = path.join(tmp.dir, 'home');
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    tmp.cleanup();
  });

  it.runIf(posix)('creates the socket 0600 in a 0700 home, and accepts connections', async () => {
    servers.push(await listenHostSocket(home, (socket) => socket.end('hello\n')));
    const socketPath = hostSocketPath(home);
    expect(socketPath).toBe(path.join(home, 'host.sock'));
    expect(fs.statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
    const client = await connect(socketPath);
    expect((await readFirstLine(client)).toString()).toBe('hello');
    client.destroy();
  });

  it.runIf(posix)('restores the process umask after listening', async () => {
    const before = process.umask(0o022);
    try {
      servers.push(await listenHostSocket(home, () => {}));
      expect(process.umask(0o022)).toBe(0o022);
    } finally {
      process.umask(before);
    }
  });

  it('refuses to start when another Host answers on the socket, naming it', async () => {
    servers.push(await listenHostSocket(home, (socket) => socket.destroy()));
    await expect(listenHostSocket(home, () => {})).rejects.toThrow(/another Airlock Host is already (answering|listening) on .*Stop it first/);
  });

  it.runIf(posix)('removes the socket file a killed Host left behind, and listens', async () => {
    fs.mkdirSync(home, { mode: 0o700 });
    const socketPath = hostSocketPath(home);
    const dead = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => dead.stdout!.once('data', resolve));
    dead.kill('SIGKILL');
    await new Promise((resolve) => dead.once('exit', resolve));
    expect(fs.existsSync(socketPath)).toBe(true);
    await expect(connect(socketPath)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    servers.push(await listenHostSocket(home, (socket) => socket.end('hi\n')));
    const client = await connect(socketPath);
    const line = await readFirstLine(client);
    expect(line.toString()).toBe('hi');
    client.destroy();
  });

  it.runIf(posix)('refuses a home whose host.sock is not a socket', async () => {
    fs.mkdirSync(home, { mode: 0o700 });
    fs.writeFileSync(path.join(home, 'host.sock'), 'not a socket');
    await expect(listenHostSocket(home, () => {})).rejects.toThrow(/exists and is not a socket/);
  });

  it('carries a hello and its reply, and leaves the JSON-RPC that followed in the same chunk for the next reader', async () => {
    const got: { hello?: unknown; rest?: string } = {};
    const done = new Promise<void>((resolve) => {
      void listenHostSocket(home, (socket) => {
        void readHello(socket).then((hello) => {
          got.hello = hello;
          writeHelloReply(socket, { hello: 'ok' });
          let rest = '';
          socket.on('data', (chunk: Buffer) => (rest += chunk.toString()));
          socket.on('end', () => {
            got.rest = rest;
            socket.end();
            resolve();
          });
        });
      }).then((server) => servers.push(server));
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const client = await connect(hostSocketPath(home));
    const hello = { hello: 'connect', v: 1, server: 'fs', cwd: '/work', path: null } as const;
    // The hello and the first request in one write, as a fast client sends them.
    client.write(`${JSON.stringify(hello)}\n{"jsonrpc":"2.0","id":1,"method":"initialize"}\n`);
    expect(await readHelloReply(client)).toEqual({ hello: 'ok' });
    client.end();
    await done;
    expect(got.hello).toEqual(hello);
    expect(got.rest).toBe('{"jsonrpc":"2.0","id":1,"method":"initialize"}\n');
  });
});

describe('hello lines', () => {
  it('readHello rejects a first line that is not a valid hello, saying what was expected', async () => {
    for (const line of ['not json', '{"hello":"connect","v":2,"server":"fs","cwd":"/","path":null}', '{"hello":"connect","v":1,"cwd":"/","path":null}', '[1]']) {
      const stream = new PassThrough();
      stream.end(`${line}\n`);
      await expect(readHello(stream)).rejects.toThrow(/hello/);
    }
  });

  it('readFirstLine refuses a hello longer than its limit instead of buffering it', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.alloc(300 * 1024, 0x41));
    await expect(readFirstLine(stream)).rejects.toThrow(/longer than/);
  });

  it('writeHello writes one line that HelloSchema accepts', async () => {
    const stream = new PassThrough();
    writeHello(stream, { hello: 'control', v: 1 });
    const line = await readFirstLine(stream);
    expect(HelloSchema.parse(JSON.parse(line.toString()))).toEqual({ hello: 'control', v: 1 });
  });

  it("the hand-written reply check used by connect agrees with HelloReplySchema", () => {
    const samples = [
      '{"hello":"ok"}',
      '{"hello":"ok","extra":1}',
      '{"hello":"error","message":"no server named \\"x\\""}',
      '{"hello":"error"}',
      '{"hello":"error","message":5}',
      '{"hello":"OK"}',
      '{}',
      'null',
      '[]',
      '"ok"',
      'garbage',
    ];
    for (const sample of samples) {
      let schema: unknown;
      try {
        const parsed = HelloReplySchema.safeParse(JSON.parse(sample));
        schema = parsed.success ? parsed.data : undefined;
      } catch {
        schema = undefined;
      }
      expect(parseHelloReplyLine(sample), sample).toEqual(schema);
    }
  });
});
