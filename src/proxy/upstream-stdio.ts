import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { DEFAULT_MAX_FRAME_BYTES, LineFramer } from './line-framer.js';

export interface UpstreamSpec {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string | undefined;
  maxFrameBytes?: number;
  /** Removes secret values from the server's stderr before anyone sees it. */
  redact?: (text: string) => string;
}

export interface UpstreamEvents {
  line: [Buffer];
  oversize: [number, Buffer?];
  exit: [{ code: number | null; signal: NodeJS.Signals | null; error: Error | null }];
}

const STDERR_TAIL_BYTES = 8 * 1024;
const NEWLINE = Buffer.from('\n');
const KILL_GRACE_MS = 2_000;

/**
 * A stdio MCP server started for one client session. It runs in a process group of its own
 * so that ending it also ends what it started (`npx` → node → the server): a client that
 * disconnects must leave no orphans behind.
 */
export class UpstreamStdio extends EventEmitter<UpstreamEvents> {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderrTail = '';
  private exited = false;
  readonly spawnedAt = Date.now();

  /** Where the server was started and the environment it got: what its program is resolved against (provenance). */
  get launch(): { cwd: string | undefined; env: Record<string, string> } {
    return { cwd: this.spec.cwd, env: this.spec.env };
  }

  constructor(private readonly spec: UpstreamSpec) {
    super();
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const framer = new LineFramer({
      maxBytes: spec.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
      onLine: (line) => this.emit('line', line),
      onOversize: (bytes, head) => this.emit('oversize', bytes, head),
    });
    this.child.stdout.on('data', (chunk: Buffer) => framer.push(chunk));
    this.child.stdout.on('end', () => framer.end());
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    // Writing to a server that already died must not crash the Host; exit reports it.
    this.child.stdin.on('error', () => undefined);
    let spawnError: Error | null = null;
    this.child.once('error', (error) => {
      spawnError = error;
      if (this.child.pid === undefined) this.finish(null, null, error);
    });
    this.child.once('close', (code, signal) => this.finish(code, signal, spawnError));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** The end of what the server wrote to stderr, secrets redacted. */
  stderr(): string {
    const text = this.stderrTail.trim();
    return this.spec.redact ? this.spec.redact(text) : text;
  }

  send(line: Buffer | string): void {
    if (this.exited) return;
    // One write per message: a separate newline write would cost a second syscall per call.
    if (typeof line === 'string') this.child.stdin.write(line.endsWith('\n') ? line : `${line}\n`);
    else this.child.stdin.write(line[line.length - 1] === 0x0a ? line : Buffer.concat([line, NEWLINE]));
  }

  /** Stops reading its stdout: the server then blocks on a full pipe, holding its own flood. */
  pauseReading(): void {
    this.child.stdout.pause();
  }

  resumeReading(): void {
    this.child.stdout.resume();
  }

  /** Ends the server and its process group: SIGTERM, then SIGKILL if it lingers. */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('exit', () => resolve());
      // 'close' (and so 'exit') waits for stdout to end: a paused stdout must be read to its end.
      this.child.stdout.resume();
      this.child.stdin.end();
      this.signal('SIGTERM');
      setTimeout(() => this.signal('SIGKILL'), KILL_GRACE_MS).unref();
    });
  }

  private signal(signal: NodeJS.Signals): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill(signal);
      else process.kill(-this.child.pid, signal);
    } catch {
      // Already gone.
    }
  }

  private finish(code: number | null, signal: NodeJS.Signals | null, error: Error | null): void {
    if (this.exited) return;
    this.exited = true;
    // The group may still hold children the server started; end them with it.
    if (process.platform !== 'win32' && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // No such group left.
      }
    }
    this.emit('exit', { code, signal, error });
  }
}
