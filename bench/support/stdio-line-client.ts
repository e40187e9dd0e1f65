import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A bare MCP client over a child's stdio, one JSON-RPC message a line: no SDK, so a benchmark
 * can hold a hundred sessions open from one process without the client's own cost (schemas,
 * handlers) crowding the cores it shares with what it measures. It answers nothing the server
 * asks and ignores notifications.
 */
export class StdioLineClient {
  readonly child: ChildProcess;
  private buffered = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: { result?: unknown; error?: { message: string } }) => void; reject: (error: Error) => void }>();
  private stderrText = '';

  constructor(command: string, args: string[], env: Record<string, string>) {
    this.child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin?.on('error', () => {});
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderrText = (this.stderrText + chunk.toString('utf8')).slice(-2000)));
    this.child.stdout?.on('data', (chunk: Buffer) => this.read(chunk.toString('utf8')));
    this.child.once('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`exited ${code}: ${this.stderrText}`));
      this.pending.clear();
    });
  }

  async initialize(): Promise<void> {
    const answer = await this.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'airlock-bench', version: '1.0.0' } });
    if (answer.error) throw new Error(`initialize failed: ${answer.error.message}`);
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }

  request(method: string, params?: object): Promise<{ result?: unknown; error?: { message: string } }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    });
  }

  /** Closes stdin (the client leaves) and waits for the process to end, killing it after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private send(message: object): void {
    this.child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  private read(text: string): void {
    this.buffered += text;
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      newline = this.buffered.indexOf('\n');
      if (line.trim() === '') continue;
      const message = JSON.parse(line) as { id?: unknown; method?: unknown; result?: unknown; error?: { message: string } };
      if (typeof message.id !== 'number' || message.method !== undefined) continue;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      waiter?.resolve(message);
    }
  }
}
