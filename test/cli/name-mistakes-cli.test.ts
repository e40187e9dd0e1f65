import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

/** A mistyped server name is the user's mistake: one clean line naming what they probably meant, and exit 2. */

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function homeWithFilesystem(): string {
  const { dir, cleanup } = makeTempDir('airlock-names-');
  cleanups.push(cleanup);
  const home = path.join(dir, 'home');
  const added = runCli(['servers', 'add', 'filesystem', '--home', home, '--', 'node', 'server.js']);
  expect(added.status, added.stderr).toBe(0);
  return home;
}

describe('an unknown server name', () => {
  it.each([
    ['review', ['review', 'fs']],
    ['tools list', ['tools', 'list', 'fs']],
    ['approve', ['approve', 'fs', '--hash', `sha256:${'a'.repeat(64)}`]],
    ['quarantine', ['quarantine', 'fs']],
  ])('in %s says "did you mean" and exits 2', (_name, args) => {
    const home = homeWithFilesystem();
    const result = runCli([...args, '--home', home]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toMatch(/no server "fs"; did you mean "filesystem"\?$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
