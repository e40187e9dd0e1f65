#!/usr/bin/env node
// `npm run conformance`: the MCP conformance suite in both of its modes.
// - Client mode: Airlock is the client (scripts/conformance-driver.mjs acts through `airlock
//   connect`); one row per client scenario.
// - Server mode (scripts/conformance-server.mjs): the suite's server scenarios against a reference
//   server, directly and through Airlock's Streamable HTTP endpoint; one row per scenario with a
//   column for each way in, and the regressions (pass directly, fail through Airlock).
// The suite needs Node 22+, so both it and Node come from npm into .cache/conformance/, never
// replacing the system Node; Airlock, the driver and the reference server run on the system Node.
//
//   npm run conformance [-- --client | --server] [--scenario NAME ...] [--reference airlock|everything]
//                       [--strict] [--no-build] [--timeout MS] [--json]
//
// Without --client or --server both modes run (a --scenario selects the mode that lists it). Exit
// code 0 even when scenarios fail, so the tables can be read and reported; --strict exits 1 on a
// failed client scenario, a server-mode regression, dns-rebinding-protection failing through
// Airlock, a scenario the harness could not run, or no Airlock column at all. Exit 2 when the
// suite could not be installed or started.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runServerMode, serverModeFails, serverScenarios, serverTable } from './conformance-server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CACHE = path.join(ROOT, '.cache', 'conformance');
// Exact versions: the table means something only against a known suite.
const NODE_VERSION = '22.23.3';
const SUITE_VERSION = '0.1.16';
const SUITE_DIR = path.join(CACHE, 'node_modules', '@modelcontextprotocol', 'conformance');
const SUITE_BIN = path.join(SUITE_DIR, 'dist', 'index.js');
const NODE_PACKAGE_DIR = path.join(CACHE, 'node_modules', 'node');
const NODE_BIN = path.join(NODE_PACKAGE_DIR, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
const DRIVER = path.join(ROOT, 'scripts', 'conformance-driver.mjs');
const KEEP_RESULTS = 5;

const USAGE = 'npm run conformance -- [--client | --server] [--scenario NAME ...] [--reference airlock|everything] [--strict] [--no-build] [--timeout MS] [--json]';

function parseArgs(argv) {
  const options = { scenarios: [], strict: false, build: true, timeoutMs: 30_000, json: false, client: false, server: false, reference: 'airlock' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--strict') options.strict = true;
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--json') options.json = true;
    else if (arg === '--client') options.client = true;
    else if (arg === '--server') options.server = true;
    else if (arg === '--scenario' && argv[i + 1]) options.scenarios.push(argv[++i]);
    else if (arg === '--reference' && /^(airlock|everything)$/.test(argv[i + 1] ?? '')) options.reference = argv[++i];
    else if (arg === '--timeout' && /^\d+$/.test(argv[i + 1] ?? '')) options.timeoutMs = Number(argv[++i]);
    else {
      process.stderr.write(`conformance: unknown argument ${JSON.stringify(arg)}. Usage: ${USAGE}\n`);
      process.exit(2);
    }
  }
  if (!options.client && !options.server) options.client = options.server = true;
  return options;
}

const npmCommand = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  return result;
}

function installedVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function nodeRuns() {
  if (!fs.existsSync(NODE_BIN)) return false;
  const result = spawnSync(NODE_BIN, ['--version'], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === `v${NODE_VERSION}`;
}

/**
 * Installs the suite and Node 22 into the cache unless both are there at the pinned versions.
 * The `node` package fetches its binary (the node-<os>-<arch> package) in a preinstall script;
 * where npm skips install scripts (ignore-scripts, or an allowScripts policy), that step is run
 * here explicitly, the same code npm would have run.
 */
function ensureCache() {
  if (installedVersion(SUITE_DIR) === SUITE_VERSION && nodeRuns()) return;
  const started = Date.now();
  process.stderr.write(`conformance: installing @modelcontextprotocol/conformance@${SUITE_VERSION} and node@${NODE_VERSION} into ${path.relative(ROOT, CACHE)}/ ...\n`);
  fs.mkdirSync(CACHE, { recursive: true });
  const manifest = { name: 'airlock-conformance-cache', private: true, dependencies: { '@modelcontextprotocol/conformance': SUITE_VERSION, node: NODE_VERSION } };
  fs.writeFileSync(path.join(CACHE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // --engine-strict off: the suite's dependencies ask for Node 22, which is what we install beside them.
  const install = run(npmCommand, ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--engine-strict=false', '--loglevel=error'], { cwd: CACHE, stdio: ['ignore', 2, 2] });
  if (install.status !== 0) fail(`npm install into ${CACHE} failed (exit ${install.status}); see npm's message above`);
  if (!nodeRuns() && fs.existsSync(path.join(NODE_PACKAGE_DIR, 'installArchSpecificPackage.js'))) {
    process.stderr.write(`conformance: npm skipped the node package's install script; running it: node installArchSpecificPackage\n`);
    run(process.execPath, ['installArchSpecificPackage'], { cwd: NODE_PACKAGE_DIR, stdio: ['ignore', 2, 2] });
  }
  if (!nodeRuns()) fail(`${path.relative(ROOT, NODE_BIN)} does not run or is not v${NODE_VERSION}; remove ${CACHE} and try again`);
  if (installedVersion(SUITE_DIR) !== SUITE_VERSION) fail(`the conformance suite is not at ${SUITE_VERSION} in ${CACHE}; remove that folder and try again`);
  process.stderr.write(`conformance: installed in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function fail(message) {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

/** The client scenarios the suite lists, in its order (`conformance list`). */
function clientScenarios() {
  const listed = run(NODE_BIN, [SUITE_BIN, 'list'], { cwd: CACHE });
  if (listed.status !== 0) fail(`conformance list failed: ${listed.stderr}`);
  const text = listed.stdout.slice(listed.stdout.indexOf('Client scenarios'));
  return [...text.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1]);
}

/** Keeps the newest `keep` runs' results, so the cache does not grow without end. */
function pruneOldResults(dir, keep) {
  if (!fs.existsSync(dir)) return;
  const runs = fs.readdirSync(dir).sort();
  for (const old of runs.slice(0, Math.max(0, runs.length - keep))) fs.rmSync(path.join(dir, old), { recursive: true, force: true });
}

function findChecks(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findChecks(full);
      if (found) return found;
    } else if (entry.name === 'checks.json') return full;
  }
  return undefined;
}

/** Runs one scenario into its own folder of `results`; its verdict is the suite's own exit code, with the checks it wrote. */
function runScenario(scenario, timeoutMs, results) {
  const out = path.join(results, scenario.replace(/[^\w.-]/g, '_'));
  fs.mkdirSync(out, { recursive: true });
  // The suite splits --command on spaces and runs it through a shell: quote the paths.
  const command = `"${process.execPath}" "${DRIVER}"`;
  const args = [SUITE_BIN, 'client', '--command', command, '--scenario', scenario, '--timeout', String(timeoutMs), '-o', out];
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(NODE_BIN, args, { cwd: CACHE, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('close', (code) => {
      const checksFile = findChecks(out);
      const checks = checksFile ? JSON.parse(fs.readFileSync(checksFile, 'utf8')) : [];
      const judged = checks.filter((check) => check.status === 'SUCCESS' || check.status === 'FAILURE');
      const notes = [
        ...checks.filter((check) => check.status === 'FAILURE').map((check) => check.name),
        ...checks.filter((check) => check.status === 'WARNING').map((check) => `${check.name} (warning)`),
      ];
      if (/CLIENT TIMED OUT/.test(output)) notes.push('client timed out');
      const exited = /CLIENT EXITED WITH ERROR \(code (-?\d+)\)/.exec(output);
      if (exited) notes.push(`client exited ${exited[1]}`);
      if (checksFile === undefined) notes.push(`no checks written: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      // The suite keeps checks.json, stdout.txt and stderr.txt (the driver's steps and the Host's log); add its own report.
      fs.writeFileSync(path.join(out, 'suite-output.txt'), output);
      resolve({
        scenario,
        passed: code === 0,
        checksPassed: judged.filter((check) => check.status === 'SUCCESS').length,
        checksJudged: judged.length,
        notes: [...new Set(notes)],
        seconds: (Date.now() - started) / 1000,
        output,
      });
    });
  });
}

function table(results) {
  const rows = results.map((r) => [r.scenario, r.passed ? 'passed' : 'failed', `${r.checksPassed}/${r.checksJudged}`, `${r.seconds.toFixed(1)}`, r.notes.join('; ')]);
  const header = ['scenario', 'result', 'checks', 's', 'failed checks'];
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  const passed = results.filter((r) => r.passed).length;
  lines.push('', `Total: ${passed} of ${results.length} scenarios passed (conformance ${SUITE_VERSION}, node ${NODE_VERSION} for the suite, ${process.version} for Airlock).`);
  return `${lines.join('\n')}\n`;
}

/** The scenarios to run in a mode: all it lists, or those of `asked` it lists (none when `asked` names only the other mode's). */
function selected(listed, asked) {
  return asked.length === 0 ? listed : asked.filter((name) => listed.includes(name));
}

// stdout carries only the tables (or --json); npm's and tsc's own output goes to stderr.
const options = parseArgs(process.argv.slice(2));
ensureCache();
if (options.build) {
  // The driver and the server mode run bin/airlock.js, which runs dist/: compile it so the tables are about this tree.
  const built = run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.node.json'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) process.stderr.write('conformance: tsc reported errors (above); running against what it emitted\n');
}
const suite = { node: NODE_BIN, bin: SUITE_BIN, cwd: CACHE };
const clientNames = options.client ? selected(clientScenarios(), options.scenarios) : [];
const serverNames = options.server ? selected(serverScenarios(suite), options.scenarios) : [];
const unknown = options.scenarios.filter((name) => !clientNames.includes(name) && !serverNames.includes(name));
if (unknown.length > 0) fail(`no ${options.client && options.server ? '' : options.client ? 'client ' : 'server '}scenario named ${unknown.join(', ')}; see: ${path.relative(ROOT, NODE_BIN)} ${path.relative(ROOT, SUITE_BIN)} list`);
const resultsDir = path.join(CACHE, 'results', new Date().toISOString().replace(/[:.]/g, '-'));
pruneOldResults(path.dirname(resultsDir), KEEP_RESULTS - 1);
const client = [];
for (const scenario of clientNames) {
  process.stderr.write(`conformance: ${scenario} ...\n`);
  const result = await runScenario(scenario, options.timeoutMs, resultsDir);
  if (process.env.CONFORMANCE_VERBOSE) process.stderr.write(result.output);
  client.push(result);
}
let server;
if (serverNames.length > 0) {
  try {
    server = await runServerMode({ suite, scenarios: serverNames, resultsDir: path.join(resultsDir, 'server'), timeoutMs: options.timeoutMs, referenceName: options.reference });
  } catch (error) {
    fail(`server mode could not start: ${error.message}`);
  }
}
process.stderr.write(`conformance: each scenario's checks, driver steps and Host log are in ${path.relative(ROOT, resultsDir)}/\n`);
if (options.json) {
  const json = {};
  if (clientNames.length > 0) json.client = client.map(({ output: _output, ...r }) => r);
  if (server !== undefined) json.server = server;
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
} else {
  const tables = [];
  if (clientNames.length > 0) tables.push(`Client mode (Airlock is the client)\n\n${table(client)}`);
  if (server !== undefined) tables.push(serverTable(server));
  process.stdout.write(tables.join('\n'));
}
const failed = (options.strict && client.some((r) => !r.passed)) || (options.strict && server !== undefined && serverModeFails(server));
process.exitCode = failed ? 1 : 0;
