// Issue 16's proof under kill -9: a real `airlock serve` relays echo calls from several MCP
// clients (each through its own `airlock connect`, several calls in flight each) to an upstream
// that writes every call it receives to a file before answering; the Host is killed with SIGKILL
// at a random moment, started again (which replays its journal), and so on. At the end every call
// the upstream received must have its call.decided record in the audit log (matched by the hash of
// its arguments), and `airlock audit verify` must pass. Needs dist/ (npm run build:node).
//   node scripts/crash-soak.mjs      CALLS=10000 SESSIONS=4 IN_FLIGHT=4 by default: rounds until 10,000
//                                    calls were sent, each ended by a kill; KILLS=N: N rounds sharing CALLS
// test/e2e/crash-safety.test.ts runs it with smaller figures (JSON=1 prints them as JSON last).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
// ROOT=<another checkout with dist/> runs that build (the control: a Host without the journal fails this).
import { BIN, cli, env, isMain, root, startHost as startServe } from './soak-support.mjs';

// The upstream: a bare MCP server over stdio with one tool, `echo`, that appends each call's
// arguments to RECEIVED (one write() each, before it answers). It is never killed: it ends when
// the Host's end of its stdin closes, after reading what was already sent to it.
const RECORDER = `
import fs from 'node:fs';
const fd = fs.openSync(process.argv[2], 'a');
const send = (m) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\\n');
const tool = { name: 'echo', description: 'Echoes its message.', inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } };
function handle(line) {
  if (!line.trim()) return;
  const m = JSON.parse(line);
  if (m.id === undefined || m.method === undefined) return;
  if (m.method === 'initialize') return send({ id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'recorder', version: '1.0.0' } } });
  if (m.method === 'tools/list') return send({ id: m.id, result: { tools: [tool] } });
  if (m.method === 'ping') return send({ id: m.id, result: {} });
  if (m.method === 'tools/call') {
    fs.writeSync(fd, JSON.stringify(m.params.arguments) + '\\n');
    return send({ id: m.id, result: { content: [{ type: 'text', text: String(m.params.arguments?.message) }] } });
  }
  send({ id: m.id, error: { code: -32601, message: 'no such method' } });
}
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  buffer += chunk;
  for (let i = buffer.indexOf('\\n'); i >= 0; i = buffer.indexOf('\\n')) {
    handle(buffer.slice(0, i));
    buffer = buffer.slice(i + 1);
  }
});
process.stdin.on('end', () => process.exit(0));
`;

function startHost(home) {
  return startServe(home, { args: ['--no-watch-clients'] });
}

