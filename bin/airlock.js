#!/usr/bin/env node
// The `airlock` command. It runs the compiled CLI (dist/, built by `npm ci` through the
// `prepare` script) so that start-up never pays for transpiling.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('airlock: the compiled CLI is missing (dist/cli/main.js). Build it with: npm run build:node\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
