import { afterEach, describe, expect, it } from 'vitest';
import { copyFixtureHome, type FixtureHome } from '../clients/fixture-home.js';
import { runCli } from '../support/run-cli.js';

/** Subcommands of one family take the same options: what `clients install` was given, `clients restore` accepts. */

let homes: FixtureHome[] = [];
afterEach(() => {
  for (const h of homes) h.cleanup();
  homes = [];
});

describe('airlock clients restore', () => {
  it('accepts --platform, --user-home and --project as install does, and gives every file back', () => {
    const h = copyFixtureHome('win32');
    homes.push(h);
    const before = h.snapshot();
    const install = runCli(['--home', h.airlockHome, 'clients', 'install', '--yes', ...h.where()]);
    expect(install.status, install.stderr).toBe(0);
    const restore = runCli(['--home', h.airlockHome, 'clients', 'restore', '--yes', ...h.where()]);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    const restored = h.snapshot();
    for (const [file, bytes] of before) expect(restored.get(file)?.equals(bytes), `${file} is byte-identical`).toBe(true);
  });

  it('refuses an unknown --platform with a clean message and exit 2, as list and install do', () => {
    const h = copyFixtureHome('linux');
    homes.push(h);
    for (const sub of ['list', 'restore']) {
      const result = runCli(['--home', h.airlockHome, 'clients', sub, '--platform', 'beos']);
      expect(result.status, sub).toBe(2);
      expect(result.stderr, sub).toMatch(/^airlock: .*beos.*Nothing was changed\.\n$/);
    }
  });
});
