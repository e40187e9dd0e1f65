// The floor of one relay process on this machine: what a line costs to cross one more process
// and come back, with no work at all in it. The parent writes a 200-byte line to a child's stdin;
// the child (a bare Node echo: one 'data' listener, one write) writes it back on stdout.
// Sequential round trips, then 16 in flight. Every process a design adds in the path of a call
// pays at least this: two reads, two writes and two wake-ups per call.
//   node bench/prototype/hop-cost.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

const N = Number(process.env.N ?? 5000);
const line = `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'x'.repeat(120) } } })}\n`;
const child = spawn(process.execPath, ['-e', "process.stdin.on('data', (c) => process.stdout.write(c))"], { stdio: ['pipe', 'pipe', 'inherit'] });
const cpuOf = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // ms
};
let waiting = [];
let buffered = '';
child.stdout.on('data', (chunk) => {
  buffered += chunk.toString('utf8');
  let i;
  while ((i = buffered.indexOf('\n')) !== -1) {
    buffered = buffered.slice(i + 1);
    waiting.shift()();
  }
});
const roundTrip = () => new Promise((resolve) => {
  waiting.push(resolve);
  child.stdin.write(line);
});
for (let i = 0; i < 1000; i += 1) await roundTrip();
for (const inFlight of [1, 16]) {
  const c0 = cpuOf(child.pid);
  const p0 = process.cpuUsage();
  const samples = [];
  let issued = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (issued < N) {
      issued += 1;
      const t = performance.now();
      await roundTrip();
      samples.push(performance.now() - t);
    }
  }));
  const wall = performance.now() - t0;
  const p = process.cpuUsage(p0);
  samples.sort((a, b) => a - b);
  console.log(`${inFlight} in flight: p50 ${(samples[N >> 1] * 1000).toFixed(0)} µs a round trip, ${Math.round((N / wall) * 1000)}/s; CPU per round trip: echo child ${(((cpuOf(child.pid) - c0) * 1000) / N).toFixed(0)} µs, this side ${((p.user + p.system) / N).toFixed(0)} µs (load ${os.loadavg()[0].toFixed(2)})`);
}
child.kill();
