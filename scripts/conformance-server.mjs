// Server mode of `npm run conformance` (called by scripts/conformance.mjs): the MCP conformance
// suite's server scenarios (`conformance server --url …`) against a reference server, directly
// and through Airlock's Streamable HTTP endpoint, side by side. A scenario that passes directly
// and fails through Airlock is a regression: Airlock changed what the server said.
//
// Through Airlock: a temporary home, the reference registered twice (`ref`, a stdio upstream, and
// `refhttp`, the running HTTP reference as a remote upstream), `airlock serve --mcp-port`, a client
// token from `airlock clients token`, and scripts/conformance-shim.mjs in front of the endpoint:
// the test harness standing in for a client configured with a token (the suite cannot send one).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startShim } from './conformance-shim.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AIRLOCK_BIN = path.join(ROOT, 'bin', 'airlock.js');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'conformance-reference-server.mjs');
const EVERYTHING = path.join(ROOT, 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');
const START_TIMEOUT_MS = 20_000;

/** The references the script can test: how to start one on HTTP, and the command that runs it on stdio. */
const REFERENCES = {
  airlock: {
    label: 'test/fixtures/conformance-reference-server.mjs',
    start: () => startProcess(process.execPath, [FIXTURE, '--port', '0'], /listening on (http:\/\/\S+)/, (m) => m[1]),
    stdio: [process.execPath, FIXTURE, '--stdio'],
  },
  everything: {
    label: '@modelcontextprotocol/server-everything (streamableHttp)',
    start: async () => {
      const port = await freePort();
      return startProcess(process.execPath, [EVERYTHING, 'streamableHttp'], /listening on port/, () => `http://127.0.0.1:${port}/mcp`, { PORT: String(port) });
    },
    stdio: [process.execPath, EVERYTHING, 'stdio'],
  },
};

const log = (line) => process.stderr.write(`conformance: ${line}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a long-running process; resolves once its output matches `ready`, with `pick(match)` as `url`. */
function startProcess(command, args, ready, pick, env = {}) {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(`did not get ready in ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(args[0] ?? command)} ${why}; its output:\n${output.trim()}`));
    };
    const onData = (chunk) => {
      output += chunk;
      const match = ready.exec(output);
      if (match === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ child, url: pick(match), output: () => output, stop: () => stopChild(child) });
    };
    const onExit = (code, signal) => fail(`exited (${code ?? signal}) before it was ready`);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function airlock(home, args) {
  // --home goes before a `--`: what follows it is the upstream's own command line.
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  const full = [...args.slice(0, end), '--home', home, ...args.slice(end)];
  const result = spawnSync(process.execPath, [AIRLOCK_BIN, ...full], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, AIRLOCK_HOME: home } });
  if (result.status !== 0) throw new Error(`airlock ${args.join(' ')} exited ${result.status ?? result.signal}: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

/** Undefined when this build of Airlock serves the MCP endpoint; otherwise why the Airlock columns stay empty. */
export function airlockEndpointMissing() {
  const help = spawnSync(process.execPath, [AIRLOCK_BIN, 'serve', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  if (help.status !== 0) return `\`airlock serve --help\` failed (exit ${help.status ?? help.signal}): ${(help.stderr || '').trim().split('\n')[0]}`;
  return /--mcp-port/.test(help.stdout) ? undefined : '`airlock serve` has no --mcp-port option in this build';
}

/** The server scenarios the suite lists, in its order (`conformance list`). */
export function serverScenarios(suite) {
  const listed = spawnSync(suite.node, [suite.bin, 'list'], { cwd: suite.cwd, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`conformance list failed: ${listed.stderr}`);
  const text = listed.stdout.slice(listed.stdout.indexOf('Server scenarios'), listed.stdout.indexOf('Client scenarios'));
  return [...text.matchAll(/^\s+- (\S+)/gm)].map((match) => match[1]);
}

function findChecks(dir) {
  if (!fs.existsSync(dir)) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findChecks(full);
      if (found) return found;
    } else if (entry.name === 'checks.json') return full;
  }
  return undefined;
}

/** One scenario against `url`; its verdict is the suite's own exit code (1 when a check failed), with the checks it wrote. */
function runScenario(suite, url, scenario, out, timeoutMs) {
  fs.mkdirSync(out, { recursive: true });
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(suite.node, [suite.bin, 'server', '--url', url, '--scenario', scenario, '-o', out], { cwd: suite.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      fs.writeFileSync(path.join(out, 'suite-output.txt'), output);
      const checksFile = findChecks(out);
      const checks = checksFile ? JSON.parse(fs.readFileSync(checksFile, 'utf8')) : [];
      const failed = checks.filter((check) => check.status === 'FAILURE');
      const notes = failed.map((check) => `${check.name}: ${check.errorMessage ?? check.description}`);
      if (timedOut) notes.push(`timed out after ${timeoutMs / 1000} s`);
      if (checksFile === undefined) notes.push(`no checks written: ${output.trim().split('\n').slice(-3).join(' | ')}`);
      resolve({
        passed: code === 0 && !timedOut,
        checksPassed: checks.filter((check) => check.status === 'SUCCESS').length,
        checksJudged: checks.filter((check) => check.status === 'SUCCESS' || check.status === 'FAILURE').length,
        warnings: checks.filter((check) => check.status === 'WARNING').map((check) => `${check.name}: ${check.errorMessage ?? check.description}`),
        notes,
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
}

/** Waits until something answers HTTP on 127.0.0.1:port (any status: the endpoint refuses a request without a token). */
async function waitForHttp(port, serve) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (serve.exitCode !== null) throw new Error(`airlock serve exited (${serve.exitCode}) before its endpoint answered`);
    const answered = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'GET' }).then(() => true, () => false);
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`nothing answered on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s of airlock serve --mcp-port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A temporary home serving the reference through Airlock's endpoint, behind the shim. */
async function startAirlock(reference, directUrl, resultsDir) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-conformance-server-'));
  const [command, ...args] = reference.stdio;
  try {
    airlock(home, ['servers', 'add', 'ref', '--approve', '--', command, ...args]);
    airlock(home, ['servers', 'add', 'refhttp', '--approve', '--url', directUrl]);
  } catch (error) {
    fs.rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  // --no-watch-clients: a harness Host has no business with the AI clients' config files on this machine.
  const serve = spawn(process.execPath, [AIRLOCK_BIN, 'serve', '--home', home, '--mcp-port', String(port), '--no-watch-clients'], { cwd: ROOT, env: { ...process.env, AIRLOCK_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let serveOutput = '';
  serve.stdout.on('data', (chunk) => (serveOutput += chunk));
  serve.stderr.on('data', (chunk) => (serveOutput += chunk));
  const cleanUp = async () => {
    await stopChild(serve);
    fs.writeFileSync(path.join(resultsDir, 'airlock-serve-output.txt'), serveOutput);
    const logs = path.join(home, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(resultsDir, 'airlock-logs'), { recursive: true });
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitForHttp(port, serve);
    const newToken = (client) => {
      const token = airlock(home, ['clients', 'token', client]).split('\n')[0].trim();
      if (token === '') throw new Error(`airlock clients token ${client} printed no token`);
      return token;
    };
    const shim = await startShim({ targetUrl: `http://127.0.0.1:${port}`, token: newToken('conformance') });
    log(`Airlock's endpoint on 127.0.0.1:${port}, shim on 127.0.0.1:${shim.port}; serve's log: ${serveOutput.match(/http:\/\/\S+\/mcp\S*/)?.[0] ?? '(no endpoint URL printed yet)'}`);
    return {
      columns: { 'airlock-stdio': `http://127.0.0.1:${shim.port}/mcp/ref`, 'airlock-http': `http://127.0.0.1:${shim.port}/mcp/refhttp` },
      // Each scenario is its own client with its own token: the suite's client never ends its
      // sessions (no HTTP DELETE), and Airlock caps the sessions one token may hold open.
      newClient: (client) => shim.setToken(newToken(client)),
      stop: async () => {
        await shim.close();
        await cleanUp();
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/**
 * Runs `scenarios` directly and through Airlock. `suite` is { node, bin, cwd }. Resolves with
 * { reference, columns, airlockMissing?, results: [{ scenario, direct, 'airlock-stdio'?, 'airlock-http'? }], regressions }.
 */
export async function runServerMode({ suite, scenarios, resultsDir, timeoutMs, referenceName = 'airlock' }) {
  const reference = REFERENCES[referenceName];
  if (reference === undefined) throw new Error(`unknown reference ${JSON.stringify(referenceName)}; use one of: ${Object.keys(REFERENCES).join(', ')}`);
  fs.mkdirSync(resultsDir, { recursive: true });
  const direct = await reference.start();
  const stops = [() => direct.stop()];
  const results = scenarios.map((scenario) => ({ scenario }));
  const columns = { direct: direct.url };
  let newClient = () => {};
  let airlockMissing = airlockEndpointMissing();
  try {
    if (airlockMissing === undefined) {
      try {
        const through = await startAirlock(reference, direct.url, resultsDir);
        stops.unshift(() => through.stop());
        Object.assign(columns, through.columns);
        newClient = through.newClient;
      } catch (error) {
        airlockMissing = `Airlock could not be started: ${error.message}`;
      }
    }
    if (airlockMissing !== undefined) log(`no Airlock columns: ${airlockMissing}`);
    for (const [column, url] of Object.entries(columns)) {
      for (const row of results) {
        log(`server ${row.scenario} (${column}) ...`);
        try {
          if (column !== 'direct') newClient(`conformance-${column}-${row.scenario}`);
        } catch (error) {
          // Not the endpoint's verdict: listed apart from regressions.
          row[column] = { passed: false, harnessError: true, checksPassed: 0, checksJudged: 0, warnings: [], notes: [`harness: ${error.message.split('\n')[0]}`], seconds: 0 };
          continue;
        }
        row[column] = await runScenario(suite, url, row.scenario, path.join(resultsDir, column, row.scenario), timeoutMs);
      }
    }
  } finally {
    for (const stop of stops) await stop().catch((error) => log(`stopping: ${error.message}`));
  }
  const regressions = [];
  for (const row of results) {
    for (const column of Object.keys(columns).filter((name) => name !== 'direct')) {
      if (row.direct.passed && !row[column].passed && !row[column].harnessError) regressions.push({ scenario: row.scenario, column, notes: row[column].notes });
    }
  }
  return { reference: reference.label, columns: Object.keys(columns), airlockMissing, results, regressions };
}

const cell = (r) => (r === undefined ? 'n/a' : r.harnessError ? 'harness error' : `${r.passed ? 'pass' : 'FAIL'} ${r.checksPassed}/${r.checksJudged}${r.warnings.length > 0 ? ` (${r.warnings.length} warning${r.warnings.length > 1 ? 's' : ''})` : ''}`);
const HEADINGS = { direct: 'direct', 'airlock-stdio': 'through Airlock (stdio upstream)', 'airlock-http': 'through Airlock (HTTP upstream)' };

/** The server-mode table: one row per scenario, one column per way in, then totals and regressions. */
export function serverTable(report) {
  const columns = ['direct', 'airlock-stdio', 'airlock-http'];
  const lines = [`Server mode, reference: ${report.reference}`, ''];
  lines.push(`| scenario | ${columns.map((c) => HEADINGS[c]).join(' | ')} |`, `| --- |${columns.map(() => ' --- |').join('')}`);
  for (const row of report.results) lines.push(`| ${row.scenario} | ${columns.map((c) => cell(row[c])).join(' | ')} |`);
  lines.push('');
  for (const column of columns) {
    const ran = report.results.filter((row) => row[column] !== undefined);
    lines.push(`${HEADINGS[column]}: ${ran.length === 0 ? `not run (${report.airlockMissing ?? 'no results'})` : `${ran.filter((row) => row[column].passed).length} of ${ran.length} scenarios passed`}`);
  }
  const dns = report.results.find((row) => row.scenario === 'dns-rebinding-protection');
  for (const column of ['airlock-stdio', 'airlock-http']) {
    if (dns?.[column] && !dns[column].passed) lines.push(`dns-rebinding-protection FAILS ${HEADINGS[column]}: ${dns[column].notes.join('; ')}`);
  }
  // Passing on fewer judged checks means the suite skipped some (e.g. JSON answers where the reference streamed SSE).
  const fewer = report.results.flatMap((row) => columns.slice(1).filter((c) => row[c]?.passed && row[c].checksJudged < row.direct.checksJudged).map((c) => `${row.scenario} (${c}: ${row[c].checksJudged} of ${row.direct.checksJudged})`));
  if (fewer.length > 0) lines.push(`Judged on fewer checks through Airlock (the suite skipped some; see their INFO checks): ${fewer.join(', ')}`);
  const harness = report.results.flatMap((row) => columns.filter((c) => row[c]?.harnessError).map((c) => `- ${row.scenario} (${HEADINGS[c]}): ${row[c].notes.join('; ')}`));
  if (harness.length > 0) lines.push('Not run (harness errors, not verdicts):', ...harness);
  if (report.regressions.length === 0) lines.push(report.columns.length > 1 ? 'Regressions (pass directly, fail through Airlock): none' : '');
  else {
    lines.push('Regressions (pass directly, fail through Airlock):');
    for (const r of report.regressions) lines.push(`- ${r.scenario} (${HEADINGS[r.column]}): ${r.notes.join('; ')}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** True when --strict should fail: a regression, dns-rebinding failing through Airlock, a scenario not run, or no Airlock column at all. */
export function serverModeFails(report) {
  const dns = report.results.find((row) => row.scenario === 'dns-rebinding-protection');
  const dnsFails = ['airlock-stdio', 'airlock-http'].some((column) => dns?.[column] !== undefined && !dns[column].passed);
  const harnessErrors = report.results.some((row) => Object.values(row).some((cell) => cell?.harnessError));
  return report.regressions.length > 0 || dnsFails || harnessErrors || report.airlockMissing !== undefined;
}
