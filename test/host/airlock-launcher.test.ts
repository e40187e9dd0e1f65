import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routedServer } from '../../src/clients/entry-routing.js';
import { defaultHome } from '../../src/engine/store/home-dir.js';
import { appLauncher, findNodeOnPath, type FoundNode } from '../../src/host/airlock-launcher.js';
import { makeTempDir } from '../support/temp-dir.js';

const APP = '/Applications/Airlock.app/Contents/MacOS/Airlock';
const SCRIPT = '/Applications/Airlock.app/Contents/Resources/airlock-connect.mjs';
const env = { HOME: '/Users/ada' };
const node22: FoundNode = { path: '/opt/homebrew/bin/node', version: 'v22.11.0' };

describe('appLauncher', () => {
  it('runs the bundled connect script with the user\'s Node and the app to start, and no --home for the default home', () => {
    const launcher = appLauncher({ connectScript: SCRIPT, appExecutable: APP, home: defaultHome(env), env, findNode: () => node22 });
    expect(launcher).toEqual({ command: '/opt/homebrew/bin/node', args: [SCRIPT, 'connect', `--start-app=${APP}`] });
  });

  it('passes a home that is not the default one as --home=DIR', () => {
    const launcher = appLauncher({ connectScript: SCRIPT, appExecutable: APP, home: '/Users/ada/airlock-work', env, findNode: () => node22 });
    expect(launcher.args).toEqual([SCRIPT, 'connect', `--start-app=${APP}`, '--home=/Users/ada/airlock-work']);
  });

  it('writes entries Airlock reads back as its own, so a second install leaves them alone', () => {
    const launcher = appLauncher({ connectScript: SCRIPT, appExecutable: APP, home: '/Users/ada/airlock-work', env, findNode: () => node22 });
    expect(routedServer({ command: launcher.command, args: [...launcher.args, 'github'] })).toBe('github');
  });

  it('asks for Node only when called, with the environment it was given', () => {
    const seen: NodeJS.ProcessEnv[] = [];
    appLauncher({ connectScript: SCRIPT, appExecutable: APP, home: defaultHome(env), env, findNode: (e) => (seen.push(e), node22) });
    expect(seen).toEqual([env]);
  });

  it('refuses, saying what to install, when no Node.js is found', () => {
    expect(() => appLauncher({ connectScript: SCRIPT, appExecutable: APP, home: defaultHome(env), env, findNode: () => undefined })).toThrow(
      "Airlock's desktop app needs Node.js 20 or newer on this machine for `airlock connect`, the small command your AI clients run to reach Airlock, and no Node.js was found on PATH. Install it from https://nodejs.org and run Install again; nothing was changed.",
    );
  });

  it('refuses a Node.js older than 20, naming the one it found', () => {
    expect(() => appLauncher({ connectScript: SCRIPT, appExecutable: APP, home: defaultHome(env), env, findNode: () => ({ path: '/usr/bin/node', version: 'v18.19.1' }) })).toThrow(
      "Airlock's desktop app needs Node.js 20 or newer on this machine for `airlock connect`, the small command your AI clients run to reach Airlock, and the Node.js found (/usr/bin/node) is v18.19.1. Install it from https://nodejs.org and run Install again; nothing was changed.",
    );
  });
});

// Fake `node` executables are shell scripts here; Windows runs node.exe only.
describe.skipIf(process.platform === 'win32')('findNodeOnPath, with real executables', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => {
    tmp = makeTempDir('airlock-find-node-');
  });
  afterEach(() => tmp.cleanup());

  /** A folder holding a `node` that prints `version`, as `node --version` does. */
  function fakeNode(name: string, version: string): string {
    const dir = path.join(tmp.dir, name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'node'), `#!/bin/sh\n[ "$1" = "--version" ] && echo ${version}\n`, { mode: 0o755 });
    return dir;
  }

  it('skips an old Node for a newer one later on PATH', () => {
    const old = fakeNode('old', 'v18.20.4');
    const current = fakeNode('current', 'v22.11.0');
    expect(findNodeOnPath({ PATH: [old, current].join(':') }, { wellKnownDirs: [] })).toEqual({ path: path.join(current, 'node'), version: 'v22.11.0' });
  });

  it('looks in the well-known folders after PATH (a Dock-started app has a short PATH)', () => {
    const homebrew = fakeNode('homebrew', 'v20.19.0');
    const short = path.join(tmp.dir, 'short');
    fs.mkdirSync(short);
    expect(findNodeOnPath({ PATH: short }, { wellKnownDirs: [homebrew] })).toEqual({ path: path.join(homebrew, 'node'), version: 'v20.19.0' });
  });

  it('ignores relative PATH entries and files that are not executable', () => {
    const plain = path.join(tmp.dir, 'plain');
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, 'node'), '#!/bin/sh\necho v22.0.0\n', { mode: 0o644 });
    expect(findNodeOnPath({ PATH: `bin:${plain}` }, { wellKnownDirs: [] })).toBeUndefined();
  });

  it('reports an old Node when it is the only one, and appLauncher then refuses', () => {
    const old = fakeNode('old', 'v18.20.4');
    const pathEnv = { PATH: old, HOME: tmp.dir };
    expect(findNodeOnPath(pathEnv, { wellKnownDirs: [] })).toEqual({ path: path.join(old, 'node'), version: 'v18.20.4' });
    expect(() => appLauncher({ connectScript: SCRIPT, appExecutable: APP, home: tmp.dir, env: pathEnv, findNode: (e) => findNodeOnPath(e, { wellKnownDirs: [] }) })).toThrow(
      `and the Node.js found (${path.join(old, 'node')}) is v18.20.4. Install it from https://nodejs.org`,
    );
  });

  it('finds the Node running this test on its real PATH', () => {
    const found = findNodeOnPath({ PATH: path.dirname(process.execPath) }, { wellKnownDirs: [] });
    expect(found).toEqual({ path: path.join(path.dirname(process.execPath), 'node'), version: process.version });
  });
});
