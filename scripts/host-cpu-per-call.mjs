// Host CPU per sequential call, split by thread (the Host's main thread and its audit worker),
// read from /proc/PID/task/*/stat (Linux). Starts a real `airlock serve` on a temp home with
// server-everything added and approved, drives N echo calls through `airlock connect` with the
// MCP SDK 1.x client, ROUNDS times after 500 warm-up calls. Needs dist/ (npm run build:node).
//   node scripts/host-cpu-per-call.mjs              N=2000 ROUNDS=2 by default
//   PROF=/tmp/prof node scripts/host-cpu-per-call.mjs   also writes a --cpu-prof of the Host
//   CONNECT_PROF=/tmp/cprof …                           and of `airlock connect`
// ROOT=<another checkout with dist/> measures that build with this driver, for before/after runs.
// Also printed: the CPU of `airlock connect`, the server and this client per call. STRACE=1 counts
// the Host's system calls (all threads) over the last round with `strace -c -f` (slows it down: the
// counts are what to read, not that round's timings).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const here = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const ROOT = path.resolve(process.env.ROOT ?? here);
const BIN = path.join(ROOT, 'bin', 'airlock.js');
const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const ECHO = { name: 'echo', arguments: { message: 'hello through the airlock' } };

const everythingDir = path.join(here, 'node_modules', '@modelcontextprotocol', 'server-everything');
const manifest = JSON.parse(fs.readFileSync(path.join(everythingDir, 'package.json'), 'utf8'));
const everythingBin = path.join(everythingDir, typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0]);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-host-cpu-'));
const home = path.join(tmp, 'home');
fs.mkdirSync(home, { mode: 0o700 });
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const added = spawnSync(process.execPath, [BIN, 'servers', 'add', 'everything', '--home', home, '--approve', '--', process.execPath, everythingBin, 'stdio'], { env, encoding: 'utf8' });
if (added.status !== 0) throw new Error(`airlock servers add failed: ${added.stderr}`);

const prof = process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.PROF)}`, '--cpu-prof-interval=100'] : [];
const serve = spawn(process.execPath, [...prof, BIN, 'serve', '--home', home], { env, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => serve.stdout.once('data', resolve));
serve.stdout.resume(); // the Host logs each session; a full pipe would stall it

const client = new Client({ name: 'host-cpu-per-call', version: '1' });
// CONNECT_PROF=DIR: a --cpu-prof of `airlock connect` too (written when it exits).
const connectProf = process.env.CONNECT_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.CONNECT_PROF)}`, '--cpu-prof-interval=100'] : [];
const transport = new StdioClientTransport({ command: process.execPath, args: [...connectProf, BIN, 'connect', 'everything', '--home', home, '--no-autostart'], env });
await client.connect(transport);
const connectPid = transport.pid;

/** The server the Host started (its child in a process group of its own). */
function childOf(parent) {
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

/** CPU ms (user + system) of a whole process. */
function processCpuMs(pid) {
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU ms (user + system) of each thread of a process; USER_HZ is 100 on Linux. */
function threadCpuMs(pid) {
  const out = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(tid, { name, ms: (Number(fields[11]) + Number(fields[12])) * 10 });
  }
  return out;
}

try {
  for (let i = 0; i < 500; i += 1) await client.callTool(ECHO);
  const others = { client: process.pid, connect: connectPid, server: childOf(serve.pid) };
  for (let round = 0; round < ROUNDS; round += 1) {
    let strace;
    if (process.env.STRACE && round === ROUNDS - 1) {
      strace = spawn('strace', ['-c', '-f', '-p', String(serve.pid)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let out = '';
      strace.stderr.on('data', (chunk) => (out += chunk));
      strace.done = new Promise((resolve) => strace.once('exit', () => resolve(out)));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const othersBefore = Object.fromEntries(Object.entries(others).map(([k, pid]) => [k, processCpuMs(pid)]));
    const before = threadCpuMs(serve.pid);
    const latencies = [];
    const start = performance.now();
    for (let i = 0; i < N; i += 1) {
      const t = performance.now();
      await client.callTool(ECHO);
      latencies.push(performance.now() - t);
    }
    const wallMs = performance.now() - start;
    const byThread = {};
    let total = 0;
    for (const [tid, { name, ms }] of threadCpuMs(serve.pid)) {
      const spent = ms - (before.get(tid)?.ms ?? 0);
      total += spent;
      // The audit worker shows as "node"; V8 and libuv helpers by their own names.
      if (spent > 0) byThread[name] = (byThread[name] ?? 0) + Math.round((spent * 1000) / N);
    }
    const perProcess = Object.fromEntries(Object.entries(others).map(([k, pid]) => [k, Math.round(((processCpuMs(pid) - othersBefore[k]) * 1000) / N)]));
    latencies.sort((a, b) => a - b);
    console.log(`round ${round}: ${N} calls, p50 ${latencies[N >> 1].toFixed(3)} ms, ${Math.round((N / wallMs) * 1000)} calls/s, Host CPU ${Math.round((total * 1000) / N)} µs/call`, byThread, 'others µs/call', perProcess);
    if (strace) {
      strace.kill('SIGINT');
      const table = await strace.done;
      console.log(`Host system calls over round ${round} (${N} calls), per call:`);
      for (const line of table.split('\n')) {
        const m = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
        if (m && Number(m[1]) / N >= 0.01) console.log(`  ${m[2].padEnd(16)} ${(Number(m[1]) / N).toFixed(2)}`);
      }
    }
  }
} finally {
  await client.close();
  serve.kill('SIGTERM');
  await new Promise((resolve) => serve.once('exit', resolve));
  fs.rmSync(tmp, { recursive: true, force: true });
}
