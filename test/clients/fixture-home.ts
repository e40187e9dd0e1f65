import { afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientPlatform } from '../../src/clients/client-adapter.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/clients/', import.meta.url));

/** A copy of a fixture user home (and the fixture project) in a temp folder, with an Airlock home beside it. */
export interface FixtureHome {
  dir: string;
  userHome: string;
  project: string;
  airlockHome: string;
  platform: ClientPlatform;
  /** Every file under the user home and the project, relative path → bytes. */
  snapshot(): Map<string, Buffer>;
  /** The `--user-home … --platform … --project …` words for the CLI. */
  where(): string[];
  cleanup(): void;
}

export function copyFixtureHome(platform: ClientPlatform): FixtureHome {
  const { dir, cleanup } = makeTempDir(`airlock-clients-${platform}-`);
  const userHome = path.join(dir, 'home');
  const project = path.join(dir, 'project');
  fs.cpSync(path.join(FIXTURES, 'homes', platform), userHome, { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'project'), project, { recursive: true });
  return {
    dir,
    userHome,
    project,
    airlockHome: path.join(dir, 'airlock'),
    platform,
    snapshot: () => new Map([...filesUnder(userHome, 'home'), ...filesUnder(project, 'project')]),
    where: () => ['--user-home', userHome, '--platform', platform, '--project', project],
    cleanup,
  };
}

function filesUnder(root: string, label: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.join(label, path.relative(root, full)), fs.readFileSync(full));
  }
  return files;
}

/** A fresh Linux fixture home per call, each removed after the test that made it. */
export function linuxFixtureHomes(): () => FixtureHome {
  let homes: FixtureHome[] = [];
  afterEach(() => {
    for (const h of homes) h.cleanup();
    homes = [];
  });
  return () => {
    const h = copyFixtureHome('linux');
    homes.push(h);
    return h;
  };
}

/** A copy of a linux fixture home (`fixture`, an absolute folder) per call, each removed after the test that made it, with the CLI aimed at it. */
export function linuxHomeCopies(fixture: string, prefix: string) {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return () => {
    const { dir, cleanup } = makeTempDir(prefix);
    cleanups.push(cleanup);
    const userHome = path.join(dir, 'home');
    fs.cpSync(fixture, userHome, { recursive: true });
    const airlockHome = path.join(dir, 'airlock');
    const where = ['--user-home', userHome, '--platform', 'linux'];
    const cli = (args: string[]) => runCli(['--home', airlockHome, ...args]);
    const file = (relative: string) => path.join(userHome, relative);
    return { userHome, airlockHome, where, cli, file };
  };
}
