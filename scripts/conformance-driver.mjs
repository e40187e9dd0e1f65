#!/usr/bin/env node
// Airlock's client side for the MCP conformance suite (client mode), run by scripts/conformance.mjs
// as `node scripts/conformance-driver.mjs URL`. The suite starts a test server for one scenario,
// appends its URL and sets MCP_CONFORMANCE_SCENARIO (and, for pre-registered clients,
// MCP_CONFORMANCE_CONTEXT as JSON). This driver does what a user would: registers the URL as an
// Airlock server in a fresh home, signs in where the scenario needs it, and acts through
// `airlock connect` with the MCP SDK's client, so the suite judges what Airlock sends upstream.
// Every step goes to stderr, which the suite keeps as stderr.txt.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const AIRLOCK_BIN = fileURLToPath(new URL('../bin/airlock.js', import.meta.url));
const BROWSER = fileURLToPath(new URL('./conformance-browser.mjs', import.meta.url));
const SERVER = 'conf';
const STEP_TIMEOUT_MS = 20_000;
/** Sign-ins per request after a refusal (a lapsed sign-in, a 403 insufficient_scope); the suite's retry-limit scenario checks that the client stops. */
const MAX_SIGN_INS = 2;

/** The tool each scenario's server expects to be called, and with what; otherwise the first listed tool, with {}. */
const TOOL_CALLS = {
  tools_call: { name: 'add_numbers', arguments: { a: 5, b: 3 } },
  'elicitation-sep1034-client-defaults': { name: 'test_client_elicitation_defaults', arguments: {} },
  'sse-retry': { name: 'test_reconnection', arguments: {} },
};

const log = (line) => process.stderr.write(`[driver] ${line}\n`);

const url = process.argv.at(-1);
const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
const context = process.env.MCP_CONFORMANCE_CONTEXT ? JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT) : {};
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'airlock-conformance-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? home,
  AIRLOCK_HOME: home,
  // The sign-in opens the authorization URL with this program (a scripted browser, no UI).
  AIRLOCK_BROWSER: BROWSER,
};

/** Runs the airlock CLI on the temp home; resolves with its exit code and output, never rejects. */
function airlock(args, input = '') {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [AIRLOCK_BIN, ...args, '--home', home], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGTERM'), STEP_TIMEOUT_MS);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      log(`airlock ${args.join(' ')} -> ${code ?? signal}${out.trim() ? `\n${out.trim().replace(/^/gm, '    ')}` : ''}`);
      resolve({ code, out });
    });
  });
}

async function register() {
  const args = ['servers', 'add', SERVER, '--url', url, '--approve'];
  let input = '';
  // Pre-registration: the client id on the command line, its secret on stdin as the CLI reads it.
  if (typeof context.client_id === 'string') {
    args.push('--oauth-client-id', context.client_id);
    if (typeof context.client_secret === 'string') {
      args.push('--oauth-client-secret');
      input = `${context.client_secret}\n`;
    }
  }
  // A client ID metadata document is published by whoever runs Airlock (it has no web address
  // of its own); the suite's authorization server checks for its fixed document URL.
  if (scenario === 'auth/basic-cimd') args.push('--oauth-client-metadata-url', 'https://conformance-test.local/client-metadata.json');
  const added = await airlock(args, input);
  if (added.code !== 0) throw new Error(`servers add failed (exit ${added.code})`);
}

async function signIn() {
  const login = await airlock(['servers', 'login', SERVER]);
  return login.code === 0;
}

function connectClient() {
  const client = new Client(
    { name: 'airlock-conformance-driver', version: '1.0.0' },
    // The client answers elicitations; applyDefaults makes the SDK fill in the schema's defaults (SEP-1034).
    { capabilities: { elicitation: { form: { applyDefaults: true } } } },
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => {
    log(`elicitation from the server: ${request.params.message}`);
    return { action: 'accept', content: {} };
  });
  const transport = new StdioClientTransport({ command: process.execPath, args: [AIRLOCK_BIN, 'connect', SERVER, '--home', home], env, stderr: 'pipe' });
  transport.stderr?.on('data', (chunk) => process.stderr.write(`[airlock connect] ${chunk}`));
  return { client, transport };
}

/** A refusal that a new sign-in may cure: Airlock holds such calls with "sign in again". */
const wantsSignIn = (text) => /sign[- ]?in|insufficient_scope/i.test(text);

/**
 * Runs one request; when Airlock answers that the server needs a (new) sign-in, signs in as a user
 * would (`airlock servers login`) and tries again, a bounded number of times.
 */
async function withSignIn(what, request) {
  for (let signIns = 0; ; signIns++) {
    let text;
    try {
      const result = await request();
      text = JSON.stringify(result.content ?? result);
      if (!result.isError) {
        log(`${what} -> ${text.slice(0, 300)}`);
        return result;
      }
    } catch (error) {
      text = String(error?.message ?? error);
    }
    log(`${what} failed: ${text.slice(0, 500)}`);
    if (signIns >= MAX_SIGN_INS || !wantsSignIn(text)) return undefined;
    log('signing in again, then retrying');
    if (!(await signIn())) return undefined;
  }
}

async function act() {
  await register();
  if (scenario.startsWith('auth/')) await signIn();
  const { client, transport } = connectClient();
  try {
    await client.connect(transport, { timeout: STEP_TIMEOUT_MS });
    log(`initialized: server ${JSON.stringify(client.getServerVersion())}`);
    if (scenario === 'initialize') return true;
    const listed = await withSignIn('tools/list', () => client.listTools(undefined, { timeout: STEP_TIMEOUT_MS }));
    if (listed === undefined) return false;
    const call = TOOL_CALLS[scenario] ?? (listed.tools[0] ? { name: listed.tools[0].name, arguments: {} } : undefined);
    if (call === undefined) throw new Error('the server listed no tool to call');
    return (await withSignIn(`tools/call ${call.name}`, () => client.callTool(call, undefined, { timeout: STEP_TIMEOUT_MS }))) !== undefined;
  } finally {
    await client.close().catch(() => {});
  }
}

/** Stops the Host the connect started and removes the home; the Host's log goes to stderr first. */
async function cleanUp() {
  await airlock(['stop']);
  const logs = path.join(home, 'logs');
  if (fs.existsSync(logs)) {
    for (const name of fs.readdirSync(logs)) {
      const text = fs.readFileSync(path.join(logs, name), 'utf8');
      log(`host log ${name} (last 4000 characters):\n${text.slice(-4000).replace(/^/gm, '    ')}`);
    }
  }
  fs.rmSync(home, { recursive: true, force: true });
}

let ok = false;
try {
  log(`scenario ${scenario || '(none)'} at ${url}, home ${home}`);
  ok = await act();
} catch (error) {
  log(`failed: ${error?.stack ?? error}`);
} finally {
  await cleanUp();
}
process.exit(ok ? 0 : 1);
