// Issue 16's load proof: many MCP clients at once through one real `airlock serve`, each making
// sequential `echo` calls to @modelcontextprotocol/server-everything (one upstream process per
// session, as in use): most through `airlock connect` over stdio, some over the Host's Streamable
// HTTP endpoint with a client token. Every answer must carry its own unique message back, every
// call must have exactly one call.decided ALLOW record in the audit log (matched by the hash of
// its arguments), `airlock audit verify` must pass, and the Host's memory (its own process alone,
// from /proc/PID/status) is read idle, at its peak and after every session has closed and it settled.
// Needs dist/ (npm run build:node).
//   node scripts/load-soak.mjs               50 clients (10 of them over HTTP) × 1,000 calls
//   node scripts/load-soak.mjs --quick       5 clients (1 over HTTP, one started every 250 ms) × 50 calls, for the test
//   --clients N --http N --calls N --rounds N (the same load again, memory read after each)
//   --ramp MS (start one client every MS instead of all at once; the calls still start together)
//   --settle SECONDS --json --heap-snapshots DIR (writes the Host's V8 heap at idle, warm and after
//   the run to DIR, for a leak hunt; a snapshot forces a full GC first and grows the Host's RSS)
//   --gc (the Host runs with --inspect=127.0.0.1:0: its V8 heap in use is read at each step, and a
//   full GC of each isolate is forced after each round, to tell garbage not yet collected from memory kept)
// test/scripts/load-soak.test.ts runs --quick --json. Exits 1 on any call not answered with its
// own message, any record missing or duplicated, or a log that does not verify; memory is reported.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BIN, childrenOf, cli, env, everythingCommand, inspectorSession, isMain, root, startHost, workerSessions } from './soak-support.mjs';

const SERVER = 'everything';
// "Back to idle": the Host's settled RSS after the run within this much of its idle RSS (whichever is larger).
const BACK_MARGIN = { ratio: 0.1, kb: 15 * 1024 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Host's memory from /proc/PID/status, in kB: resident now, its high-water mark, and the anonymous part (heaps). */
export function hostMemory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon') };
}

/**
 * Polls the Host's RSS every second until it has not reached a new low for `quietS` seconds, or
 * `maxS` have passed. Returns the last reading (and the lowest seen) and how long it took.
 */
async function settle(pid, { maxS, quietS = 5 }) {
  const start = Date.now();
  let low = hostMemory(pid);
  let last = low;
  let lowAt = start;
  while (Date.now() - start < maxS * 1000 && Date.now() - lowAt < quietS * 1000) {
    await sleep(1000);
    last = hostMemory(pid);
    if (last.rss < low.rss) [low, lowAt] = [last, Date.now()];
  }
  return { ...last, lowest: low.rss, seconds: Math.round((Date.now() - start) / 1000) };
}

/** Waits until the Host has no child process left (every session's upstream ended), up to `maxMs`. */
async function sessionsGone(pid, maxMs) {
  const start = Date.now();
  while (childrenOf(pid).length > 0 && Date.now() - start < maxMs) await sleep(250);
  return childrenOf(pid).length;
}

