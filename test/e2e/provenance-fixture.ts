import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { AirlockHome } from './airlock-harness.js';

/** What the provenance tests run: see test/fixtures/provenance/README.md. Nothing is fetched from a registry. */

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/provenance');
const DEMO_SERVER = JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/cli/demo/demo-server.js')).href);
export const PACKAGE = 'airlock-provenance-fixture';

/** The wrapper server's text; `extra` changes the file without changing what it lists. */
export function wrapperText(extra = ''): string {
  return readFileSync(path.join(FIXTURES, 'wrapper-server.mjs.txt'), 'utf8').replace('{{DEMO_SERVER}}', DEMO_SERVER) + extra;
}

/** A real MCP client through `airlock connect`, started in `cwd` (npx looks for a project's own copy there), offline. */
export async function connectIn(airlock: Pick<AirlockHome, 'connect'>, name: string, cwd: string, cleanups: Array<() => unknown>): Promise<Client> {
  const { command, args } = airlock.connect(name);
  const client = new Client({ name: 'provenance-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command, args, cwd, stderr: 'pipe', env: { ...(process.env as Record<string, string>), npm_config_offline: 'true', npm_config_update_notifier: 'false' } }));
  cleanups.push(() => client.close());
  await client.listTools();
  return client;
}

/** A project folder with a package.json, as `npm install` wants one. */
export function makeProject(dir: string): string {
  const project = path.join(dir, 'project');
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'provenance-project', version: '0.0.0', private: true }));
  return project;
}

/** Packs one version of the fixture package with `npm pack` and installs the tarball, offline, into `project`. */
export function installVersion(dir: string, project: string, version: string): void {
  const src = path.join(dir, `pkg-${version}`);
  mkdirSync(src, { recursive: true });
  writeFileSync(path.join(src, 'package.json'), readFileSync(path.join(FIXTURES, 'package.json.txt'), 'utf8').replace('{{VERSION}}', version));
  writeFileSync(path.join(src, 'server.mjs'), wrapperText(`// version ${version}\n`));
  const quiet = { stdio: 'pipe' as const, env: { ...process.env, npm_config_update_notifier: 'false', npm_config_cache: path.join(dir, 'npm-cache') } };
  const tarball = execFileSync('npm', ['pack', '--pack-destination', dir, src], { ...quiet, encoding: 'utf8' }).trim().split('\n').pop() as string;
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, tarball)], { ...quiet, cwd: project });
}
