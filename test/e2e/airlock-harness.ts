import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { listAuditEvents, type AuditEvent } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import type { HostEvents } from '../../src/host/host-events.js';
import { Host, type HostOptions } from '../../src/host/host.js';
import type { Client as Sdk1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectSdk1, demoServer, type McpConnection, type ServerCommand } from '../support/mcp-clients.js';
import { AIRLOCK_BIN, runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/**
 * A fresh Airlock home with a Host running in the test process (so a test can watch its
 * events and answer holds), real `airlock connect` processes spawned by real MCP clients,
 * and real upstream servers behind them.
 */
export interface AirlockHome {
  home: string;
  dir: string;
  host: Host;
  /** Registers a server with the real CLI (`airlock servers add`). */
  addServer(name: string, server: ServerCommand, options?: { approve?: boolean; secrets?: Record<string, string> }): void;
  /** The command an AI client runs instead of the server's: `airlock connect NAME`. */
  connect(name: string): ServerCommand;
  /** A tools file for the demo server, and a way to rewrite it (the server then says list_changed). */
  toolsFile(surface: object): { file: string; write(next: object): void };
  close(): Promise<void>;
}

export async function startAirlockHome(options: Omit<HostOptions, 'home'> = {}): Promise<AirlockHome> {
  const { dir, cleanup } = makeTempDir('airlock-e2e-');
  const home = path.join(dir, 'home');
  const host = await Host.start({ home, ...options });
  return {
    home,
    dir,
    host,
    addServer(name, server, opts = {}) {
      const env = Object.entries(server.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
      const secretKeys = Object.keys(opts.secrets ?? {});
      const args = ['servers', 'add', name, '--home', home, ...(opts.approve ? ['--approve'] : []), ...env, ...secretKeys.flatMap((k) => ['--secret', k]), '--', server.command, ...server.args];
      const input = secretKeys.map((k) => `${opts.secrets?.[k]}\n`).join('');
      const result = runCli(args, {}, input ? { input } : {});
      if (result.status !== 0) throw new Error(`servers add failed: ${result.stderr}`);
    },
    connect(name) {
      return { command: process.execPath, args: [AIRLOCK_BIN, 'connect', name, '--home', home, '--no-autostart'] };
    },
    toolsFile(surface) {
      const file = path.join(dir, `tools-${Math.random().toString(36).slice(2)}.json`);
      const write = (next: object): void => writeFileSync(file, JSON.stringify(next));
      write(surface);
      return { file, write };
    },
    async close() {
      await host.stop();
      cleanup();
    },
  };
}

/** The audit log as the CLI reads it, through its own read-only connection (the Host may be running). */
export function auditEvents(home: string): AuditEvent[] {
  const store = openStore(home, { readonly: true });
  try {
    return listAuditEvents(store, { limit: 10_000 });
  } finally {
    store.close();
  }
}

const anyObject = { type: 'object' } as const;

/** A demo-server tool definition. */
export function demoTool(name: string, description = `The ${name} tool.`, inputSchema: object = anyObject): object {
  return { name, description, inputSchema };
}

/** The demo server's tools that do something, so a test can call any of them. */
export const DEMO_TOOLS = ['echo', 'slow', 'crash', 'garbage', 'ask_model', 'ask_user', 'list_roots', 'progress', 'log'].map((n) =>
  demoTool(n, `The ${n} tool.`, n === 'echo' ? { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] } : anyObject),
);

/** Waits for the next Host event of one kind. */
export function nextEvent<K extends keyof HostEvents>(host: Host, name: K, timeoutMs = 15_000): Promise<HostEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within ${timeoutMs} ms`)), timeoutMs);
    const listener = (value: HostEvents[K][0]): void => {
      clearTimeout(timer);
      resolve(value);
    };
    (host.once as (event: K, fn: (value: HostEvents[K][0]) => void) => Host)(name, listener);
  });
}

/** The demo tools with echo's description rewritten: the change most tests make. */
export function demoToolsWithEcho(description: string, instructions?: string): object {
  const tools = DEMO_TOOLS.map((t) => ((t as { name: string }).name === 'echo' ? { ...t, description } : t));
  return instructions === undefined ? { tools } : { instructions, tools };
}

/**
 * The demo server behind Airlock with a connected SDK 1.x client that has listed once (so
 * Airlock's own first listing is done and later surface events are the test's own).
 */
export async function connectDemo(
  airlock: AirlockHome,
  options: { approve?: boolean; surface?: object; cleanups: Array<() => unknown> },
): Promise<{ tools: ReturnType<AirlockHome['toolsFile']>; client: McpConnection<Sdk1Client> }> {
  const tools = airlock.toolsFile(options.surface ?? { tools: DEMO_TOOLS });
  airlock.addServer('demo', demoServer(tools.file), { approve: options.approve ?? true });
  const { command, args } = airlock.connect('demo');
  const client = await connectSdk1(command, args);
  options.cleanups.push(() => client.close());
  await client.client.listTools();
  return { tools, client };
}

/** Rewrites the demo server's tools and waits until Airlock has re-listed and judged them. */
export async function rewriteTools(airlock: AirlockHome, tools: ReturnType<AirlockHome['toolsFile']>, next: object): Promise<HostEvents['surface.changed'][0]> {
  const changed = nextEvent(airlock.host, 'surface.changed');
  tools.write(next);
  return changed;
}
