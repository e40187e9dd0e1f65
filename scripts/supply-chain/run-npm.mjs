// Runs npm as a child process and collects its output; the supply-chain checks read npm's
// own answers (audit, sbom, ls) instead of re-implementing them.
import { spawn } from 'node:child_process';

/** @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
export function runNpm(args, { cwd, env = process.env } = {}) {
  return runCommand(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env });
}

/** @returns {Promise<{ code: number, stdout: string, stderr: string }>} */
export function runCommand(command, args, { cwd, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({
      code: code ?? 1,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    }));
  });
}
