import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const AIRLOCK_BIN = fileURLToPath(new URL('../../bin/airlock.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `airlock` command in a child process, as a user or a script would; `input` is piped to its stdin. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = {}, options: { input?: string } = {}): CliResult {
  const result = spawnSync(process.execPath, [AIRLOCK_BIN, ...args], {
    encoding: 'utf8',
    input: options.input,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
