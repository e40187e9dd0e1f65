#!/usr/bin/env node
// A scriptable malicious MCP stdio server for end-to-end tests (plain Node ESM, no dependencies).
// It speaks MCP 2025-11-25 over newline-delimited JSON-RPC on stdin/stdout and answers
// initialize, tools/list, prompts/list, resources/list, resources/templates/list, tools/call,
// resources/read, completion/complete and ping; other requests get -32601.
//
// HOSTILE_SCRIPT names a JSON file, re-read on every message, so a test can change it
// mid-session. HOSTILE_LOG names a file where every line received is appended (one per line,
// as received), so a test can assert what reached the server. Both are optional.
//
// Script format (every field optional):
// {
//   "serverInfo":   { "name": "hostile", "version": "1.0.0" },   // initialize's serverInfo
//   "instructions": "text",                                        // initialize's instructions
//   "tools":     [ { "name", "description", "inputSchema", ... } ], // tools/list
//   "prompts":   [ ... ], "resources": [ ... ], "resourceTemplates": [ ... ],
//   "extra": {                                // keys merged into results as is (unknown keys, _meta)
//     "initialize": { "_meta": { ... }, "x-unknown": 1 },
//     "tools/list": { ... }, "prompts/list": { ... }, "resources/list": { ... }, "resources/templates/list": { ... }
//   },
//   "send": [                                 // raw lines written on a trigger, each once per trigger
//     { "on": "initialize" | "initialized" | "call:<tool name>" | "timer", "afterMs": 0,
//       "line": "raw text, written as is plus \n" }   // or "message": { ...JSON... } to serialize
//   ],
//   "serverRequests": [                       // server-initiated requests, sent on a trigger like "send"
//     { "on": "initialized", "method": "sampling/createMessage" | "elicitation/create" | "roots/list", "params": { ... } }
//   ],
//   "listChanged": "initialized" | "call:<tool name>",  // when to send notifications/tools/list_changed
//   "listDelayMs": 0,                         // answer list requests this much later (a slow re-list)
//   "calls": {                                // how tools/call answers, by tool name ("*" for any)
//     "<name>": { "text": "answer text" }
//             | { "deep": 5000 }              // a result nested N arrays deep, built as text
//             | { "oversizeBytes": 40000000 } // an answer of about that many bytes
//             | { "error": "message" }
//             | { "silent": true }            // never answer
//   }
// }
// A "timer" trigger fires once, afterMs after the server starts. Writes are raw: a line may be
// invalid JSON, carry duplicate keys, or be split across writes ("line" may contain "\n").
import { appendFileSync, readFileSync } from 'node:fs';

const PROTOCOL_VERSION = '2025-11-25';
const started = Date.now();

function script() {
  const file = process.env.HOSTILE_SCRIPT;
  if (!file) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
}

function writeLine(text) {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

const send = (message) => writeLine(JSON.stringify(message));
let ownSeq = 0;

/** Lines and server requests whose trigger is `trigger`, after their delay. */
function fire(trigger) {
  const s = script();
  for (const item of s.send ?? []) {
    if (item.on !== trigger) continue;
    const text = typeof item.line === 'string' ? item.line : JSON.stringify(item.message ?? {});
    setTimeout(() => writeLine(text), item.afterMs ?? 0);
  }
  for (const request of s.serverRequests ?? []) {
    if (request.on !== trigger) continue;
    setTimeout(() => send({ jsonrpc: '2.0', id: `hostile-${++ownSeq}`, method: request.method, params: request.params ?? {} }), request.afterMs ?? 0);
  }
  if (s.listChanged === trigger) send({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
}

function initializeResult(s) {
  return {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: { tools: { listChanged: true }, prompts: { listChanged: true }, resources: { listChanged: true, subscribe: true }, completions: {} },
    serverInfo: s.serverInfo ?? { name: 'hostile', version: '1.0.0' },
    ...(typeof s.instructions === 'string' ? { instructions: s.instructions } : {}),
    ...(s.extra?.initialize ?? {}),
  };
}

const LISTS = { 'tools/list': 'tools', 'prompts/list': 'prompts', 'resources/list': 'resources', 'resources/templates/list': 'resourceTemplates' };

function answerCall(id, params, s) {
  const name = typeof params?.name === 'string' ? params.name : '';
  const how = s.calls?.[name] ?? s.calls?.['*'] ?? { text: `called ${name}` };
  const idText = JSON.stringify(id);
  if (how.silent) return;
  if (typeof how.error === 'string') send({ jsonrpc: '2.0', id, error: { code: -32000, message: how.error } });
  else if (Number.isInteger(how.deep)) writeLine(`{"jsonrpc":"2.0","id":${idText},"result":{"content":[],"deep":${'['.repeat(how.deep)}${']'.repeat(how.deep)}}}`);
  else if (Number.isInteger(how.oversizeBytes)) writeLine(`{"jsonrpc":"2.0","id":${idText},"result":{"content":[{"type":"text","text":"${'x'.repeat(how.oversizeBytes)}"}]}}`);
  else send({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: String(how.text ?? '') }] } });
  fire(`call:${name}`);
}

function handle(line) {
  if (process.env.HOSTILE_LOG) appendFileSync(process.env.HOSTILE_LOG, `${line}\n`);
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  if (typeof message !== 'object' || message === null || typeof message.method !== 'string') return;
  const s = script();
  const { id, method, params } = message;
  if (!('id' in message)) {
    if (method === 'notifications/initialized') fire('initialized');
    return;
  }
  if (method === 'initialize') {
    send({ jsonrpc: '2.0', id, result: initializeResult(s) });
    fire('initialize');
  } else if (Object.hasOwn(LISTS, method)) {
    const field = LISTS[method];
    const answer = () => send({ jsonrpc: '2.0', id, result: { [field]: s[field] ?? [], ...(s.extra?.[method] ?? {}) } });
    if (Number.isInteger(s.listDelayMs) && s.listDelayMs > 0) setTimeout(answer, s.listDelayMs);
    else answer();
  } else if (method === 'tools/call') {
    answerCall(id, params, s);
  } else if (method === 'resources/read') {
    send({ jsonrpc: '2.0', id, result: { contents: [{ uri: String(params?.uri ?? ''), text: 'resource text' }] } });
  } else if (method === 'completion/complete') {
    send({ jsonrpc: '2.0', id, result: { completion: { values: [], total: 0, hasMore: false } } });
  } else if (method === 'ping') {
    send({ jsonrpc: '2.0', id, result: {} });
  } else {
    send({ jsonrpc: '2.0', id, error: { code: -32601, message: `method not found: ${method}` } });
  }
}

for (const item of [...(script().send ?? []), ...(script().serverRequests ?? [])]) {
  if (item.on === 'timer') setTimeout(() => (item.method ? send({ jsonrpc: '2.0', id: `hostile-${++ownSeq}`, method: item.method, params: item.params ?? {} }) : writeLine(typeof item.line === 'string' ? item.line : JSON.stringify(item.message ?? {}))), Math.max(0, (item.afterMs ?? 0) - (Date.now() - started)));
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\n')) !== -1) {
    const line = pending.slice(0, newline).replace(/\r$/, '');
    pending = pending.slice(newline + 1);
    if (line !== '') handle(line);
  }
});
process.stdin.on('end', () => process.exit(0));
