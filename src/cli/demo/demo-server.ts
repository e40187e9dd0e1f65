#!/usr/bin/env node
/**
 * A small MCP server over stdio (newline-delimited JSON-RPC) that serves the surface written in
 * a JSON file and changes it when the file changes. It backs `airlock demo` and the end-to-end
 * tests, so it imports only Node builtins: no SDK whose own checks could hide a framing bug.
 *
 *   node dist/cli/demo/demo-server.js --tools FILE
 *
 * FILE: { "instructions"?, "tools": [...], "prompts"?, "resources"?, "resourceTemplates"? }.
 * It speaks both protocol eras: 2025 (`initialize`) and 2026-07-28 (`server/discover`, the
 * per-request `_meta` envelope, `resultType`, `subscriptions/listen`, `input_required`).
 * What a tool does is chosen by its name; see `callTool`.
 */
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type RequestId = string | number;

interface DemoSurface {
  instructions?: string;
  tools: JsonObject[];
  prompts: JsonObject[];
  resources: JsonObject[];
  resourceTemplates: JsonObject[];
}

const SERVER_INFO = { name: 'airlock-demo-server', version: '1.0.0' };
const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'];
const MODERN_VERSION = '2026-07-28';
const SUPPORTED_VERSIONS = [MODERN_VERSION, '2025-11-25'];
const PROTOCOL_VERSION_KEY = 'io.modelcontextprotocol/protocolVersion';
const SERVER_INFO_KEY = 'io.modelcontextprotocol/serverInfo';
const SUBSCRIPTION_ID_KEY = 'io.modelcontextprotocol/subscriptionId';
const CAPABILITIES = {
  tools: { listChanged: true },
  prompts: { listChanged: true },
  resources: { listChanged: true },
};
// List and read results are cacheable on 2026-07-28; ttlMs 0 keeps clients from serving a stale list.
const CACHEABLE = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read']);
const WATCH_INTERVAL_MS = 50;

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: Json,
  ) {
    super(message);
  }
}

const log = (text: string): void => {
  process.stderr.write(`airlock-demo-server: ${text}\n`);
};

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const objects = (value: unknown): JsonObject[] => (Array.isArray(value) ? value.filter(isObject) : []);

function parseSurface(text: string): DemoSurface {
  const raw: unknown = JSON.parse(text);
  if (!isObject(raw) || !Array.isArray(raw.tools)) throw new Error('expected an object with a "tools" array');
  return {
    ...(typeof raw.instructions === 'string' ? { instructions: raw.instructions } : {}),
    tools: objects(raw.tools),
    prompts: objects(raw.prompts),
    resources: objects(raw.resources),
    resourceTemplates: objects(raw.resourceTemplates),
  };
}

function toolsFileArg(argv: readonly string[]): string {
  const at = argv.indexOf('--tools');
  const file = at >= 0 ? argv[at + 1] : undefined;
  if (file === undefined) {
    log('usage: demo-server --tools FILE (a JSON file with a "tools" array)');
    process.exit(2);
  }
  return file;
}

const toolsFile = toolsFileArg(process.argv.slice(2));
let lastGood: DemoSurface;
try {
  lastGood = parseSurface(readFileSync(toolsFile, 'utf8'));
} catch (error) {
  log(`cannot read the tools file ${toolsFile}: ${(error as Error).message}`);
  process.exit(2);
}

/** The surface as the file says now; a file caught mid-write keeps the last good one. */
function currentSurface(): DemoSurface {
  try {
    lastGood = parseSurface(readFileSync(toolsFile, 'utf8'));
  } catch (error) {
    log(`keeping the previous surface: ${(error as Error).message}`);
  }
  return lastGood;
}

// ---- output ----

