#!/usr/bin/env node
// The `airlock` command. It runs the compiled CLI (dist/, built by `npm ci` through the
// `prepare` script) so that start-up never pays for transpiling.
import { existsSync } from 'node:fs';

// `airlock connect` starts with every MCP server an AI client launches: it loads its own small
// module directly, skipping the full CLI (commander, zod, the engine).
const isConnect = process.argv[2] === 'connect';
const entry = new URL(isConnect ? '../dist/cli/connect.js' : '../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(`airlock: the compiled CLI is missing (dist/cli/${isConnect ? 'connect' : 'main'}.js). Build it with: npm run build:node\n`);
  process.exit(2);
}
if (isConnect) {
  const { runConnect } = await import(entry.href);
  process.exitCode = await runConnect(process.argv.slice(3));
} else {
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}
