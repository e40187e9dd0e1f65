import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { startFakeHost } from '../test/support/fake-host.js';
import { AIRLOCK_BIN } from '../test/support/run-cli.js';
import { makeTempDir } from '../test/support/temp-dir.js';

// How long an AI client waits for `airlock connect` before its first byte comes back through
// the Host, against the floor of starting node at all. Each case is one whole process life
// (spawn → work → exit), so the ratio compares like with like. The Host is a fake that echoes
// (test/support/fake-host.ts): this measures connect, not the gate.
const tmp = makeTempDir('airlock-bench-connect-');
const home = path.join(tmp.dir, 'home');
fs.mkdirSync(home, { mode: 0o700 });
const host = await startFakeHost(home);
const env = { PATH: process.env.PATH, HOME: process.env.HOME };
const request = Buffer.from('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
const firstByteMs: number[] = [];

afterAll(async () => {
  await host.close();
  tmp.cleanup();
  const sorted = [...firstByteMs].sort((a, b) => a - b);
  const at = (q: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(1);
  console.log(`airlock connect, spawn → first relayed byte over ${sorted.length} runs: median ${at(0.5)} ms, p90 ${at(0.9)} ms`);
});

function runToExit(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
}

function connectRoundTrip(): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [AIRLOCK_BIN, 'connect', 'bench', '--home', home, '--no-autostart'], { env, stdio: ['pipe', 'pipe', 'ignore'] });
    child.once('error', reject);
    child.stdin.write(request);
    child.stdout.once('data', () => {
      firstByteMs.push(performance.now() - started);
      child.stdin.end(); // the client leaves: connect exits 0
    });
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`airlock connect exited ${code}`))));
  });
}

describe('airlock connect start-up (spawn → exit, one process each)', () => {
  bench('node -e "" (floor: start node, do nothing)', () => runToExit(['-e', '']), { iterations: 30, warmupIterations: 3 });
  bench('airlock connect: hello, one request relayed and echoed back, stdin EOF', connectRoundTrip, { iterations: 30, warmupIterations: 3 });
  bench('airlock --version (the full CLI that connect skips, for contrast)', () => runToExit([AIRLOCK_BIN, '--version']), { iterations: 30, warmupIterations: 3 });
});
