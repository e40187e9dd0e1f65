import { spawn, type ChildProcess } from 'node:child_process';
import { AIRLOCK_BIN } from './run-cli.js';

export interface RunningCli {
  child: ChildProcess;
  /** Every byte the command wrote to stdout so far. */
  stdout(): Buffer;
  stderr(): string;
  /** Resolves when stdout holds `count` complete lines. */
  linesOut(count: number): Promise<string[]>;
  /** Resolves with the exit code once the process has exited and its output is read. */
  exited: Promise<number | null>;
}

/**
 * Starts the real `airlock` command without blocking this process (runCli's spawnSync would
 * freeze a fake Host living in the test's own event loop).
 */
export function spawnCli(args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningCli {
  const child = spawn(process.execPath, [AIRLOCK_BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  let err = '';
  const lineWaiters: Array<() => void> = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out.push(chunk);
    for (const wake of lineWaiters.splice(0)) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  child.stdin!.on('error', () => {}); // the command may exit before reading everything
  const stdout = (): Buffer => Buffer.concat(out);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const completeLines = (): string[] => {
    const text = stdout().toString('utf8');
    return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter((line) => line !== '');
  };
  const linesOut = async (count: number): Promise<string[]> => {
    for (;;) {
      const lines = completeLines();
      if (lines.length >= count) return lines;
      const more = new Promise<'more' | 'exit'>((resolve) => {
        lineWaiters.push(() => resolve('more'));
        void exited.then(() => resolve('exit'));
      });
      if ((await more) === 'exit') {
        const final = completeLines();
        if (final.length >= count) return final;
        throw new Error(`the command exited with ${final.length} of ${count} lines on stdout; stderr: ${err}`);
      }
    }
  };
  return { child, stdout, stderr: () => err, linesOut, exited };
}
