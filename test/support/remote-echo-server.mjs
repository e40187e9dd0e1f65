#!/usr/bin/env node
// A remote MCP server for Airlock's end-to-end tests: the MCP SDK 1.x Streamable HTTP server
// transport (stateful sessions) on 127.0.0.1, in its own process. Its tools come from the JSON
// file REMOTE_TOOLS_FILE ({ tools: [{ name, description }] }), read at every tools/list; when
// the file changes it tells every session (tools/list_changed), like the stdio demo server.
// Every tool answers with what it received: its arguments, and the request headers it was
// sent (the SHA-256 of each header named in REMOTE_ECHO_HEADERS, so a test can see a key arrive;
// the value itself would be redacted by Airlock's response check, as it should be).
// With REMOTE_REQUIRE_HEADER=NAME:VALUE it answers 401 to any request without that header.
// The first line on stdout is {"url": "http://127.0.0.1:PORT/mcp"}.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, isInitializeRequest, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const toolsFile = process.env.REMOTE_TOOLS_FILE;
const echoed = (process.env.REMOTE_ECHO_HEADERS ?? '').split(',').filter(Boolean).map((h) => h.toLowerCase());
const [requiredName, requiredValue] = (process.env.REMOTE_REQUIRE_HEADER ?? '').split(/:(.*)/s);
const readTools = () => JSON.parse(fs.readFileSync(toolsFile, 'utf8')).tools.map((t) => ({ name: t.name, description: t.description, inputSchema: { type: 'object' } }));

const sessions = new Map();
const servers = new Set();
let lastHeaders = {};

function newServer() {
  const server = new Server({ name: 'remote-echo', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: readTools() }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => ({
    content: [{ type: 'text', text: JSON.stringify({ tool: request.params.name, arguments: request.params.arguments ?? {}, headers: lastHeaders }) }],
  }));
  servers.add(server);
  return server;
}

fs.watchFile(toolsFile, { interval: 50 }, () => {
  for (const server of servers) void server.sendToolListChanged().catch(() => undefined);
});

const http = createServer((req, res) => {
  void (async () => {
    if (requiredName && req.headers[requiredName.toLowerCase()] !== requiredValue) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'missing or wrong key' }));
      return;
    }
    lastHeaders = Object.fromEntries(echoed.map((name) => [name, typeof req.headers[name] === 'string' ? `sha256:${createHash('sha256').update(req.headers[name]).digest('hex')}` : null]));
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = chunks.length > 0 ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    const sessionId = req.headers['mcp-session-id'];
    let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (!transport) {
      if (sessionId !== undefined || !isInitializeRequest(body)) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
        return;
      }
      const created = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void sessions.set(id, created) });
      transport = created;
      await newServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  })().catch((error) => {
    if (!res.headersSent) res.writeHead(500).end(String(error));
  });
});

http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${http.address().port}/mcp` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
