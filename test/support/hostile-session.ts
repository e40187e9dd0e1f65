import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AirlockHome } from '../e2e/airlock-harness.js';
import { spawnCli } from './spawn-cli.js';

/**
 * The scriptable hostile upstream (hostile-upstream.mjs) registered in an Airlock home, and a
 * client that writes JSON-RPC lines to `airlock connect NAME` by hand: what the attack tests
 * share.
 */
export const HOSTILE_UPSTREAM = fileURLToPath(new URL('./hostile-upstream.mjs', import.meta.url));

export type RawMessage = Record<string, unknown> & { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string }; method?: string };

export interface HostileUpstream {
  /** Rewrites the upstream's script; it reads it on every message. */
  script(next: object): void;
  /** Every line the upstream received so far. */
  received(): string[];
}

/** Registers a hostile upstream under `name`, pinned on its first listing (--approve). */
export function addHostileUpstream(airlock: AirlockHome, name: string, script: object): HostileUpstream {
  const file = path.join(airlock.dir, `${name}-script.json`);
  const log = path.join(airlock.dir, `${name}-received.log`);
  writeFileSync(file, JSON.stringify(script));
  airlock.addServer(name, { command: process.execPath, args: [HOSTILE_UPSTREAM], env: { HOSTILE_SCRIPT: file, HOSTILE_LOG: log } }, { approve: true });
  return {
    script: (next) => writeFileSync(file, JSON.stringify(next)),
    received: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

export interface RawClient {
  send(line: string | object): void;
  /** The first message from Airlock that matches, waiting for it. */
  next(match: (m: RawMessage) => boolean, timeoutMs?: number): Promise<RawMessage>;
  all(): RawMessage[];
  /** initialize, initialized and a tools/list: Airlock has listed (and, on first use, pinned) the server. */
  handshake(): Promise<RawMessage>;
}

export const byId =
  (id: unknown) =>
  (m: RawMessage): boolean =>
    m.id === id;

export function rawClient(airlock: AirlockHome, name: string, cleanups: Array<() => unknown>): RawClient {
  const cli = spawnCli(airlock.connect(name).args.slice(1));
  cleanups.push(() => cli.child.kill());
  const messages = (): RawMessage[] =>
    cli
      .stdout()
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as RawMessage];
        } catch {
          return [];
        }
      });
  const send = (line: string | object): void => void cli.child.stdin!.write(`${typeof line === 'string' ? line : JSON.stringify(line)}\n`);
  const next = async (match: (m: RawMessage) => boolean, timeoutMs = 15_000): Promise<RawMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages().find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages()).slice(0, 2000)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return {
    send,
    next,
    all: messages,
    async handshake() {
      send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: { sampling: {} }, clientInfo: { name: 'raw', version: '1' } } });
      const init = await next(byId('init'));
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 'list', method: 'tools/list', params: {} });
      await next(byId('list'));
      return init;
    },
  };
}
