import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'remote-echo-server.mjs');

/** remote-echo-server.mjs in its own process on 127.0.0.1: its URL, its pid (for `ps`), and a stop. */
export async function startRemoteEcho(options: { toolsFile: string; echoHeaders?: string[]; requireHeader?: string }): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [SCRIPT], {
    env: {
      ...process.env,
      REMOTE_TOOLS_FILE: options.toolsFile,
      REMOTE_ECHO_HEADERS: (options.echoHeaders ?? []).join(','),
      ...(options.requireHeader ? { REMOTE_REQUIRE_HEADER: options.requireHeader } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`remote-echo-server exited with ${code} before it was ready`)));
  });
  return {
    url: (JSON.parse(first) as { url: string }).url,
    pid: child.pid ?? 0,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