/** An SDK 1.x client through `airlock connect` (stdio) or the HTTP endpoint with a bearer token. */
function openClient(kind, index, { home, mcpUrl, token }) {
  const client = new Client({ name: `load-soak-${kind}-${index}`, version: '1.0.0' });
  const transport =
    kind === 'stdio'
      ? new StdioClientTransport({ command: process.execPath, args: [BIN, 'connect', SERVER, '--home', home, '--no-autostart'], env, stderr: 'ignore' })
      : new StreamableHTTPClientTransport(new URL(`${mcpUrl}/${SERVER}`), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  return { client, transport };
}

/**
 * One client's whole life: connect, wait for every other client (`ready`), then `calls`
 * sequential echo calls, each with a message no other call uses, checked against its answer.
 */
async function runClient(kind, index, calls, where, arrived, ready, result) {
  const { client, transport } = openClient(kind, index, where);
  try {
    // Fifty servers starting at once on two cores take a while: the first answer may be slow.
    await client.connect(transport, { timeout: 180_000 });
    result.connected += 1;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  } finally {
    arrived();
  }
  await ready;
  for (let n = 0; n < calls; n += 1) {
    const message = `${kind}-${index}-${n}-${Math.random().toString(36).slice(2, 10)}`;
    result.sent.push(message);
    const t = performance.now();
    try {
      const answer = await client.callTool({ name: 'echo', arguments: { message } }, undefined, { timeout: 60_000 });
      result.latencies.push(performance.now() - t);
      if (answer.content?.[0]?.text === `Echo: ${message}` && !answer.isError) result.answered += 1;
      else {
        result.mismatched += 1;
        if (result.examples.length < 5) result.examples.push(`${message} → ${JSON.stringify(answer).slice(0, 200)}`);
      }
    } catch (error) {
      result.errors += 1;
      if (result.examples.length < 5) result.examples.push(`${message} → ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  // An HTTP client ends its session explicitly (DELETE), as a well-behaved one does.
  if (kind === 'http') await transport.terminateSession().catch(() => undefined);
  await client.close().catch(() => undefined);
}

const kindsOf = (clients, http) => Array.from({ length: clients }, (_, i) => (i < clients - http ? 'stdio' : 'http'));

/**
 * One round: a client of each `kinds` connects (all at once, or one every `rampMs`), then all start
 * calling at the same moment, `calls` each. Every message sent is added to `sent`. The Host's RSS is sampled every 500 ms.
 */
async function loadRound(hostPid, kinds, calls, where, tag, sent, { rampMs = 0, log = () => {} } = {}) {
  const result = { connected: 0, answered: 0, mismatched: 0, errors: 0, sent: [], latencies: [], examples: [] };
  let peak = hostMemory(hostPid).rss;
  const sampler = setInterval(() => (peak = Math.max(peak, hostMemory(hostPid).rss)), 500);
  let go;
  const ready = new Promise((resolve) => (go = resolve));
  let arrivals = 0;
  let allArrived;
  const everyoneArrived = new Promise((resolve) => (allArrived = resolve));
  const arrived = () => (arrivals += 1) === kinds.length && allArrived();
  const connectStart = performance.now();
  const runs = kinds.map((kind, i) => sleep(i * rampMs).then(() => runClient(kind, `${tag}-${i}`, calls, where, arrived, ready, result)).catch((error) => error));
  await everyoneArrived;
  const connectS = (performance.now() - connectStart) / 1000;
  log(`${result.connected} of ${kinds.length} clients connected in ${round(connectS, 1)} s; calling`);
  const callStart = performance.now();
  go();
  const outcomes = await Promise.all(runs);
  const wallS = (performance.now() - callStart) / 1000;
  clearInterval(sampler);
  sent.push(...result.sent);
  return { ...result, sent: result.sent.length, connectS, wallS, peak, clientFailures: outcomes.filter((r) => r instanceof Error).map((e) => e.message) };
}

const percentile = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]);
const round = (x, digits = 3) => Number(x.toFixed(digits));
const mb = (kb) => round(kb / 1024, 1);

/** Counts the call.decided records of echo by decision, and each ALLOW by its arguments' hash. */
async function auditCounts(home, sentMessages) {
  const { canonicalDigest } = await import(path.join(root, 'dist', 'engine', 'canonical-json.js'));
  const db = new Database(path.join(home, 'airlock.db'), { readonly: true });
  const allowed = new Map();
  const decisions = {};
  const via = {};
  let finished = 0;
  for (const { type, body } of db.prepare("SELECT type, body FROM audit_events WHERE type IN ('call.decided', 'call.finished') AND tool = 'echo'").iterate()) {
    if (type === 'call.finished') {
      finished += 1;
      continue;
    }
    const e = JSON.parse(body);
    decisions[e.decision] = (decisions[e.decision] ?? 0) + 1;
    if (e.decision !== 'ALLOW') continue;
    allowed.set(e.argsHash, (allowed.get(e.argsHash) ?? 0) + 1);
    const by = String(e.detail?.via ?? 'none').split(' ')[0];
    via[by] = (via[by] ?? 0) + 1;
  }
  const events = db.prepare('SELECT count(*) AS n FROM audit_events').get().n;
  db.close();
  let missing = 0;
  let duplicated = 0;
  for (const message of sentMessages) {
    const n = allowed.get(canonicalDigest({ message })) ?? 0;
    if (n === 0) missing += 1;
    if (n > 1) duplicated += 1;
  }
  return { allowRecords: [...allowed.values()].reduce((a, b) => a + b, 0), decisions, via, finished, events, missing, duplicated };
}

export async function runLoadSoak({ clients = 50, http = 10, calls = 1000, rounds: roundCount = 1, rampMs = 0, settleS = 60, heapSnapshots, gc = false, log = () => {} } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-load-soak-'));
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  const loadavg = { before: fs.readFileSync('/proc/loadavg', 'utf8').trim() };
  cli(['servers', 'add', SERVER, '--home', home, '--approve', '--', ...everythingCommand()]);
  const token = http > 0 ? cli(['clients', 'token', 'load-soak', '--home', home]).trim() : '';
  const snapshotDir = heapSnapshots ? path.resolve(heapSnapshots) : undefined;
  if (snapshotDir) fs.mkdirSync(snapshotDir, { recursive: true });
  const started = await startHost(home, {
    args: ['--no-watch-clients', '--mcp-port', '0'],
    nodeArgs: [...(snapshotDir ? ['--heapsnapshot-signal=SIGUSR2'] : []), ...(gc ? ['--inspect=127.0.0.1:0'] : [])],
    cwd: snapshotDir,
    ready: (out) => /MCP endpoint for HTTP clients on (\S+)\/SERVER/.test(out),
  });
  const { host, exited } = started;
  // The Host logs a line per session it opened (after its hello reply): counted, to tell a client
  // that gave up waiting for that reply from a Host that never sent it.
  let opened = 0;
  let partial = '';
  host.stdout.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    opened += lines.filter((l) => l.includes(': a client connected to ')).length;
  });
  try {
    const mcpUrl = /MCP endpoint for HTTP clients on (\S+)\/SERVER/.exec(started.stdout)[1];
    // --gc: each isolate's V8 heap in use at each step, and a forced full GC of all after each round.
    const inspector = gc ? await inspectorSession(/ws:\/\/\S+/.exec(started.stderr())[0]) : undefined;
    const workers = inspector ? await workerSessions(inspector) : [];
    // MB of V8 heap in use: the main thread's, then each worker's (the audit worker).
    const heapUsed = async () => (inspector ? Promise.all([inspector, ...workers].map(async (s) => mb((await s.send('Runtime.getHeapUsage')).usedSize / 1024))) : null);
    /** A full GC of every isolate, then the Host's RSS and heaps (--gc only). */
    const collect = async () => {
      await Promise.all([inspector, ...workers].map((s) => s.send('HeapProfiler.collectGarbage')));
      await sleep(2000);
      return { ...hostMemory(host.pid), heap: await heapUsed() };
    };
    const snapshot = async (label) => {
      if (!snapshotDir) return;
      const before = new Set(fs.readdirSync(snapshotDir));
      host.kill('SIGUSR2');
      // The file appears when V8 starts writing it; it is complete once its size stops changing.
      let file;
      for (let i = 0; i < 600 && !file; i += 1, await sleep(100)) file = fs.readdirSync(snapshotDir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
      for (let size = -1; file && size !== fs.statSync(path.join(snapshotDir, file)).size; await sleep(1000)) size = fs.statSync(path.join(snapshotDir, file)).size;
      if (file) fs.renameSync(path.join(snapshotDir, file), path.join(snapshotDir, `${label}.heapsnapshot`));
      log(`heap snapshot (${label}) in ${snapshotDir}`);
    };

    const idle = await settle(host.pid, { maxS: 30 });
    idle.heap = await heapUsed();
    log(`Host pid ${host.pid} idle: RSS ${mb(idle.rss)} MB (settled in ${idle.seconds} s)`);
    await snapshot('idle');

    const where = { home, mcpUrl, token };
    const sent = [];
    // A warm-up (one client of each kind, 20 calls) loads the code a session uses once for good:
    // growth past this "warm" level, not past the cold idle, is what sessions leave behind.
    const warmUp = await loadRound(host.pid, kindsOf(Math.min(2, clients), Math.min(1, http)), 20, where, 'w', sent);
    await sessionsGone(host.pid, 60_000);
    const warm = await settle(host.pid, { maxS: settleS, quietS: 10 });
    warm.heap = await heapUsed();
    log(`warm: RSS ${mb(warm.rss)} MB after ${warmUp.sent} warm-up calls (settled in ${warm.seconds} s)`);
    await snapshot('warm');

    const rounds = [];
    for (let r = 0; r < roundCount; r += 1) {
      const one = await loadRound(host.pid, kindsOf(clients, http), calls, where, `r${r}`, sent, { rampMs, log });
      one.sessionsLeft = await sessionsGone(host.pid, 60_000);
      const after = await settle(host.pid, { maxS: settleS, quietS: Math.min(30, settleS) });
      one.after = after;
      after.heap = await heapUsed();
      log(`round ${r + 1}: ${one.sent} calls in ${round(one.wallS, 1)} s; after: RSS ${mb(after.rss)} MB (lowest ${mb(after.lowest)}, settled in ${after.seconds} s)`);
      if (inspector) {
        one.afterGc = await collect();
        log(`round ${r + 1}: after a forced full GC: RSS ${mb(one.afterGc.rss)} MB, V8 heaps in use ${one.afterGc.heap.join(' + ')} MB`);
      }
      rounds.push(one);
    }
    const afterGc = rounds.at(-1).afterGc;
    inspector?.close();
    await snapshot('after');
    const afterSnapshot = snapshotDir ? hostMemory(host.pid).rss : undefined;
    loadavg.after = fs.readFileSync('/proc/loadavg', 'utf8').trim();
    const { hwm } = hostMemory(host.pid);

    // A clean stop writes the last batch of the log; then the log is read and verified as a person would.
    host.kill('SIGTERM');
    await exited;
    const audit = await auditCounts(home, sent);
    const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--home', home], { env, encoding: 'utf8' });

    const sum = (key) => rounds.reduce((n, r) => n + r[key], 0);
    const sorted = Float64Array.from(rounds.flatMap((r) => r.latencies)).sort();
    const last = rounds.at(-1).after;
    const limit = Math.max(idle.rss * (1 + BACK_MARGIN.ratio), idle.rss + BACK_MARGIN.kb);
    const expected = roundCount * clients * calls;
    const wallS = rounds.reduce((n, r) => n + r.wallS, 0);
    return {
      clients,
      stdio: clients - http,
      http,
      callsPerClient: calls,
      rampMs,
      rounds: rounds.map((r) => ({ connectS: round(r.connectS, 1), wallS: round(r.wallS, 1), callsPerS: round(r.sent / r.wallS, 0), peakMB: mb(r.peak), afterMB: mb(r.after.rss), sessionsLeft: r.sessionsLeft })),
      wallS: round(wallS, 1),
      callsPerS: round(sum('sent') / wallS, 0),
      latencyMs: { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? NaN) },
      calls: {
        expected,
        sent: sum('sent'),
        answered: sum('answered'),
        mismatched: sum('mismatched'),
        errors: sum('errors'),
        lost: expected - sum('answered'),
        examples: rounds.flatMap((r) => r.examples).slice(0, 5),
        clientFailures: rounds.flatMap((r) => r.clientFailures),
      },
      // Every call sent, warm-up included, must have exactly one record.
      audit: { expected: sent.length, ...audit },
      verified: verify.status === 0,
      verifyOutput: `${verify.stdout}${verify.stderr}`.trim(),
      memoryMB: {
        idle: mb(idle.rss),
        idleAnon: mb(idle.anon),
        warm: mb(warm.rss),
        peakSampled: mb(Math.max(...rounds.map((r) => r.peak))),
        hwm: mb(hwm),
        after: mb(last.rss),
        afterAnon: mb(last.anon),
        afterLowest: mb(last.lowest),
        afterHeapSnapshot: afterSnapshot === undefined ? null : mb(afterSnapshot),
        afterGc: afterGc === undefined ? null : mb(afterGc.rss),
        // The main thread's V8 heap in use (--gc only): idle, warm, after each round, after the forced GC.
        heapUsed: gc ? { idle: idle.heap, warm: warm.heap, rounds: rounds.map((r) => r.after.heap), afterGc: afterGc.heap } : null,
        roundsAfterGc: gc ? rounds.map((r) => mb(r.afterGc.rss)) : null,
        settledS: last.seconds,
        limit: mb(limit),
        back: last.rss <= limit,
        backAfterGc: afterGc === undefined ? null : afterGc.rss <= limit,
      },
      sessionsLeft: rounds.at(-1).sessionsLeft,
      // Warm-up included: 2 + rounds × clients when every client got in.
      hostSessionsOpened: opened,
      loadavg,
    };
  } finally {
    if (host.exitCode === null && host.signalCode === null) {
      host.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Exit status 0 only when every call came back with its own message and has exactly one record, and the log verifies. */
export function soakPassed(f) {
  return f.calls.lost === 0 && f.calls.sent === f.calls.expected && f.audit.missing === 0 && f.audit.duplicated === 0 && f.audit.allowRecords === f.audit.expected && f.verified;
}

function summary(f) {
  const m = f.memoryMB;
  const perRound = f.rounds.map((r, i) => `round ${i + 1}: ${r.callsPerS} calls/s over ${r.wallS} s (connected in ${r.connectS} s), peak ${r.peakMB} MB, after ${r.afterMB} MB`);
  return [
    `${f.clients} clients (${f.stdio} through airlock connect, ${f.http} over HTTP) × ${f.callsPerClient} calls × ${f.rounds.length} round(s)${f.rampMs ? `, one client started every ${f.rampMs} ms` : ', all started at once'}: ${f.calls.sent} sent in ${f.wallS} s, ${f.callsPerS} calls/s`,
    ...perRound,
    `latency per call: p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms, max ${f.latencyMs.max} ms`,
    `answered with their own message ${f.calls.answered}, mismatched ${f.calls.mismatched}, errors ${f.calls.errors}, lost ${f.calls.lost}${f.calls.clientFailures.length ? `; clients failed: ${f.calls.clientFailures.join('; ')}` : ''}`,
    `audit: call.decided ALLOW records ${f.audit.allowRecords} for ${f.audit.expected} calls sent, warm-up included (missing ${f.audit.missing}, duplicated ${f.audit.duplicated}; by ${JSON.stringify(f.audit.via)}; decisions ${JSON.stringify(f.audit.decisions)}), call.finished ${f.audit.finished}, ${f.audit.events} events in all`,
    `audit verify: ${f.verified ? 'ok' : 'FAILED'}`,
    ...(m.heapUsed ? [`Host V8 heaps in use (main + audit worker): idle ${m.heapUsed.idle.join(' + ')} MB, warm ${m.heapUsed.warm.join(' + ')} MB, after each round ${m.heapUsed.rounds.map((h) => h.join(' + ')).join(', ')} MB, after the last forced GC ${m.heapUsed.afterGc.join(' + ')} MB; RSS after each round's forced GC ${m.roundsAfterGc.join(', ')} MB`] : []),
    `Host RSS: idle ${m.idle} MB, warm (after a 2-client warm-up) ${m.warm} MB, peak ${m.peakSampled} MB sampled (VmHWM ${m.hwm} MB), after ${m.settledS} s settled ${m.after} MB (lowest ${m.afterLowest}; anonymous ${m.idleAnon} → ${m.afterAnon} MB): ${m.back ? 'back' : 'NOT back'} to idle (limit ${m.limit} MB: idle + 10 % or + 15 MB)${m.afterGc === null ? '' : `; after a forced full GC ${m.afterGc} MB: ${m.backAfterGc ? 'back' : 'NOT back'}`}${m.afterHeapSnapshot === null ? '' : `; after a heap snapshot ${m.afterHeapSnapshot} MB`}`,
    `load average before ${f.loadavg.before}; after ${f.loadavg.after}; sessions the Host opened ${f.hostSessionsOpened}, left open ${f.sessionsLeft}`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      clients: { type: 'string' },
      http: { type: 'string' },
      calls: { type: 'string' },
      settle: { type: 'string' },
      rounds: { type: 'string' },
      ramp: { type: 'string' },
      json: { type: 'boolean' },
      'heap-snapshots': { type: 'string' },
      gc: { type: 'boolean' },
    },
  });
  const quick = values.quick === true;
  const clients = Number(values.clients ?? (quick ? 5 : 50));
  const options = {
    clients,
    http: Number(values.http ?? (quick ? 1 : Math.round(clients / 5))),
    calls: Number(values.calls ?? (quick ? 50 : 1000)),
    rounds: Number(values.rounds ?? 1),
    // The test's five clients start a quarter-second apart: a start-up storm is the full run's to show.
    rampMs: Number(values.ramp ?? (quick ? 250 : 0)),
    settleS: Number(values.settle ?? (quick ? 15 : 60)),
    heapSnapshots: values['heap-snapshots'],
    gc: values.gc === true,
    log: (m) => console.error(`${new Date().toISOString().slice(11, 19)} ${m}`),
  };
  for (const [k, v] of Object.entries(options)) if (typeof v === 'number' && !(Number.isInteger(v) && v >= 0)) throw new Error(`--${k} must be a whole number, not ${v}`);
  if (options.clients < 1 || options.rounds < 1) throw new Error('--clients and --rounds must be at least 1');
  if (options.http > options.clients) throw new Error(`--http ${options.http} is more than --clients ${options.clients}`);
  const figures = await runLoadSoak(options);
  console.log(summary(figures));
  if (!figures.verified) console.log(figures.verifyOutput);
  if (figures.calls.examples.length > 0) console.log(`for instance: ${figures.calls.examples.join('\n  ')}`);
  if (values.json) console.log(JSON.stringify(figures));
  process.exitCode = soakPassed(figures) ? 0 : 1;
}