function send(message: JsonObject): void {
  process.stdout.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

let era: 'legacy' | 'modern' | undefined;
const subscriptions = new Map<RequestId, JsonObject>();

function notify(method: string, params: JsonObject = {}): void {
  send({ method, params });
}

/** Legacy clients get list_changed unsolicited; modern ones only on a `subscriptions/listen` that asked for it. */
function notifyListChanged(kind: 'tools' | 'prompts' | 'resources'): void {
  const method = `notifications/${kind}/list_changed`;
  if (era !== 'modern') {
    notify(method);
    return;
  }
  const filterKey = `${kind}ListChanged`;
  for (const [id, filter] of subscriptions) {
    if (filter[filterKey] === true) notify(method, { _meta: { [SUBSCRIPTION_ID_KEY]: id } });
  }
}

let nextServerRequest = 0;
const pendingServerRequests = new Map<string, { resolve: (result: JsonObject) => void; reject: (error: Error) => void }>();

/** A server→client request (legacy era); ids are strings so they never collide with the client's. */
function requestClient(method: string, params: JsonObject): Promise<JsonObject> {
  const id = `srv-${++nextServerRequest}`;
  return new Promise((resolve, reject) => {
    pendingServerRequests.set(id, { resolve, reject });
    send({ id, method, params });
  });
}

// ---- watching the tools file ----

const fingerprint = (surface: DemoSurface) => ({
  tools: JSON.stringify([surface.instructions ?? null, surface.tools]),
  prompts: JSON.stringify(surface.prompts),
  resources: JSON.stringify([surface.resources, surface.resourceTemplates]),
});
let seen = fingerprint(lastGood);

// fs.watchFile polls stat, which works the same on every platform and after an atomic rename.
watchFile(toolsFile, { interval: WATCH_INTERVAL_MS, persistent: false }, () => {
  const now = fingerprint(currentSurface());
  for (const kind of ['tools', 'prompts', 'resources'] as const) {
    if (now[kind] !== seen[kind]) notifyListChanged(kind);
  }
  seen = now;
});

// ---- tools ----

interface CallContext {
  id: RequestId;
  params: JsonObject;
  modern: boolean;
}

const text = (value: string): JsonObject => ({ content: [{ type: 'text', text: value }] });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const cancelled = new Set<RequestId>();

type Asked = { answer: JsonObject } | { answer: undefined; inputRequired: JsonObject };

/**
 * Asks the client for input: a server→client request on the 2025 era; on 2026-07-28 an
 * `input_required` result, answered by the client retrying the call with `inputResponses`.
 */
async function askClient(ctx: CallContext, method: string, params: JsonObject): Promise<Asked> {
  if (!ctx.modern) return { answer: await requestClient(method, params) };
  const state = ctx.params.requestState;
  const responses = ctx.params.inputResponses;
  const answer = typeof state === 'string' && isObject(responses) ? responses[state] : undefined;
  if (isObject(answer)) return { answer };
  const key = `srv-${++nextServerRequest}`;
  return { answer: undefined, inputRequired: { resultType: 'input_required', inputRequests: { [key]: { method, params } }, requestState: key } };
}

async function callTool(ctx: CallContext, surface: DemoSurface): Promise<JsonObject | undefined> {
  const name = ctx.params.name;
  if (typeof name !== 'string') throw new RpcError(-32602, 'tools/call needs a string "name"');
  if (!surface.tools.some((tool) => tool.name === name)) throw new RpcError(-32602, `Unknown tool: ${name}`);
  const args = isObject(ctx.params.arguments) ? ctx.params.arguments : {};
  switch (name) {
    case 'echo':
      return text(String(args.message ?? ''));
    case 'slow': {
      const ms = typeof args.ms === 'number' ? args.ms : 1000;
      await sleep(ms);
      return cancelled.delete(ctx.id) ? undefined : text(`waited ${ms} ms`);
    }
    case 'crash':
      log('crash: exiting with code 3 without answering');
      return process.exit(3);
    case 'garbage':
      // One line that is not JSON-RPC, then a normal answer: for framing-failure tests.
      process.stdout.write('this line is not JSON\n');
      return text('garbage written');
    case 'progress': {
      const meta = ctx.params._meta;
      const token = isObject(meta) ? meta.progressToken : undefined;
      if (typeof token === 'string' || typeof token === 'number') {
        notify('notifications/progress', { progressToken: token, progress: 1, total: 2, message: 'half way' });
        notify('notifications/progress', { progressToken: token, progress: 2, total: 2, message: 'done' });
        // SDK clients dispatch notifications a tick after responses: answering in the same chunk would
        // retire the progress handler before the notifications reach it.
        await sleep(20);
      }
      return text('progress done');
    }
    case 'log':
      notify('notifications/message', { level: typeof args.level === 'string' ? args.level : 'info', logger: SERVER_INFO.name, data: args.message ?? 'log' });
      return text('logged');
    case 'ask_model': {
      const prompt = typeof args.prompt === 'string' ? args.prompt : 'Say hello.';
      const asked = await askClient(ctx, 'sampling/createMessage', { messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens: 100 });
      if (asked.answer === undefined) return asked.inputRequired;
      const { answer } = asked;
      const content = Array.isArray(answer.content) ? answer.content[0] : answer.content;
      return text(isObject(content) && typeof content.text === 'string' ? content.text : JSON.stringify(answer));
    }
    case 'ask_user': {
      const requestedSchema = { type: 'object', properties: { name: { type: 'string', title: 'Name' } }, required: ['name'] };
      const message = typeof args.message === 'string' ? args.message : 'What is your name?';
      const asked = await askClient(ctx, 'elicitation/create', { mode: 'form', message, requestedSchema });
      if (asked.answer === undefined) return asked.inputRequired;
      const { answer } = asked;
      return text(JSON.stringify({ action: answer.action ?? null, content: answer.content ?? null }));
    }
    case 'list_roots': {
      const asked = await askClient(ctx, 'roots/list', {});
      if (asked.answer === undefined) return asked.inputRequired;
      return text(JSON.stringify(asked.answer.roots ?? []));
    }
    default:
      return text(`called ${name} with ${JSON.stringify(args)}`);
  }
}

// ---- requests ----

function byName(items: JsonObject[], key: string, value: Json | undefined, what: string): JsonObject {
  const found = items.find((item) => item[key] === value);
  if (found === undefined) throw new RpcError(-32602, `Unknown ${what}: ${String(value)}`);
  return found;
}

function readResource(surface: DemoSurface, uri: Json | undefined): JsonObject {
  if (typeof uri !== 'string') throw new RpcError(-32602, 'resources/read needs a string "uri"');
  const resource = surface.resources.find((r) => r.uri === uri);
  // A template matches on its text before the first "{": enough for a fixture.
  const template = surface.resourceTemplates.find((t) => typeof t.uriTemplate === 'string' && uri.startsWith(t.uriTemplate.split('{')[0] ?? ''));
  const mimeType = resource?.mimeType ?? template?.mimeType ?? 'text/plain';
  if (resource === undefined && template === undefined) throw new RpcError(-32002, `Resource not found: ${uri}`, { uri });
  return { contents: [{ uri, mimeType, text: `contents of ${uri}` }] };
}

function initialize(params: JsonObject): JsonObject {
  era = 'legacy';
  const asked = params.protocolVersion;
  const protocolVersion = typeof asked === 'string' && LEGACY_VERSIONS.includes(asked) ? asked : LEGACY_VERSIONS[0]!;
  const { instructions } = currentSurface();
  return { protocolVersion, capabilities: CAPABILITIES, serverInfo: SERVER_INFO, ...(instructions === undefined ? {} : { instructions }) };
}

function discover(): JsonObject {
  era = 'modern';
  const { instructions } = currentSurface();
  return {
    supportedVersions: SUPPORTED_VERSIONS,
    capabilities: CAPABILITIES,
    ...(instructions === undefined ? {} : { instructions }),
    _meta: { [SERVER_INFO_KEY]: SERVER_INFO },
  };
}

function listen(id: RequestId, params: JsonObject): undefined {
  const filter = isObject(params.notifications) ? params.notifications : {};
  const honored: JsonObject = {};
  for (const key of ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged']) if (filter[key] === true) honored[key] = true;
  subscriptions.set(id, honored);
  notify('notifications/subscriptions/acknowledged', { _meta: { [SUBSCRIPTION_ID_KEY]: id }, notifications: honored });
  return undefined; // The listen request stays open until the client cancels it.
}

/** The result of one request, or undefined when it is answered later (or never). */
async function handleRequest(id: RequestId, method: string, params: JsonObject, modern: boolean): Promise<JsonObject | undefined> {
  switch (method) {
    case 'initialize':
      return initialize(params);
    case 'server/discover':
      return discover();
    case 'ping':
      return {};
    case 'subscriptions/listen':
      return listen(id, params);
    case 'tools/list':
      return { tools: currentSurface().tools };
    case 'tools/call':
      return callTool({ id, params, modern }, currentSurface());
    case 'prompts/list':
      return { prompts: currentSurface().prompts };
    case 'prompts/get': {
      const prompt = byName(currentSurface().prompts, 'name', params.name, 'prompt');
      const args = JSON.stringify(params.arguments ?? {});
      return { ...(prompt.description === undefined ? {} : { description: prompt.description }), messages: [{ role: 'user', content: { type: 'text', text: `prompt ${String(prompt.name)} with ${args}` } }] };
    }
    case 'resources/list':
      return { resources: currentSurface().resources };
    case 'resources/templates/list':
      return { resourceTemplates: currentSurface().resourceTemplates };
    case 'resources/read':
      return readResource(currentSurface(), params.uri);
    default:
      throw new RpcError(-32601, `Method not found: ${method}`);
  }
}

/** 2026-07-28 results carry `resultType`, and cacheable ones a cache hint. */
function stampModern(method: string, result: JsonObject): JsonObject {
  const stamped: JsonObject = { resultType: 'complete', ...result };
  if (CACHEABLE.has(method) || method === 'server/discover') Object.assign(stamped, { ttlMs: 0, cacheScope: 'private' });
  return stamped;
}

/** Which era a request belongs to, from its `_meta` envelope; an unknown modern version is refused. */
function requestIsModern(method: string, params: JsonObject): boolean {
  const meta = params._meta;
  const version = isObject(meta) ? meta[PROTOCOL_VERSION_KEY] : undefined;
  if (typeof version !== 'string') return method === 'server/discover';
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw new RpcError(-32022, `Unsupported protocol version: ${version}`, { supported: SUPPORTED_VERSIONS, requested: version });
  }
  return version === MODERN_VERSION;
}

async function onRequest(id: RequestId, method: string, params: JsonObject): Promise<void> {
  try {
    const modern = requestIsModern(method, params);
    // A 2.x client probes server/discover on a throwaway process, so a modern session may start with any request.
    if (modern) era = 'modern';
    const result = await handleRequest(id, method, params, modern);
    if (result === undefined) return;
    send({ id, result: modern && result.resultType === undefined ? stampModern(method, result) : result });
  } catch (error) {
    const rpc = error instanceof RpcError ? error : new RpcError(-32603, `Internal error: ${(error as Error).message}`);
    send({ id, error: { code: rpc.code, message: rpc.message, ...(rpc.data === undefined ? {} : { data: rpc.data }) } });
  }
}

function onNotification(method: string, params: JsonObject): void {
  if (method !== 'notifications/cancelled') return;
  const id = params.requestId;
  if (typeof id !== 'string' && typeof id !== 'number') return;
  if (!subscriptions.delete(id)) cancelled.add(id);
}

function onResponse(message: JsonObject): void {
  const id = message.id;
  const pending = typeof id === 'string' ? pendingServerRequests.get(id) : undefined;
  if (pending === undefined) {
    log(`ignoring a response to an unknown request id ${JSON.stringify(id)}`);
    return;
  }
  pendingServerRequests.delete(id as string);
  if (isObject(message.result)) pending.resolve(message.result);
  else pending.reject(new Error(isObject(message.error) ? String(message.error.message) : 'the client answered without a result'));
}

// ---- framing: one JSON-RPC message per line, nothing else ----

function onLine(line: string): void {
  if (line.trim() === '') return;
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    log(`not JSON: ${line.slice(0, 200)}`);
    send({ id: null, error: { code: -32700, message: 'Parse error: each line must be one JSON-RPC message' } });
    return;
  }
  if (!isObject(message) || message.jsonrpc !== '2.0') {
    send({ id: null, error: { code: -32600, message: 'Invalid Request: expected one JSON-RPC 2.0 object (batches are not accepted)' } });
    return;
  }
  const { id, method } = message;
  const params = isObject(message.params) ? message.params : {};
  if (typeof method !== 'string') {
    if (id !== undefined) onResponse(message);
    return;
  }
  if (id === undefined) onNotification(method, params);
  else if (typeof id === 'string' || typeof id === 'number') void onRequest(id, method, params);
  else send({ id: null, error: { code: -32600, message: 'Invalid Request: id must be a string or a number' } });
}

const decoder = new StringDecoder('utf8');
let buffered = '';
process.stdin.on('data', (chunk: Buffer) => {
  buffered += decoder.write(chunk);
  let newline = buffered.indexOf('\n');
  while (newline >= 0) {
    const line = buffered.slice(0, newline).replace(/\r$/, '');
    buffered = buffered.slice(newline + 1);
    onLine(line);
    newline = buffered.indexOf('\n');
  }
});
process.stdin.on('end', () => {
  unwatchFile(toolsFile);
  process.stdout.write('', () => process.exit(0));
});
log(`serving ${toolsFile}`);
