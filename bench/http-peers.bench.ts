import os from 'node:os';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { runCli } from '../test/support/run-cli.js';
import { makeTempDir } from '../test/support/temp-dir.js';
import { StreamableHttpClient } from './http-peers/streamable-http-client.js';
import { startTarget, type RunningTarget, type TargetName } from './http-peers/targets.js';
import { cpuMsOf } from './support/proc-stats.js';
import { ms, quantile, verdict } from './support/latency-table.js';

/**
 * Airlock's Streamable HTTP endpoint against the relays people use for the same job (issue 15):
 * one hand-written keep-alive HTTP client (`http-peers/streamable-http-client.ts`, the same code
 * for every target) calls server-everything's `echo` directly (its own `streamableHttp` mode: the
 * floor), behind supergateway, behind mcp-proxy and behind `airlock serve --mcp-port`, each in its
 * own processes on 127.0.0.1. Added latency = target − direct. Sequential rounds interleave the
 * targets call by call (direct, supergateway, …, in an order rotated each round), so a moment of
 * noise on the shared machine falls on all of them alike; calls/s there is 1 / mean latency.
 * Rounds of CONCURRENT_CALLS with 16 in flight alternate between the targets, rotated likewise.
 * CPU per call is read from /proc for each process (Linux).
 *
 * Airlock joins once `airlock serve --help` offers --mcp-port; AIRLOCK_BENCH_HTTP_TARGETS=direct,mcp-proxy
 * picks targets.
 */

const ROUNDS = 8;
const SEQUENTIAL_CALLS = 250;
const CONCURRENT_CALLS = 1_000;
const WARMUP_CALLS = 300;
const CONCURRENCY = 16;
const GOAL = { addedVsBestPeer: 0.5 };
const ECHO = { name: 'echo', arguments: { message: 'hello through the airlock' } };

type Mode = 'sequential' | 'concurrency 16';
const MODES: Mode[] = ['sequential', 'concurrency 16'];
interface Pass {
  samples: number[];
  wallMs: number;
  /** CPU ms in the pass: this process (the client), the relay, the server. */
  cpu: { client?: number; relay?: number; server?: number };
}

const airlockServes = runCli(['serve', '--help']).stdout.includes('--mcp-port');
const requested = process.env.AIRLOCK_BENCH_HTTP_TARGETS?.split(',') as TargetName[] | undefined;
const TARGETS: TargetName[] = (requested ?? ['direct', 'supergateway', 'mcp-proxy', 'airlock']).filter((t) => t !== 'airlock' || airlockServes);
const PEERS = TARGETS.filter((t) => t === 'supergateway' || t === 'mcp-proxy');

const tmp = makeTempDir('airlock-bench-http-');
const running = new Map<TargetName, RunningTarget>();
const clients = new Map<TargetName, StreamableHttpClient>();
/** passes[mode][target][round] */
const passes = new Map<string, Pass>();
const loadAverages: number[][] = [];

beforeAll(async () => {
  loadAverages.push(os.loadavg());
  for (const name of TARGETS) {
    const target = await startTarget(name, tmp.dir);
    running.set(name, target);
    const client = new StreamableHttpClient(target.url, target.headers);
    await client.initialize();
    clients.set(name, client);
    const { result } = await client.request('tools/list');
    const tools = (result as { tools?: { name: string }[] }).tools ?? [];
    if (!tools.some((t) => t.name === 'echo')) throw new Error(`${name}: no echo tool in ${tools.map((t) => t.name).join(', ')}`);
    const answer = JSON.stringify(await client.request('tools/call', ECHO));
    if (!answer.includes(ECHO.arguments.message)) throw new Error(`${name}: echo answered ${answer}`);
    for (let i = 0; i < WARMUP_CALLS; i += 1) await client.request('tools/call', ECHO);
    await pool(client, WARMUP_CALLS * 2, []);
  }
}, 180_000);

afterAll(async () => {
  loadAverages.push(os.loadavg());
  await Promise.allSettled([...clients.values()].map((c) => c.close()));
  await Promise.allSettled([...running.values()].map((t) => t.stop()));
  tmp.cleanup();
  if (passes.size > 0) console.log(report());
}, 60_000);

