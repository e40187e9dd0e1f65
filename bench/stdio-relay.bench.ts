import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { connectSdk1, everythingServer, type McpConnection } from '../test/support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../test/support/run-cli.js';
import { makeTempDir } from '../test/support/temp-dir.js';

/**
 * What Airlock adds to a real MCP server's calls: the same SDK 1.x client calls `echo` on
 * @modelcontextprotocol/server-everything directly over stdio, and through
 * `airlock connect` → the Host (`airlock serve`, its own process, so this event loop does not
 * carry its work) → the server. 2,000 calls one at a time, then 2,000 with 16 in flight, each
 * timed with performance.now() around callTool; both paths warmed up first (200 + 200 calls) so
 * JIT and the Host's first listing do not count. Then the start of a server: spawn → the
 * `initialize` answer, directly and through `airlock connect`.
 *
 * Set AIRLOCK_BENCH_CPU_PROF=DIR to write a CPU profile of the Host (`node --cpu-prof`) to DIR.
 */

const CALLS = 2_000;
const WARMUP_CALLS = 200;
const CONCURRENCY = 16;
const START_RUNS = 10;
const TARGET = { addedP50Ms: 0.25, throughputPct: 90, connectStartMs: 150 };
const ECHO = { name: 'echo', arguments: { message: 'hello through the airlock' } };

type PathName = 'direct' | 'through';
type Mode = 'sequential' | 'concurrency 16';
type Proc = 'client' | 'airlock connect' | 'Host' | 'server';
const PROCS: Proc[] = ['client', 'airlock connect', 'Host', 'server'];
interface Pass {
  /** Latency of each measured call, ms. */
  samples: number[];
  /** Calls made in wallMs (the sequential pass also counts tinybench's one probing call). */
  calls: number;
  wallMs: number;
  /** CPU time (user + system) each process spent in the pass, ms; Linux only. */
  cpuMs: Partial<Record<Proc, number>>;
}

const tmp = makeTempDir('airlock-bench-relay-');
const home = path.join(tmp.dir, 'home');
const everything = everythingServer();
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
let serve: ChildProcess | undefined;
const clients = {} as Record<PathName, McpConnection<Client>>;
const passes = new Map<string, Pass>();
const starts: Record<PathName, number[]> = { direct: [], through: [] };
const pids: Record<PathName, Partial<Record<Proc, number>>> = { direct: {}, through: {} };