/** One session: an MCP client through `airlock connect`, `inFlight` call loops, until `budget` runs out or the Host dies. */
async function session(home, tag, inFlight, budget, connected) {
  const client = new Client({ name: `crash-soak-${tag}`, version: '1.0.0' });
  const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, 'connect', 'recorder', '--home', home, '--no-autostart'], env, stderr: 'ignore' });
  try {
    await client.connect(transport);
  } catch {
    return 0;
  } finally {
    connected();
  }
  let answered = 0;
  let n = 0;
  const loop = async () => {
    while (budget.left > 0) {
      budget.left -= 1;
      const message = `${tag}-${n++}`;
      try {
        await client.callTool({ name: 'echo', arguments: { message } }, undefined, { timeout: 10_000 });
        answered += 1;
      } catch {
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  await client.close().catch(() => undefined);
  return answered;
}

/**
 * Runs rounds until `calls` calls were sent (or `kills` rounds, sharing them): start the Host,
 * `sessions` clients with `inFlight` calls each, SIGKILL the Host at a random moment (or when the
 * round's calls run out), then once more a clean start and stop. Returns the figures; `missing` must be 0 and `verified` true.
 */
export async function runCrashSoak({ calls = 10_000, kills = Infinity, sessions = 4, inFlight = 4, killAfterMs = [20, 600], log = () => {} } = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-crash-soak-'));
  try {
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    const recorder = path.join(tmp, 'recorder.mjs');
    const received = path.join(tmp, 'received.jsonl');
    fs.writeFileSync(recorder, RECORDER);
    cli(['servers', 'add', 'recorder', '--home', home, '--approve', '--', process.execPath, recorder, received]);
    let answered = 0;
    let killed = 0;
    let remaining = calls;
    for (let round = 0; remaining > 0 && round < kills; round++) {
      const { host, exited } = await startHost(home);
      const budget = { left: Math.min(remaining, Number.isFinite(kills) ? Math.ceil(calls / kills) : remaining) };
      const sent = budget.left;
      const ready = [];
      const runs = Array.from({ length: sessions }, (_, s) => session(home, `r${round}s${s}`, inFlight, budget, () => ready.push(s)));
      const all = Promise.all(runs);
      // The random moment counts from when every session is connected (their calls then run).
      while (ready.length < sessions) await new Promise((r) => setTimeout(r, 10));
      const [lo, hi] = killAfterMs;
      const at = lo + Math.random() * (hi - lo);
      await Promise.race([all, new Promise((r) => setTimeout(r, at))]);
      host.kill('SIGKILL');
      killed += 1;
      await exited;
      const counts = await all;
      remaining -= sent - budget.left;
      answered += counts.reduce((a, b) => a + b, 0);
      log(`round ${round + 1}: killed after ${Math.round(at)} ms, ${counts.reduce((a, b) => a + b, 0)} calls answered`);
    }
    // A last start replays the last journal; a clean stop commits it.
    const { host, exited } = await startHost(home);
    host.kill('SIGTERM');
    await exited;
    // The upstream processes end once their stdin closes; give the last of them a moment to write.
    await new Promise((r) => setTimeout(r, 300));

    const { canonicalDigest } = await import(path.join(root, 'dist', 'engine', 'canonical-json.js'));
    const receivedCalls = fs.readFileSync(received, 'utf8').split('\n').filter(Boolean);
    const db = new Database(path.join(home, 'airlock.db'), { readonly: true });
    const decided = new Map();
    for (const { body } of db.prepare("SELECT body FROM audit_events WHERE type = 'call.decided' AND tool = 'echo'").all()) {
      const e = JSON.parse(body);
      if (e.decision === 'ALLOW') decided.set(e.argsHash, (decided.get(e.argsHash) ?? 0) + 1);
    }
    const events = db.prepare('SELECT count(*) AS n FROM audit_events').get().n;
    db.close();
    let missing = 0;
    const missingExamples = [];
    for (const line of receivedCalls) {
      if (!decided.has(canonicalDigest(JSON.parse(line)))) {
        missing += 1;
        if (missingExamples.length < 5) missingExamples.push(line);
      }
    }
    const duplicated = [...decided.values()].filter((n) => n > 1).length;
    const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--home', home], { env, encoding: 'utf8' });
    return {
      kills: killed,
      answered,
      received: receivedCalls.length,
      records: [...decided.values()].reduce((a, b) => a + b, 0),
      events,
      missing,
      missingExamples,
      duplicated,
      verified: verify.status === 0,
      verifyOutput: `${verify.stdout}${verify.stderr}`.trim(),
    };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const figures = await runCrashSoak({
    calls: Number(process.env.CALLS ?? 10_000),
    kills: Number(process.env.KILLS ?? Infinity),
    sessions: Number(process.env.SESSIONS ?? 4),
    inFlight: Number(process.env.IN_FLIGHT ?? 4),
    log: (m) => console.log(m),
  });
  if (process.env.JSON) console.log(JSON.stringify(figures));
  console.log(`kills ${figures.kills}, calls answered ${figures.answered}, calls received upstream ${figures.received}, call.decided ALLOW records ${figures.records} (${figures.events} events in all), missing ${figures.missing}, duplicated ${figures.duplicated}, audit verify ${figures.verified ? 'ok' : 'FAILED'}`);
  if (figures.missing > 0) console.log(`missing, for instance: ${figures.missingExamples.join(' ')}`);
  if (!figures.verified) console.log(figures.verifyOutput);
  process.exitCode = figures.missing === 0 && figures.verified ? 0 : 1;
}
