#!/usr/bin/env node
// `npm run fuzz`: the properties of test/fuzz with FUZZ_RUNS cases per property (default 10,000,
// at least 100,000 cases in all), then a table of cases and time per property.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'airlock-fuzz-'));
const report = join(dir, 'figures.jsonl');
const runs = process.env.FUZZ_RUNS ?? '10000';
const started = performance.now();
const vitest = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'node', 'test/fuzz', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_REPORT: report },
});
const seconds = (performance.now() - started) / 1000;

let rows = [];
try {
  rows = readFileSync(report, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
} catch {
  // No property ran.
}
rmSync(dir, { recursive: true, force: true });
const total = rows.reduce((sum, row) => sum + row.runs, 0);
const width = Math.max(8, ...rows.map((row) => row.property.length));
console.log(`\n${'property'.padEnd(width)}  ${'cases'.padStart(8)}  ${'ms'.padStart(8)}  result`);
for (const row of rows) console.log(`${row.property.padEnd(width)}  ${String(row.runs).padStart(8)}  ${String(row.ms).padStart(8)}  ${row.ok ? 'ok' : 'FAILED'}`);
console.log(`${'total'.padEnd(width)}  ${String(total).padStart(8)}  ${String(Math.round(seconds * 1000)).padStart(8)}  (wall clock, build included), FUZZ_RUNS=${runs}`);
if (total < 100_000) console.log(`note: ${total} cases, fewer than the 100,000 issue 11 asks for; raise FUZZ_RUNS`);
process.exit(vitest.status ?? 1);
