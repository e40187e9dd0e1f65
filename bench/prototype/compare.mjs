// Issue 15: today's stdio path against the prototypes, in ONE run with alternating rounds, and
// direct as the floor. The same MCP SDK 1.x client calls `echo` on server-everything through:
//   direct            client → server
//   current           client → airlock connect → airlock serve (the real Host) → server;
//                     audit batched by the worker thread every 10 ms: NOT crash-safe (issue 16)
//   durable           client → airlock connect → durable-host.mjs → server: today's design with
//                     the call.decided record committed before the call is forwarded (group
//                     commit per event-loop turn, main thread, WAL synchronous = NORMAL)
//   durable-worker    the same, the commit on a worker thread and awaited
//   durable-journal   the same, the records appended to a journal file (one write, no fsync) before
//                     forwarding, and to the SQLite chain by the worker thread every 10 ms
//   connect-local     client → judging-connect.mjs → server: connect judges and commits to SQLite
//                     itself before forwarding; authority-host.mjs gets Live-view notices
//   connect-host      the same, but connect sends the records to authority-host.mjs, which commits
//                     and answers before connect forwards (the Host stays the only writer)
//   durable-none      floor of today's design: Host relay, gate, call log and events, no audit record
//   connect-none      floor of the judging-connect design: relay and gate in connect, no audit record
//   connect-journal   connect judges, journals the records (one write) before forwarding and
//                     appends them to the SQLite chain itself every 10 ms
// Per round and path: SEQ calls one at a time, then CONC calls with 16 in flight; CPU of each
// process per call from /proc (Linux). Needs dist/ (npm run build:node).
// START=N also times N server starts per path (spawn → the initialize answer), alternated.
//   node bench/prototype/compare.mjs        ROUNDS=4 SEQ=1000 CONC=2000 PATHS=direct,current,… START=10
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const here = path.join(root, 'bench', 'prototype');
const BIN = path.join(root, 'bin', 'airlock.js');
const ROUNDS = Number(process.env.ROUNDS ?? 4);
const SEQ = Number(process.env.SEQ ?? 1000);
const CONC = Number(process.env.CONC ?? 2000);
const IN_FLIGHT = 16;
const ALL = ['direct', 'current', 'durable-none', 'durable', 'durable-worker', 'durable-journal', 'connect-none', 'connect-local', 'connect-host', 'connect-journal'];
const PATHS = (process.env.PATHS ?? ALL.join(',')).split(',');
const ECHO = { name: 'echo', arguments: { message: 'hello through the airlock' } };

const everythingDir = path.join(root, 'node_modules', '@modelcontextprotocol', 'server-everything');
const manifest = JSON.parse(fs.readFileSync(path.join(everythingDir, 'package.json'), 'utf8'));
const everythingBin = path.join(everythingDir, typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0]);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-compare-'));
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const children = [];

function newHome(name) {
  const home = path.join(tmp, name);
  fs.mkdirSync(home, { mode: 0o700 });
  const added = spawnSync(process.execPath, [BIN, 'servers', 'add', 'everything', '--home', home, '--approve', '--', process.execPath, everythingBin, 'stdio'], { env, encoding: 'utf8' });
  if (added.status !== 0) throw new Error(`airlock servers add failed: ${added.stderr}`);
  return home;
}

/** A long-running process, once its first stdout line (it listens). */
async function daemon(args, extraEnv = {}) {
  const child = spawn(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
  child.stdout.resume();
  return child;
}

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

function cpuMs(pid) {
  if (pid === undefined) return undefined;
  if (pid === process.pid) {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function connectClient(command, args, extraEnv = {}) {
  const client = new Client({ name: 'airlock-compare', version: '1' });
  const transport = new StdioClientTransport({ command, args, env: { ...env, ...extraEnv } });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

const paths = {};
const commands = {};
const START = Number(process.env.START ?? 0);

/** Spawn → the initialize answer on stdout, in ms; then the client leaves (stdin ends) and the process is awaited. */
function startToInitialize({ command, args, extraEnv }) {
  const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'airlock-compare', version: '1' } } };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    let took;
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdin.on('error', () => {});
    child.stdin.write(`${JSON.stringify(initialize)}\n`);
    child.stdout.on('data', (chunk) => {
      out += chunk.toString('utf8');
      if (took !== undefined || !out.includes('\n')) return;
      took = performance.now() - started;
      child.stdin.end();
      if (command === process.execPath && args[0] === everythingBin) child.kill('SIGTERM');
    });
    child.once('exit', () => {
      clearTimeout(kill);
      if (took !== undefined) resolve(took);
      else reject(new Error(`exited before answering initialize: ${out}`));
    });
  });
}
async function setUp(name) {
  if (name === 'direct') {
    commands[name] = { command: process.execPath, args: [everythingBin, 'stdio'] };
    const c = await connectClient(process.execPath, [everythingBin, 'stdio']);
    return { ...c, procs: { client: process.pid, server: c.pid } };
  }
  if (name === 'current' || name.startsWith('durable')) {
    const home = newHome(name);
    const prof = process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.PROF, name)}`, '--cpu-prof-interval=200'] : [];
    const host = name === 'current' ? await daemon([...prof, BIN, 'serve', '--home', home]) : await daemon([...prof, path.join(here, 'durable-host.mjs'), home], { AUDIT: name.slice('durable-'.length) || 'main' });
    commands[name] = { command: process.execPath, args: [BIN, 'connect', 'everything', '--home', home, '--no-autostart'] };
    const c = await connectClient(process.execPath, [BIN, 'connect', 'everything', '--home', home, '--no-autostart']);
    return { ...c, procs: { client: process.pid, connect: c.pid, Host: host.pid, server: childOf(host.pid) } };
  }
  const home = newHome(name);
  const socket = path.join(tmp, `${name}.sock`);
  const host = await daemon([path.join(here, 'authority-host.mjs'), home, socket]);
  commands[name] = { command: process.execPath, args: [path.join(here, 'judging-connect.mjs'), home, 'everything', socket], extraEnv: { AUDIT: name.slice('connect-'.length) } };
  // PROF=DIR: a --cpu-prof of each judging connect and of each Host (written when they exit).
  const prof = process.env.PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.PROF, name)}`, '--cpu-prof-interval=200'] : [];
  const c = await connectClient(process.execPath, [...prof, path.join(here, 'judging-connect.mjs'), home, 'everything', socket], { AUDIT: name.slice('connect-'.length) });
  return { ...c, procs: { client: process.pid, connect: c.pid, Host: host.pid, server: childOf(c.pid) } };
}

