import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { everythingServer } from '../../test/support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../../test/support/run-cli.js';
import { descendantRunning, listeningAddresses } from '../support/proc-stats.js';

/**
 * The four ways `bench/http-peers.bench.ts` reaches server-everything over Streamable HTTP, each
 * started as a user would, in its own processes, on 127.0.0.1 only:
 * - direct: server-everything's own `streamableHttp` mode (the floor);
 * - supergateway: `--stdio "…server-everything stdio" --outputTransport streamableHttp --stateful`;
 * - mcp-proxy: `--host 127.0.0.1 --server stream -- node …server-everything stdio`;
 * - airlock: `airlock serve --mcp-port N`, server-everything added with `servers add --approve`.
 * server-everything and supergateway take no host option: they get `loopback-only.mjs`.
 * AIRLOCK_BENCH_CPU_PROF=DIR writes a CPU profile of the Host to DIR.
 */

export type TargetName = 'direct' | 'supergateway' | 'mcp-proxy' | 'airlock';

export interface RunningTarget {
  name: TargetName;
  url: string;
  /** Sent with every request (Airlock's bearer token). */
  headers: Record<string, string>;
  /** The relay's process (none for direct) and the process running server-everything once a session exists. */
  relayPid: number | undefined;
  serverPid(): number | undefined;
  /** The addresses its port listens on, read from /proc/net. */
  listening: string[];
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LOOPBACK_ONLY = fileURLToPath(new URL('./loopback-only.mjs', import.meta.url));
const EVERYTHING = everythingServer();
const EVERYTHING_ENTRY = EVERYTHING.args[0] ?? '';
const SUPERGATEWAY = path.join(ROOT, 'node_modules/supergateway/dist/index.js');
const MCP_PROXY = path.join(ROOT, 'node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs');
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before listening on ${port}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms: ${log()}`);
}

/** Spawns a process whose stdout is drained (server-everything logs each request there) and whose stderr is kept for errors. */
function launch(args: string[], env: Record<string, string> = {}): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, args, { env: { ...ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString('utf8')).slice(-4000)));
  return { child, log: () => log };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

export async function startTarget(name: TargetName, scratchDir: string): Promise<RunningTarget> {
  const port = await freePort();
  if (name === 'airlock') return startAirlock(port, scratchDir);
  const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;
  const { child, log } =
    name === 'direct'
      ? launch(['--import', LOOPBACK_ONLY, EVERYTHING_ENTRY, 'streamableHttp'], { PORT: String(port) })
      : name === 'supergateway'
        ? launch(['--import', LOOPBACK_ONLY, SUPERGATEWAY, '--stdio', [process.execPath, EVERYTHING_ENTRY, 'stdio'].map(shellQuote).join(' '), '--outputTransport', 'streamableHttp', '--stateful', '--port', String(port), '--logLevel', 'none'])
        : launch([MCP_PROXY, '--host', '127.0.0.1', '--port', String(port), '--server', 'stream', '--', process.execPath, EVERYTHING_ENTRY, 'stdio']);
  await waitForPort(port, child, log);
  return {
    name,
    url: `http://127.0.0.1:${port}/mcp`,
    headers: {},
    relayPid: name === 'direct' ? undefined : child.pid,
    serverPid: () => (name === 'direct' ? child.pid : descendantRunning(child.pid, EVERYTHING_ENTRY)),
    listening: listeningAddresses(port),
    stop: () => stopChild(child),
  };
}

/** A fresh home with server-everything added and approved, `airlock serve --mcp-port`, and a client token. */
async function startAirlock(port: number, scratchDir: string): Promise<RunningTarget> {
  const home = path.join(scratchDir, 'airlock-home');
  fs.mkdirSync(home, { mode: 0o700 });
  const added = runCli(['servers', 'add', 'everything', '--home', home, '--approve', '--', EVERYTHING.command, ...EVERYTHING.args]);
  if (added.status !== 0) throw new Error(`airlock servers add failed: ${added.stderr}`);
  const profDir = process.env.AIRLOCK_BENCH_CPU_PROF; // node 20 refuses --cpu-prof in NODE_OPTIONS
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`, '--cpu-prof-interval=200'] : [];
  const { child, log } = launch([...prof, AIRLOCK_BIN, 'serve', '--home', home, '--mcp-port', String(port), '--no-watch-clients']);
  await waitForPort(port, child, log);
  const token = runCli(['clients', 'token', 'airlock-bench', '--home', home]);
  const bearer = token.stdout.split('\n')[0]?.trim();
  if (token.status !== 0 || !bearer) throw new Error(`airlock clients token failed (${token.status}): ${token.stderr}`);
  return {
    name: 'airlock',
    url: `http://127.0.0.1:${port}/mcp/everything`,
    headers: { authorization: `Bearer ${bearer}` },
    relayPid: child.pid,
    serverPid: () => descendantRunning(child.pid, EVERYTHING_ENTRY),
    listening: listeningAddresses(port),
    stop: () => stopChild(child),
  };
}
