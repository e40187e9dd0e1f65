// What one audit commit costs on this machine, by synchronous mode and events per commit: the
// price of "no call is forwarded before its record is committed" (issue 16) in any design.
// Real store (openStore: WAL, migrations, Merkle leaves), events shaped like the Host's
// call.decided / call.finished of an echo call. Needs dist/ (npm run build:node).
//   node bench/prototype/commit-cost.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appendAuditEvents } from '../../dist/engine/audit/index.js';
import { openStore } from '../../dist/engine/store/index.js';

export const decidedEvent = (i) => ({
  type: 'call.decided', server: 'everything', tool: 'echo', decision: 'ALLOW', rule: 'R5',
  approvedHash: `sha256:${'a'.repeat(64)}`, liveHash: `sha256:${'a'.repeat(64)}`,
  args: { message: 'hello through the airlock' },
  detail: { method: 'tools/call', code: 'policy.allowed', callId: i.toString(16).padStart(16, '0'), sessionId: 'abcdef123456', client: 'bench' },
});
export const finishedEvent = (i) => ({
  type: 'call.finished', server: 'everything', tool: 'echo', decision: 'ALLOW', rule: 'R6',
  response: { content: [{ type: 'text', text: 'Echo: hello through the airlock' }] },
  detail: { method: 'tools/call', code: 'response.allowed', latencyMs: 0.412, callId: i.toString(16).padStart(16, '0') },
});

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-commit-cost-'));
const home = path.join(tmp, 'home');
const store = openStore(home);
const COMMITS = Number(process.env.COMMITS ?? 400);
let n = 0;
const rows = [];
for (const sync of ['FULL', 'NORMAL']) {
  store.db.pragma(`synchronous = ${sync}`);
  for (const perCommit of [1, 2, 16, 32]) {
    for (let i = 0; i < 50; i += 1) appendAuditEvents(store, [decidedEvent(n++)]); // warm
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let c = 0; c < COMMITS; c += 1) {
      const batch = [];
      for (let e = 0; e < perCommit; e += 1) batch.push(e % 2 === 0 ? decidedEvent(n++) : finishedEvent(n++));
      appendAuditEvents(store, batch);
    }
    const wall = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    rows.push({ sync, perCommit, wallPerCommit: wall / COMMITS, cpuPerCommit: (cpu.user + cpu.system) / COMMITS, cpuPerEvent: (cpu.user + cpu.system) / COMMITS / perCommit });
  }
}
store.close();
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`audit commit cost (Node ${process.version}, ${COMMITS} commits each, load ${os.loadavg()[0].toFixed(2)})\n`);
console.log('| synchronous | events per commit | wall per commit | CPU per commit | CPU per event |\n| --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.sync} | ${r.perCommit} | ${r.wallPerCommit.toFixed(0)} µs | ${r.cpuPerCommit.toFixed(0)} µs | ${r.cpuPerEvent.toFixed(0)} µs |`);
