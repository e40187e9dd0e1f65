import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { LineFramer } from '../../proxy/line-framer.js';

export class DemoRpcError extends Error {
  override name = 'DemoRpcError';
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * The smallest MCP client the demo needs, speaking newline-delimited JSON-RPC to the command
 * an AI client would run (`airlock connect NAME`). It keeps the demo free of any SDK.
 */
export class DemoClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  readonly notifications: string[] = [];

  constructor(command: string, args: readonly string[]) {
    this.child = spawn(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const framer = new LineFramer({ onLine: (line) => this.onLine(line), onOversize: () => undefined });
    this.child.stdout.on('data', (chunk: Buffer) => framer.push(chunk));
    this.child.once('close', () => {
      for (const [, w] of this.waiting) w.reject(new Error('airlock connect exited'));
      this.waiting.clear();
    });
  }

  async initialize(): Promise<Record<string, unknown>> {
    const result = await this.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'airlock-demo', version: '1' } });
    this.notify('notifications/initialized');
    return result;
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  notify(method: string, params: Record<string, unknown> = {}): void {
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('close', () => resolve());
      this.child.stdin.end();
    });
  }

  private onLine(line: Buffer): void {
    const message = JSON.parse(line.toString('utf8')) as { id?: number; method?: string; result?: Record<string, unknown>; error?: { code: number; message: string } };
    if (message.method !== undefined) {
      if (message.id === undefined) this.notifications.push(message.method);
      return;
    }
    const w = message.id === undefined ? undefined : this.waiting.get(message.id);
    if (!w || message.id === undefined) return;
    this.waiting.delete(message.id);
    if (message.error) w.reject(new DemoRpcError(message.error.message, message.error.code));
    else w.resolve(message.result ?? {});
  }
}
