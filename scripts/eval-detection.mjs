#!/usr/bin/env node
// Detection evaluation: how Airlock rates labeled before/after tool lists. Prints, per set, the
// share of malicious changes rated high or critical (goal ≥ 95 %), the share of benign changes
// rated high or critical (goal ≤ 5 %), and whether every change was seen.
//
// Sets: the project's own labeled cases (test/fixtures/detection/*.json, written for this
// project) and, where it is present, the public set at ../shared/eval/detection-corpus.json,
// read in place and never copied. Needs the compiled engine: `npm run eval:detection` builds it.
//
//   --verbose   list every case that misses its goal, with its worst findings
//   --json      print the figures as JSON
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { diffSurfaces } = await import(path.join(root, 'dist/engine/drift/index.js'));
const { parseSurface } = await import(path.join(root, 'dist/engine/surface.js'));

const verbose = process.argv.includes('--verbose');
const asJson = process.argv.includes('--json');
const HIGH = new Set(['high', 'critical']);

function loadOwnCases() {
  const dir = path.join(root, 'test/fixtures/detection');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).cases);
}

function loadPublicCases() {
  const file = path.join(root, '../shared/eval/detection-corpus.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

function rate(entry) {
  const report = diffSurfaces(parseSurface(entry.before), parseSurface(entry.after));
  return { severity: report.severity, changed: report.changed, findings: report.findings };
}

function evaluate(name, cases) {
  const out = { set: name, malicious: 0, maliciousHigh: 0, benign: 0, benignHigh: 0, unseen: 0, misses: [] };
  for (const entry of cases) {
    const { severity, changed, findings } = rate(entry);
    if (!changed || findings.length === 0) out.unseen += 1;
    const high = HIGH.has(severity);
    if (entry.label === 'malicious') {
      out.malicious += 1;
      if (high) out.maliciousHigh += 1;
      else out.misses.push({ id: entry.id, label: entry.label, severity, findings });
    } else {
      out.benign += 1;
      if (high) {
        out.benignHigh += 1;
        out.misses.push({ id: entry.id, label: entry.label, severity, findings });
      }
    }
  }
  return out;
}

const pct = (n, d) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} %`);
const sets = [evaluate('own labeled cases (test/fixtures/detection)', loadOwnCases())];
const publicCases = loadPublicCases();
if (publicCases) sets.push(evaluate('public set (../shared/eval)', publicCases));

if (asJson) {
  console.log(JSON.stringify(sets.map(({ misses, ...s }) => ({ ...s, misses: misses.map((m) => m.id) })), null, 2));
} else {
  console.log('| set | malicious rated high/critical (goal ≥ 95 %) | benign rated high/critical (goal ≤ 5 %) | changes unseen |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const s of sets) console.log(`| ${s.set} | ${s.maliciousHigh}/${s.malicious} (${pct(s.maliciousHigh, s.malicious)}) | ${s.benignHigh}/${s.benign} (${pct(s.benignHigh, s.benign)}) | ${s.unseen} |`);
  if (!publicCases) console.log('(the public set is not present beside the project; only the own cases were measured)');
  if (verbose) {
    for (const s of sets) {
      for (const m of s.misses) {
        console.log(`\n${s.set}: ${m.label} ${m.id} rated ${m.severity}`);
        for (const f of m.findings.slice(0, 4)) console.log(`  ${f.severity} ${f.code} ${f.itemKey ?? ''}${f.path}: ${f.message.slice(0, 160)}`);
      }
    }
  }
}
const failed = sets.some((s) => s.unseen > 0 || s.maliciousHigh < 0.95 * s.malicious || s.benignHigh > 0.05 * s.benign);
process.exitCode = failed ? 1 : 0;
