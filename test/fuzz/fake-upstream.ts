import { EventEmitter } from 'node:events';
import { LineFramer } from '../../src/proxy/line-framer.js';
import type { UpstreamEvents } from '../../src/proxy/upstream-stdio.js';
import { POISON } from './arbitraries.js';

/** How the fake server answers one request: as asked, with an error, never, twice, too large, too deep, or to another id. */
export type AnswerMode = 'result' | 'error' | 'none' | 'twice' | 'oversize' | 'deep' | 'wrong-id';

export interface UpstreamPlan {
  initializeResult: Record<string, unknown>;
  listResult: Record<string, unknown>;
  /** Taken in turn for each request the fake receives. */
  modes: AnswerMode[];
  maxFrameBytes: number;
}

const LIST_FIELDS: Record<string, string> = { 'tools/list': 'tools', 'prompts/list': 'prompts', 'resources/list': 'resources', 'resources/templates/list': 'resourceTemplates' };

/**
 * An in-memory stand-in for UpstreamStdio (same events, `send`, `stop`, `alive`, `stderr`): a
 * hostile server that answers initialize and every list with poisoned text, other calls per its
 * plan, and says whatever the property tells it to say. Its lines go through a real LineFramer,
 * as a child process's stdout does. It records every line it received, and flags a request
 * whose id is already in flight (one message that two requests would answer).
 */
export class FakeUpstream extends EventEmitter<UpstreamEvents> {
  alive = true;
  readonly received: string[] = [];
  readonly inFlight = new Map<string, string>();
  readonly idCollisions: string[] = [];
  private turn = 0;
  private readonly framer: LineFramer;

  constructor(private readonly plan: UpstreamPlan) {
    super();
    this.framer = new LineFramer({ maxBytes: plan.maxFrameBytes, onLine: (line) => this.emit('line', Buffer.from(line)), onOversize: (n) => this.emit('oversize', n) });
  }

  get pid(): number | undefined {
    return undefined;
  }

  stderr(): string {
    return '';
  }

  /** Bytes as the server's stdout would carry them. */
  write(bytes: Buffer): void {
    if (this.alive) this.framer.push(bytes);
  }

  send(line: Buffer | string): void {
    if (!this.alive) return;
    const text = (typeof line === 'string' ? line : line.toString('utf8')).replace(/\n$/, '');
    this.received.push(text);
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.method !== 'string' || !('id' in message)) return;
    const key = `${typeof message.id}:${String(message.id)}`;
    if (this.inFlight.has(key)) this.idCollisions.push(`${message.method} with id ${key} while ${this.inFlight.get(key)} had it`);
    this.inFlight.set(key, message.method);
    const mode = this.plan.modes.length === 0 ? 'result' : this.plan.modes[this.turn++ % this.plan.modes.length]!;
    setImmediate(() => this.answer(message, key, mode));
  }

  stop(): Promise<void> {
    if (this.alive) {
      this.alive = false;
      setImmediate(() => this.emit('exit', { code: 0, signal: null, error: null }));
    }
    return Promise.resolve();
  }

  private answer(request: Record<string, unknown>, key: string, mode: AnswerMode): void {
    if (!this.alive || mode === 'none') return;
    const method = request.method as string;
    const field = LIST_FIELDS[method];
    let result: unknown;
    if (method === 'initialize' || method === 'server/discover') result = this.plan.initializeResult;
    else if (field) result = { ...this.plan.listResult, [field]: this.plan.listResult.tools ?? [{ name: `${POISON}_item`, uri: `file:///${POISON}`, uriTemplate: POISON }] };
    else result = { content: [{ type: 'text', text: 'done' }] };
    this.inFlight.delete(key);
    const id = JSON.stringify(request.id);
    const line = (body: string) => this.write(Buffer.from(`${body}\n`));
    switch (mode) {
      case 'error':
        return line(`{"jsonrpc":"2.0","id":${id},"error":{"code":-32000,"message":"no"}}`);
      case 'twice':
        line(`{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(result)}}`);
        return line(`{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(result)}}`);
      case 'oversize':
        return line(`{"jsonrpc":"2.0","id":${id},"result":{"text":"${'x'.repeat(this.plan.maxFrameBytes)}"}}`);
      case 'deep':
        return line(`{"jsonrpc":"2.0","id":${id},"result":{"a":${'['.repeat(2000)}${']'.repeat(2000)}}}`);
      case 'wrong-id':
        return line(`{"jsonrpc":"2.0","id":${JSON.stringify(`${String(request.id)}x`)},"result":${JSON.stringify(result)}}`);
      case 'result':
        return line(`{"jsonrpc":"2.0","id":${id},"result":${JSON.stringify(result)}}`);
    }
  }
}