async function timedCall(client: StreamableHttpClient, into: number[]): Promise<void> {
  const started = performance.now();
  const answer = await client.request('tools/call', ECHO);
  into.push(performance.now() - started);
  if (answer.error) throw new Error(`echo failed: ${answer.error.message}`);
}

async function pool(client: StreamableHttpClient, total: number, into: number[]): Promise<void> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued += 1;
      await timedCall(client, into);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

function cpuReadings(name: TargetName): () => Pass['cpu'] {
  const target = running.get(name);
  const pids = { client: process.pid, relay: target?.relayPid, server: target?.serverPid() };
  const before = { client: cpuMsOf(pids.client), relay: cpuMsOf(pids.relay), server: cpuMsOf(pids.server) };
  return () => {
    const spent: Pass['cpu'] = {};
    for (const proc of ['client', 'relay', 'server'] as const) {
      const [a, b] = [before[proc], cpuMsOf(pids[proc])];
      if (a !== undefined && b !== undefined) spent[proc] = b - a;
    }
    return spent;
  };
}

function clientOf(name: TargetName): StreamableHttpClient {
  const client = clients.get(name);
  if (!client) throw new Error(`${name} did not start`);
  return client;
}

/**
 * One sequential round: SEQUENTIAL_CALLS calls to each target, interleaved call by call. Wall time
 * is the sum of a target's own latencies; the client's CPU, shared by all, is not split.
 * tinybench runs it twice (a probe, then the run): the last one is kept.
 */
async function sequentialRound(order: TargetName[], round: number): Promise<void> {
  const got = new Map(order.map((name) => [name, { samples: [] as number[], stop: cpuReadings(name) }]));
  for (let i = 0; i < SEQUENTIAL_CALLS; i += 1) {
    for (const name of order) await timedCall(clientOf(name), got.get(name)?.samples ?? []);
  }
  for (const [name, { samples, stop }] of got) {
    const { relay, server } = stop();
    passes.set(`sequential/${name}/${round}`, { samples, wallMs: samples.reduce((a, b) => a + b, 0), cpu: { relay, server } });
  }
}

/** One target's pass of CONCURRENT_CALLS with 16 in flight. */
async function concurrentPass(name: TargetName, round: number): Promise<void> {
  const stop = cpuReadings(name);
  const pass: Pass = { samples: [], wallMs: 0, cpu: {} };
  const startedAt = performance.now();
  await pool(clientOf(name), CONCURRENT_CALLS, pass.samples);
  pass.wallMs = performance.now() - startedAt;
  pass.cpu = stop();
  passes.set(`concurrency 16/${name}/${round}`, pass);
}

const once = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };
const rotated = (round: number): TargetName[] => TARGETS.map((_, i) => TARGETS[(i + round) % TARGETS.length] as TargetName);
describe(`HTTP relays, sequential: ${SEQUENTIAL_CALLS} echo calls a target a round, interleaved call by call`, () => {
  for (let round = 0; round < ROUNDS; round += 1) bench(`round ${round + 1}: ${rotated(round).join(', ')}`, () => sequentialRound(rotated(round), round), once);
});
describe(`HTTP relays, ${CONCURRENCY} in flight: ${CONCURRENT_CALLS} echo calls a round, targets alternated`, () => {
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of rotated(round)) bench(`round ${round + 1}: ${name}`, () => concurrentPass(name, round), once);
  }
});

// ---- the printed tables ----

interface Summary {
  p50: number;
  p99: number;
  callsPerSec: number;
  n: number;
  /** CPU µs per call by process. */
  cpuUs: { client?: number; relay?: number; server?: number };
}

function summarize(mode: Mode, name: TargetName, rounds: number[] = [...Array(ROUNDS).keys()]): Summary | undefined {
  const got = rounds.map((r) => passes.get(`${mode}/${name}/${r}`)).filter((p): p is Pass => p !== undefined);
  if (got.length === 0) return undefined;
  const sorted = got.flatMap((p) => p.samples).sort((a, b) => a - b);
  const wallMs = got.reduce((s, p) => s + p.wallMs, 0);
  const cpuUs: Summary['cpuUs'] = {};
  for (const proc of ['client', 'relay', 'server'] as const) {
    if (got.every((p) => p.cpu[proc] !== undefined)) cpuUs[proc] = (got.reduce((s, p) => s + (p.cpu[proc] ?? 0), 0) / sorted.length) * 1000;
  }
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), callsPerSec: (sorted.length / wallMs) * 1000, n: sorted.length, cpuUs };
}

