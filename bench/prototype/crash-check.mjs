// Checks the prototypes' claim (issue 16): after a kill -9 of the process that judges, every call
// the client got an answer for has its call.decided record on disk (SQLite, or the journal for
// the journal variants). 16 calls in flight through a durable Host (or a judging connect), SIGKILL
// after a second, then the records are counted. Needs dist/.
//   node bench/prototype/crash-check.mjs        MODES=current,main,journal,connect-local,connect-journal
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const here = path.join(root, 'bench', 'prototype');
const BIN = path.join(root, 'bin', 'airlock.js');
const everythingDir = path.join(root, 'node_modules', '@modelcontextprotocol', 'server-everything');
const manifest = JSON.parse(fs.readFileSync(path.join(everythingDir, 'package.json'), 'utf8'));
const everythingBin = path.join(everythingDir, typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0]);
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

async function check(mode) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-crash-'));
  const home = path.join(tmp, 'home');
  fs.mkdirSync(home, { mode: 0o700 });
  spawnSync(process.execPath, [BIN, 'servers', 'add', 'everything', '--home', home, '--approve', '--', process.execPath, everythingBin, 'stdio'], { env });
  let judge;
  let args;
  let extraEnv = {};
  const daemons = [];
  if (mode.startsWith('connect-')) {
    const socket = path.join(tmp, 'authority.sock');
    const host = spawn(process.execPath, [path.join(here, 'authority-host.mjs'), home, socket], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    daemons.push(host);
    await new Promise((r) => host.stdout.once('data', r));
    args = [path.join(here, 'judging-connect.mjs'), home, 'everything', socket];
    extraEnv = { AUDIT: mode.slice('connect-'.length) };
  } else {
    // current: today's `airlock serve` (batched every 10 ms), the control that must fail this check.
    const hostArgs = mode === 'current' ? [BIN, 'serve', '--home', home, '--no-watch-clients'] : [path.join(here, 'durable-host.mjs'), home];
    const host = spawn(process.execPath, hostArgs, { env: { ...env, AUDIT: mode }, stdio: ['ignore', 'pipe', 'inherit'] });
    daemons.push(host);
    await new Promise((r) => host.stdout.once('data', r));
    judge = host;
    args = [BIN, 'connect', 'everything', '--home', home, '--no-autostart'];
  }
  const client = new Client({ name: 'crash-check', version: '1' });
  const transport = new StdioClientTransport({ command: process.execPath, args, env: { ...env, ...extraEnv }, stderr: 'ignore' });
  await client.connect(transport);
  judge ??= { pid: transport.pid, kill: (s) => process.kill(transport.pid, s) };
  await client.callTool({ name: 'echo', arguments: { message: 'warm' } });
  const answered = new Set();
  let stop = false;
  let n = 0;
  const worker = async () => {
    while (!stop) {
      const message = `crash-${n++}`;
      try {
        const r = await client.callTool({ name: 'echo', arguments: { message } }, undefined, { timeout: 2000 });
        if (JSON.stringify(r).includes(message)) answered.add(message);
      } catch {
        return;
      }
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  await new Promise((r) => setTimeout(r, 1000));
  judge.kill('SIGKILL');
  stop = true;
  await Promise.allSettled(workers);
  await client.close().catch(() => {});
  for (const d of daemons) d.kill('SIGKILL');
  // The server ends by itself: its stdin closed with the process that was killed.
  await new Promise((r) => setTimeout(r, 300));
  // Decided records that reached the disk: the chain, plus any journal lines.
  const db = new Database(path.join(home, 'airlock.db'), { readonly: true });
  const decided = new Set();
  for (const { body } of db.prepare("SELECT body FROM audit_events WHERE type = 'call.decided'").all()) decided.add(JSON.parse(body).detail?.callId);
  db.close();
  let journaled = 0;
  for (const f of fs.readdirSync(home).filter((x) => x.startsWith('audit-journal'))) {
    for (const line of fs.readFileSync(path.join(home, f), 'utf8').split('\n')) {
      if (!line) continue;
      try {
        const e = JSON.parse(line);
        if (e.type === 'call.decided') {
          decided.add(e.detail.callId);
          journaled += 1;
        }
      } catch {
        // A torn last line: its call was never forwarded.
      }
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  // Each answered call (plus the warm-up, the listing's own requests are not calls) needs its own decided record.
  const ok = decided.size >= answered.size + 1;
  console.log(`${mode}: ${answered.size} calls answered before the kill -9, ${decided.size} call.decided records on disk (${journaled} in the journal): ${ok ? 'ok' : 'RECORDS MISSING'}`);
}

for (const mode of (process.env.MODES ?? 'current,main,journal,connect-local,connect-journal').split(',')) await check(mode);
