#!/usr/bin/env node
// Response-check evaluation on real outputs: how often rule R6 finds something in answers that
// are honest. Starts the reference servers from npm, @modelcontextprotocol/server-filesystem on
// this repository (reads every file under src/ and docs/, README.md, SECURITY.md and
// package.json, lists every directory, searches) and @modelcontextprotocol/server-everything
// (each of its tools, prompts and resources), and prints the findings per kind, and what the
// default policy would do with them (goal: no redaction and no denial on these outputs).
// Needs the compiled engine: `npm run build:node` first.
//
//   --verbose   list every finding with the call that produced it
//   --json      print the figures as JSON
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function binScript(pkg) {
  const manifest = require(`${pkg}/package.json`);
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin)[0];
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), bin);
}

/**
 * A minimal raw MCP client over stdio: it keeps each answer exactly as the server wrote it (what
 * Airlock judges), declines every request the server starts, and ignores notifications.
 */
async function rawClient(command, args, env) {
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'ignore'] });
  const waiting = new Map();
  let seq = 0;
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (let at = buffer.indexOf('\n'); at !== -1; at = buffer.indexOf('\n')) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line);
      if ('method' in message && 'id' in message) {
        child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'not supported by the eval client' } })}\n`);
      } else if ('id' in message && waiting.has(message.id)) {
        waiting.get(message.id)(message);
        waiting.delete(message.id);
      }
    }
  });
  const request = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => (waiting.delete(id), reject(new Error(`${method} timed out`))), 30_000);
      waiting.set(id, (m) => (clearTimeout(timer), resolve(m)));
      child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  await request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'airlock-eval', version: '1' } });
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return { request, close: () => child.kill() };
}

/** Every file under a folder, in a stable order. */
function filesUnder(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop();
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => b.name.localeCompare(a.name))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) out.push(full);
    }
  }
  return out;
}

/** A JSON-RPC answer as R6 judges it: { label, kind: 'result' | 'error', payload }. */
function answer(label, message) {
  return 'result' in message ? { label, kind: 'result', payload: message.result } : { label, kind: 'error', payload: message.error };
}

const IMAGE = /\.(png|jpe?g|gif|webp|ico|icns)$/i;

/** server-filesystem on this repository: every file read, every folder listed, searches. */
export async function filesystemAnswers(repo = root) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const client = await rawClient(process.execPath, [binScript('@modelcontextprotocol/server-filesystem'), repo], env);
  const answers = [];
  const call = async (name, args) => answers.push(answer(`filesystem ${name} ${args.path ?? args.paths?.length ?? ''}`, await client.request('tools/call', { name, arguments: args })));
  try {
    const files = [...filesUnder(path.join(repo, 'src')), ...filesUnder(path.join(repo, 'docs')), ...['README.md', 'SECURITY.md', 'package.json'].map((f) => path.join(repo, f))];
    for (const file of files) await call(IMAGE.test(file) ? 'read_media_file' : 'read_text_file', { path: file });
    const dirs = [repo, ...['src', 'docs'].flatMap((d) => [path.join(repo, d), ...filesUnder(path.join(repo, d)).map(path.dirname)])];
    for (const dir of [...new Set(dirs)]) await call('list_directory', { path: dir });
    await call('list_directory_with_sizes', { path: path.join(repo, 'src') });
    await call('directory_tree', { path: path.join(repo, 'src') });
    await call('search_files', { path: path.join(repo, 'src'), pattern: '**/*.ts' });
    await call('search_files', { path: path.join(repo, 'docs'), pattern: '*' });
    await call('read_multiple_files', { paths: files.filter((f) => !IMAGE.test(f)).slice(0, 20) });
    for (const file of files.slice(0, 20)) await call('get_file_info', { path: file });
    await call('list_allowed_directories', {});
  } finally {
    client.close();
  }
  return answers;
}

/** Arguments for server-everything's tools; the rest get a value per required field from their schema. */
const EVERYTHING_ARGS = {
  echo: { message: 'hello from the eval' },
  'get-sum': { a: 2, b: 3 },
  'trigger-long-running-operation': { duration: 1, steps: 1 },
  'gzip-file-as-resource': { name: 'README.md', data: 'data:text/plain;base64,aGVsbG8=' },
  'simulate-research-query': { topic: 'response scanning' },
};

function argsFromSchema(schema) {
  const args = {};
  for (const key of schema?.required ?? []) {
    const { type, enum: choices } = schema.properties?.[key] ?? {};
    args[key] = Array.isArray(choices) ? choices[0] : type === 'number' || type === 'integer' ? 1 : type === 'boolean' ? true : 'test';
  }
  return args;
}

/** server-everything: each tool (except those that wait on the client's user), prompt and resource. */
export async function everythingAnswers() {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const client = await rawClient(process.execPath, [binScript('@modelcontextprotocol/server-everything'), 'stdio'], env);
  const answers = [];
  try {
    const tools = (await client.request('tools/list')).result.tools;
    for (const tool of tools) {
      // These ask the client's user or model and wait on them: nothing of the server's to judge.
      if (/elicitation|sampling/.test(tool.name)) continue;
      const args = EVERYTHING_ARGS[tool.name] ?? argsFromSchema(tool.inputSchema);
      answers.push(answer(`everything tools/call ${tool.name}`, await client.request('tools/call', { name: tool.name, arguments: args })));
    }
    for (const prompt of (await client.request('prompts/list')).result.prompts) {
      const args = Object.fromEntries((prompt.arguments ?? []).map((a) => [a.name, a.name === 'resourceType' ? 'Text' : a.name === 'resourceId' ? '1' : 'test']));
      answers.push(answer(`everything prompts/get ${prompt.name}`, await client.request('prompts/get', { name: prompt.name, arguments: args })));
    }
    for (const resource of (await client.request('resources/list')).result.resources) {
      answers.push(answer(`everything resources/read ${resource.uri}`, await client.request('resources/read', { uri: resource.uri })));
    }
  } finally {
    client.close();
  }
  return answers;
}

/** Runs every answer through the checks; `check(payload)` returns the findings. */
export function tally(answers, check, actionOf) {
  const perKind = {};
  const acted = { record: 0, redact: 0, deny: 0 };
  const listed = [];
  for (const a of answers) {
    for (const f of check(a.payload)) {
      perKind[f.kind] = (perKind[f.kind] ?? 0) + 1;
      acted[actionOf(f.kind)] += 1;
      listed.push({ call: a.label, kind: f.kind, label: f.label, count: f.count });
    }
  }
  return { answers: answers.length, perKind, acted, listed };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const engine = path.join(root, 'dist/engine/gate/response-checks.js');
  statSync(engine); // a clear ENOENT if the engine is not built: run `npm run build:node`
  const { checkResponsePayload, DEFAULT_RESPONSE_POLICY } = await import(engine);
  const answers = [...(await filesystemAnswers()), ...(await everythingAnswers())];
  const result = tally(answers, (p) => checkResponsePayload(p, []).findings, (kind) => DEFAULT_RESPONSE_POLICY.actions[kind]);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`answers read: ${result.answers}`);
    console.log('| finding | count | default action |\n| --- | --- | --- |');
    for (const kind of ['instructions', 'invisible-chars', 'secret', 'credential', 'too-large']) {
      console.log(`| response.${kind} | ${result.perKind[kind] ?? 0} | ${DEFAULT_RESPONSE_POLICY.actions[kind]} |`);
    }
    console.log(`redacted: ${result.acted.redact}, denied: ${result.acted.deny}, recorded: ${result.acted.record}`);
    if (process.argv.includes('--verbose')) for (const f of result.listed) console.log(`  ${f.kind} (${f.label}, ${f.count}) in ${f.call}`);
  }
}
