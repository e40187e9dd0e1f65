import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: compile the Node code into dist/ once, so that tests which start
 * real processes (the CLI, concurrent writers) run the code under test, never a stale build.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.node.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
