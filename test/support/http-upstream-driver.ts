/** Drives an UpstreamHttp as the relay does: raw JSON-RPC lines in, lines out, one message each. */
import type { UpstreamExit } from '../../src/proxy/upstream.js';
import type { UpstreamHttp } from '../../src/proxy/upstream-http.js';

export type Message = Record<string, unknown> & { id?: string | number; result?: Record<string, unknown>; error?: { code: number; message: string; data?: Record<string, unknown> } };

export const LEGACY_VERSION = '2025-11-25';
export const MODERN_VERSION = '2026-07-28';

export class UpstreamDriver {
  readonly messages: Message[] = [];
  readonly lines: Buffer[] = [];
  readonly oversizes: number[] = [];
  readonly exited: Promise<UpstreamExit>;
  private waiters: Array<() => void> = [];

  constructor(readonly upstream: UpstreamHttp) {
    upstream.on('line', (line) => {
      this.lines.push(line);
      this.messages.push(JSON.parse(line.toString('utf8')) as Message);
      this.wake();
    });
    upstream.on('oversize', (bytes) => (this.oversizes.push(bytes), this.wake()));
    this.exited = new Promise((resolve) => upstream.once('exit', (exit) => (resolve(exit), this.wake())));
  }

  /** Sends a request as the client's raw line and waits for its answer. */
  request(id: string | number, method: string, params: Record<string, unknown> = {}, timeoutMs = 15_000): Promise<Message> {
    this.upstream.send(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return this.waitFor((m) => m.id === id && ('result' in m || 'error' in m), timeoutMs, `an answer to ${method} (id ${id})`);
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.upstream.send(JSON.stringify({ jsonrpc: '2.0', method, ...(params ? { params } : {}) }));
  }

  /** initialize and initialized, as a 2025-11-25 client starts. */
  async initialize(id: string | number = 0): Promise<Message> {
    const answer = await this.request(id, 'initialize', { protocolVersion: LEGACY_VERSION, capabilities: {}, clientInfo: { name: 'airlock-test', version: '1.0.0' } });
    this.notify('notifications/initialized');
    return answer;
  }

  waitFor(test: (m: Message) => boolean, timeoutMs = 15_000, what = 'a message'): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 2000)}`)), timeoutMs);
      const check = (): boolean => {
        const found = this.messages.find(test);
        if (!found) return false;
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      if (check()) return;
      const waiter = (): void => {
        if (!check()) this.waiters.push(waiter);
      };
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/** The per-request _meta a 2026-07-28 client sends in place of initialize. */
export function modernMeta(): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
    'io.modelcontextprotocol/clientCapabilities': {},
    'io.modelcontextprotocol/clientInfo': { name: 'airlock-test', version: '1.0.0' },
  };
}