async function pass(p, total, inFlight) {
  const before = Object.fromEntries(Object.entries(p.procs).map(([k, pid]) => [k, cpuMs(pid)]));
  const samples = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (issued < total) {
      issued += 1;
      const t = performance.now();
      await p.client.callTool(ECHO);
      samples.push(performance.now() - t);
    }
  }));
  const wallMs = performance.now() - started;
  const cpu = Object.fromEntries(Object.entries(p.procs).map(([k, pid]) => [k, ((cpuMs(pid) - before[k]) * 1000) / total]));
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length / 2)], p99: samples[Math.ceil(samples.length * 0.99) - 1], perSec: (total / wallMs) * 1000, cpu };
}

const results = {};
const loads = [];
try {
  for (const name of PATHS) {
    paths[name] = await setUp(name);
    const answer = JSON.stringify(await paths[name].client.callTool(ECHO));
    if (!answer.includes(ECHO.arguments.message)) throw new Error(`${name}: echo answered ${answer}`);
    for (let i = 0; i < 300; i += 1) await paths[name].client.callTool(ECHO);
    await pass(paths[name], 600, IN_FLIGHT);
    results[name] = { seq: [], conc: [] };
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    loads.push(os.loadavg()[0]);
    // Rotate the order each round so no path always runs first or last.
    const order = PATHS.map((_, i) => PATHS[(i + round) % PATHS.length]);
    for (const name of order) results[name].seq.push(await pass(paths[name], SEQ, 1));
    for (const name of order) results[name].conc.push(await pass(paths[name], CONC, IN_FLIGHT));
    const line = PATHS.map((n) => `${n} ${results[n].seq.at(-1).p50.toFixed(3)} ms / ${Math.round(results[n].conc.at(-1).perSec)}/s`).join(' | ');
    console.error(`round ${round} (load ${os.loadavg()[0].toFixed(2)}): ${line}`);
  }
  for (let i = 0; i < START; i += 1) {
    for (const name of PATHS) {
      if (name !== 'direct' && name !== 'current' && name !== 'connect-local') continue;
      (results[name].start ??= []).push(await startToInitialize(commands[name]));
    }
  }
} finally {
  for (const p of Object.values(paths)) await p.client.close().catch(() => {});
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  fs.rmSync(tmp, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const d = results.direct;
console.log(`\nIssue 15 comparison: ${ROUNDS} alternating rounds of ${SEQ} sequential + ${CONC} calls at ${IN_FLIGHT} in flight (Node ${process.version}, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}); medians of the rounds' figures\n`);
console.log('| path | seq p50 | added p50 | seq p99 | seq calls/s | c16 p50 | c16 calls/s | c16 % of direct |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const name of PATHS) {
  const r = results[name];
  const sp50 = median(r.seq.map((x) => x.p50));
  const added = d ? median(r.seq.map((x, i) => x.p50 - d.seq[i].p50)) : NaN;
  const pct = d ? median(r.conc.map((x, i) => (x.perSec / d.conc[i].perSec) * 100)) : NaN;
  console.log(`| ${name} | ${sp50.toFixed(3)} ms | ${name === 'direct' ? '–' : `${added.toFixed(3)} ms`} | ${median(r.seq.map((x) => x.p99)).toFixed(2)} ms | ${Math.round(median(r.seq.map((x) => x.perSec)))} | ${median(r.conc.map((x) => x.p50)).toFixed(3)} ms | ${Math.round(median(r.conc.map((x) => x.perSec)))} | ${name === 'direct' ? '100 %' : `${pct.toFixed(1)} %`} |`);
}
if (START > 0) {
  console.log(`\nServer start, spawn → initialize answered, median of ${START} (alternated):`);
  for (const name of PATHS) if (results[name].start) console.log(`  ${name}: ${median(results[name].start).toFixed(1)} ms${d?.start ? ` (added ${(median(results[name].start) - median(d.start)).toFixed(1)} ms)` : ''}`);
}
for (const mode of ['seq', 'conc']) {
  console.log(`\nCPU per call, ${mode === 'seq' ? 'sequential' : `${IN_FLIGHT} in flight`} (user + system, µs, median of rounds):\n\n| path | client | connect | Host | server | total |\n| --- | ---: | ---: | ---: | ---: | ---: |`);
  for (const name of PATHS) {
    const cell = (k) => {
      const xs = results[name][mode].map((x) => x.cpu[k]).filter((x) => x !== undefined);
      return xs.length ? median(xs) : undefined;
    };
    const cells = ['client', 'connect', 'Host', 'server'].map(cell);
    const total = cells.reduce((s, x) => s + (x ?? 0), 0);
    console.log(`| ${name} | ${cells.map((x) => (x === undefined ? '–' : x.toFixed(0))).join(' | ')} | ${total.toFixed(0)} |`);
  }
}
