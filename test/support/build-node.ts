import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Vitest global setup: compile the Node code into dist/ once, so that tests which start
 * real processes (the CLI, concurrent writers) run the code under test, never a stale build.
 * Type errors do not stop the run here (tsc still emits): `npm test` type-checks first.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.node.json'], { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) console.warn('tsc reported type errors (see above); tests run against what it emitted');
}