beforeAll(async () => {
  fs.mkdirSync(home, { mode: 0o700 });
  const added = runCli(['servers', 'add', 'everything', '--home', home, '--approve', '--', everything.command, ...everything.args]);
  if (added.status !== 0) throw new Error(`airlock servers add failed: ${added.stderr}`);
  serve = await startServe();
  clients.direct = await connectSdk1(everything.command, everything.args, env);
  clients.through = await connectSdk1(process.execPath, [AIRLOCK_BIN, 'connect', 'everything', '--home', home, '--no-autostart'], env);
  pids.direct = { client: process.pid, server: pidOf(clients.direct) };
  pids.through = { client: process.pid, 'airlock connect': pidOf(clients.through), Host: serve.pid, server: childOf(serve.pid) };
  for (const name of ['direct', 'through'] as const) {
    const { tools } = await clients[name].client.listTools();
    if (!tools.some((t) => t.name === 'echo')) throw new Error(`${name}: no echo tool in ${tools.map((t) => t.name).join(', ')}`);
    const answer = JSON.stringify(await clients[name].client.callTool(ECHO));
    if (!answer.includes(ECHO.arguments.message)) throw new Error(`${name}: echo answered ${answer}`);
    for (let i = 0; i < WARMUP_CALLS; i += 1) await clients[name].client.callTool(ECHO);
    await pool(clients[name].client, WARMUP_CALLS, null);
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(Object.values(clients).map((c) => c.close()));
  if (serve && serve.exitCode === null) {
    const exited = new Promise((r) => serve?.once('exit', r));
    serve.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (serve.exitCode === null) serve.kill('SIGKILL');
  }
  tmp.cleanup();
  if (passes.size > 0 || starts.direct.length > 0) console.log(report());
}, 60_000);

/** `airlock serve --home HOME` in its own process, once its first stdout line says it listens. */
function startServe(): Promise<ChildProcess> {
  const profDir = process.env.AIRLOCK_BENCH_CPU_PROF; // node 20 refuses --cpu-prof in NODE_OPTIONS
  const flags = profDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profDir)}`, '--cpu-prof-interval=200'] : [];
  const child = spawn(process.execPath, [...flags, AIRLOCK_BIN, 'serve', '--home', home], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let listening = false;
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`airlock serve exited ${code} before listening: ${err}`)));
    // Keep reading: the Host logs each session to stdout, and a full pipe would stall it.
    child.stdout.on('data', (chunk: Buffer) => {
      if (listening || !chunk.includes(0x0a)) return;
      listening = true;
      resolve(child);
    });
  });
}

function pidOf(connection: McpConnection<Client>): number | undefined {
  return (connection.client.transport as { pid?: number | null } | undefined)?.pid ?? undefined;
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux; USER_HZ is 100 there). */
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/** The server the Host started for the one session open while calls are measured. */
function childOf(parent: number | undefined): number | undefined {
  if (parent === undefined || !fs.existsSync('/proc')) return undefined;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) return Number(entry);
    } catch {
      // Gone already.
    }
  }
  return undefined;
}

/** Call at the start of a pass; the returned function fills pass.cpuMs at its end. */
function cpuMeter(name: PathName, pass: Pass): () => void {
  const before = Object.fromEntries(PROCS.map((p) => [p, cpuMsOf(pids[name][p])]));
  return () => {
    for (const p of PROCS) {
      const [a, b] = [before[p], cpuMsOf(pids[name][p])];
      if (a !== undefined && b !== undefined) pass.cpuMs[p] = b - a;
    }
  };
}

/** One callTool, timed; the sample is kept when `into` is given. */
async function timedCall(client: Client, into: number[] | null): Promise<void> {
  const started = performance.now();
  await client.callTool(ECHO);
  into?.push(performance.now() - started);
}

/** `total` calls with CONCURRENCY in flight at a time: each worker starts its next call when one returns. */
async function pool(client: Client, total: number, into: number[] | null): Promise<void> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued += 1;
      await timedCall(client, into);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Sequential: each bench iteration is one call; samples and wall time are kept for the measured run only. */
function sequentialBench(name: PathName): void {
  const pass: Pass = { samples: [], calls: 0, wallMs: 0, cpuMs: {} };
  let recording = false;
  let startedAt = 0;
  let stopMeter = (): void => {};
  bench(`${name}: one echo call`, () => timedCall(clients[name].client, recording ? pass.samples : null), {
    iterations: CALLS,
    time: 0,
    warmupIterations: 0,
    warmupTime: 0,
    setup: (_task, mode) => {
      recording = mode === 'run';
      if (recording) stopMeter = cpuMeter(name, pass);
      startedAt = performance.now();
    },
    teardown: (_task, mode) => {
      if (mode !== 'run') return;
      recording = false;
      pass.wallMs = performance.now() - startedAt;
      stopMeter();
      pass.calls = pass.samples.length;
      // tinybench calls the function once more than `iterations` (to see whether it is async): drop that first sample.
      pass.samples.splice(0, pass.samples.length - CALLS);
      passes.set(`sequential/${name}`, pass);
    },
  });
}

/**
 * Concurrent: one bench iteration is the whole pass of CALLS calls, CONCURRENCY in flight
 * (tinybench's extra probing call is one more whole pass, unrecorded: more warm-up).
 */
function concurrentBench(name: PathName): void {
  bench(`${name}: ${CALLS} echo calls, ${CONCURRENCY} in flight`, async () => {
    const pass: Pass = { samples: [], calls: CALLS, wallMs: 0, cpuMs: {} };
    const stopMeter = cpuMeter(name, pass);
    const startedAt = performance.now();
    await pool(clients[name].client, CALLS, pass.samples);
    pass.wallMs = performance.now() - startedAt;
    stopMeter();
    passes.set(`concurrency 16/${name}`, pass);
  }, { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 });
}

/** Spawn → the `initialize` answer on stdout (recorded), then the process is ended and awaited. */
function startToInitialize(name: PathName, into: number[] | null): Promise<void> {
  const [command, args] = name === 'direct' ? [everything.command, everything.args] : [process.execPath, [AIRLOCK_BIN, 'connect', 'everything', '--home', home, '--no-autostart']];
  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'airlock-bench', version: '1.0.0' } } };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    let answered = false;
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('error', reject);
    child.stdin.on('error', () => {});
    child.stdin.write(`${JSON.stringify(initialize)}\n`);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (answered || !out.includes('\n')) return;
      const first = JSON.parse(out.slice(0, out.indexOf('\n'))) as { id?: unknown; result?: unknown };
      if (first.id !== 1 || first.result === undefined) return reject(new Error(`${name}: the first answer was ${out}`));
      answered = true;
      into?.push(performance.now() - started);
      child.stdin.end(); // the client leaves: connect half-closes, the Host ends the server
      if (name === 'direct') child.kill('SIGTERM');
    });
    child.once('exit', () => {
      clearTimeout(kill);
      if (answered) resolve();
      else reject(new Error(`${name}: exited before answering initialize; stdout: ${out}`));
    });
  });
}

function startBench(name: PathName): void {
  let recording = false;
  const label = name === 'direct' ? 'direct: node server-everything' : 'through: airlock connect → Host → server-everything';
  bench(`${label}, spawn → initialize answered (then exit)`, () => startToInitialize(name, recording ? starts[name] : null), {
    iterations: START_RUNS,
    time: 0,
    warmupIterations: 1,
    warmupTime: 0,
    setup: (_task, mode) => void (recording = mode === 'run'),
    teardown: () => void (recording = false),
  });
}

describe(`stdio relay: ${CALLS} sequential echo calls`, () => {
  sequentialBench('direct');
  sequentialBench('through');
});

describe(`stdio relay: ${CALLS} echo calls, ${CONCURRENCY} in flight`, () => {
  concurrentBench('direct');
  concurrentBench('through');
});

describe('server start: spawn → initialize answered', () => {
  startBench('direct');
  startBench('through');
});

// ---- the printed table ----

function quantile(sorted: number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

interface Summary {
  p50: number;
  p99: number;
  callsPerSec: number;
  n: number;
}

function summarize(pass: Pass | undefined): Summary | undefined {
  if (!pass || pass.samples.length === 0) return undefined;
  const sorted = [...pass.samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), callsPerSec: (pass.calls / pass.wallMs) * 1000, n: pass.samples.length };
}

const ms = (x: number): string => `${x.toFixed(3)} ms`;
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

function report(): string {
  const lines = ['', `Stdio relay: direct vs through Airlock (server-everything echo, SDK 1.x client, Node ${process.version})`, ''];
  lines.push('| mode | path | calls | p50 | p99 | calls/s |', '| --- | --- | ---: | ---: | ---: | ---: |');
  const ratios: string[] = [];
  for (const mode of ['sequential', 'concurrency 16'] as Mode[]) {
    const direct = summarize(passes.get(`${mode}/direct`));
    const through = summarize(passes.get(`${mode}/through`));
    for (const [name, s] of [['direct', direct], ['through Airlock', through]] as const) {
      if (s) lines.push(`| ${mode} | ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${Math.round(s.callsPerSec).toLocaleString('en-US')} |`);
    }
    if (direct && through) {
      const added = through.p50 - direct.p50;
      const pct = (through.callsPerSec / direct.callsPerSec) * 100;
      ratios.push(
        `${mode}: added p50 ${ms(added)} (target ≤ ${TARGET.addedP50Ms} ms: ${verdict(added <= TARGET.addedP50Ms)}), ` +
          `throughput through/direct ${pct.toFixed(1)} % (target ≥ ${TARGET.throughputPct} %: ${verdict(pct >= TARGET.throughputPct)}), ` +
          `p99 through/direct ${(through.p99 / direct.p99).toFixed(2)}×`,
      );
    }
  }
  lines.push('', ...ratios);
  if ([...passes.values()].some((p) => Object.keys(p.cpuMs).length > 0)) {
    lines.push('', 'CPU time per call (user + system, µs), by process:', '', `| mode | path | ${PROCS.join(' | ')} | total |`, `| --- | --- |${' ---: |'.repeat(PROCS.length + 1)}`);
    for (const mode of ['sequential', 'concurrency 16'] as Mode[]) {
      for (const name of ['direct', 'through'] as PathName[]) {
        const pass = passes.get(`${mode}/${name}`);
        if (!pass) continue;
        const per = (p: Proc): number | undefined => (pass.cpuMs[p] === undefined ? undefined : (pass.cpuMs[p] / pass.calls) * 1000);
        const cells = PROCS.map((p) => per(p));
        const total = cells.reduce<number>((sum, x) => sum + (x ?? 0), 0);
        lines.push(`| ${mode} | ${name === 'direct' ? 'direct' : 'through Airlock'} | ${cells.map((x) => (x === undefined ? '–' : x.toFixed(0))).join(' | ')} | ${total.toFixed(0)} |`);
      }
    }
  }
  if (starts.direct.length > 0 && starts.through.length > 0) {
    const median = (xs: number[]): number => quantile([...xs].sort((a, b) => a - b), 0.5);
    const [d, t] = [median(starts.direct), median(starts.through)];
    lines.push(
      '',
      `server start, spawn → initialize answered, median of ${START_RUNS}: direct ${d.toFixed(1)} ms, through airlock connect ${t.toFixed(1)} ms, ` +
        `added by connect + Host ${(t - d).toFixed(1)} ms (target ≤ ${TARGET.connectStartMs} ms: ${verdict(t - d <= TARGET.connectStartMs)})`,
    );
  }
  return lines.join('\n');
}