function report(): string {
  const load = loadAverages.map((l) => l.map((x) => x.toFixed(2)).join(' ')).join(' → ');
  const lines = ['', `HTTP relays side by side: server-everything echo over Streamable HTTP, one raw keep-alive client (Node ${process.version}, load average ${load})`, ''];
  for (const name of TARGETS) lines.push(`${name}: ${running.get(name)?.url ?? '?'} listening on ${running.get(name)?.listening.join(', ') || '?'}`);
  lines.push('', '| mode | target | calls | p50 | p99 | added p50 | calls/s | CPU µs/call: client | relay | server |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const cell = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(0));
  for (const mode of MODES) {
    const direct = summarize(mode, 'direct');
    for (const name of TARGETS) {
      const s = summarize(mode, name);
      if (!s) continue;
      const added = direct && name !== 'direct' ? ms(s.p50 - direct.p50) : '–';
      lines.push(`| ${mode} | ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p99)} | ${added} | ${Math.round(s.callsPerSec).toLocaleString('en-US')} | ${cell(s.cpuUs.client)} | ${cell(s.cpuUs.relay)} | ${cell(s.cpuUs.server)} |`);
    }
  }
  if (TARGETS.includes('airlock') && TARGETS.includes('direct') && PEERS.length > 0) {
    lines.push(
      '',
      '| mode | Airlock added p50 / best peer added p50 (goal ≤ 0.5) | per round (median; range) | Airlock p50 / best peer p50 | Airlock calls/s / best peer calls/s (goal > 1) | per round (median; range) | relay CPU per call, Airlock / best peer |',
      '| --- | ---: | --- | ---: | ---: | --- | ---: |',
    );
    for (const mode of MODES) {
      const ratios = (rounds?: number[]): { latency: number; p50: number; throughput: number; cpu: number } | undefined => {
        const [d, a] = [summarize(mode, 'direct', rounds), summarize(mode, 'airlock', rounds)];
        const peers = PEERS.map((p) => summarize(mode, p, rounds)).filter((s): s is Summary => s !== undefined);
        if (!d || !a || peers.length === 0) return undefined;
        const bestAdded = Math.min(...peers.map((p) => p.p50 - d.p50));
        return {
          // Under load a relay can answer faster than direct (two processes share the work): then no peer adds latency to halve.
          latency: bestAdded > 0 ? (a.p50 - d.p50) / bestAdded : NaN,
          p50: a.p50 / Math.min(...peers.map((p) => p.p50)),
          throughput: a.callsPerSec / Math.max(...peers.map((p) => p.callsPerSec)),
          cpu: (a.cpuUs.relay ?? NaN) / Math.min(...peers.map((p) => p.cpuUs.relay ?? NaN)),
        };
      };
      const all = ratios();
      if (!all) continue;
      const perRound = [...Array(ROUNDS).keys()].map((r) => ratios([r])).filter((x) => x !== undefined);
      const spread = (xs: number[]): string => {
        const ok = xs.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
        return ok.length === 0 ? '–' : `${quantile(ok, 0.5).toFixed(2)}; ${ok[0]?.toFixed(2)}–${ok.at(-1)?.toFixed(2)}${ok.length < xs.length ? ` (${xs.length - ok.length} rounds n/a)` : ''}`;
      };
      const latency = Number.isNaN(all.latency) ? 'n/a: a peer answered faster than direct' : `${all.latency.toFixed(2)} (${verdict(all.latency <= GOAL.addedVsBestPeer)})`;
      lines.push(
        `| ${mode} | ${latency} | ${spread(perRound.map((x) => x.latency))} | ${all.p50.toFixed(2)} | ` +
          `${all.throughput.toFixed(2)} (${verdict(all.throughput > 1)}) | ${spread(perRound.map((x) => x.throughput))} | ${all.cpu.toFixed(2)} |`,
      );
    }
  } else if (!airlockServes) {
    lines.push('', 'Airlock: not measured (`airlock serve --help` offers no --mcp-port in this build).');
  }
  return lines.join('\n');
}
