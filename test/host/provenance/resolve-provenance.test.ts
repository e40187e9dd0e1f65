import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLaunch } from '../../../src/host/provenance/launch-words.js';
import { npxFolderName } from '../../../src/host/provenance/npm-package.js';
import { resolveProvenance } from '../../../src/host/provenance/resolve-provenance.js';
import { makeTempDir } from '../../support/temp-dir.js';

/** The resolver with real files: what each kind of command records, and what it never records. */

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});
function tempDir(): string {
  const { dir, cleanup } = makeTempDir('airlock-provenance-');
  cleanups.push(cleanup);
  return dir;
}
const ARG_VALUE = 'an-argument-value-that-must-not-be-recorded';

describe('reading what a command launches', () => {
  it('finds the package spec of each runner, past its options', () => {
    expect(readLaunch('npx', ['-y', '@vendor/server', '--flag', ARG_VALUE])).toMatchObject({ kind: 'npm', runner: 'npx', spec: '@vendor/server', specIndex: 1 });
    expect(readLaunch('npx', ['--package=@vendor/server@1.2.3', 'server-bin'])).toMatchObject({ kind: 'npm', spec: '@vendor/server@1.2.3', specIndex: 0 });
    expect(readLaunch('pnpm', ['dlx', 'pkg'])).toMatchObject({ kind: 'npm', runner: 'pnpm dlx', spec: 'pkg' });
    expect(readLaunch('/usr/local/bin/bunx', ['pkg@2.0.0'])).toMatchObject({ kind: 'npm', runner: 'bunx', spec: 'pkg@2.0.0' });
    expect(readLaunch('uvx', ['--python', '3.12', 'mcp-server-git'])).toMatchObject({ kind: 'python', runner: 'uvx', spec: 'mcp-server-git', specIndex: 2 });
    expect(readLaunch('uvx', ['--from', 'mcp-server-git==1.0.0', 'mcp-server-git'])).toMatchObject({ kind: 'python', spec: 'mcp-server-git==1.0.0', specIndex: 1 });
    expect(readLaunch('pipx', ['run', 'pycowsay'])).toMatchObject({ kind: 'python', runner: 'pipx run', spec: 'pycowsay' });
    expect(readLaunch('docker', ['run', '-i', '--rm', '-e', 'KEY', '-v', '/a:/b', 'mcp/server:latest', ARG_VALUE])).toMatchObject({ kind: 'container', image: 'mcp/server:latest' });
    expect(readLaunch('node', ['--import', 'tsx', 'server.ts', ARG_VALUE])).toMatchObject({ kind: 'script', script: 'server.ts' });
    expect(readLaunch('python3', ['-m', 'server'])).toMatchObject({ kind: 'unknown' });
    expect(readLaunch('./my-server', [ARG_VALUE])).toMatchObject({ kind: 'program', command: './my-server' });
  });

  it("names npx's folder as npm's libnpmexec does: sha512 of the sorted specs, 16 hex digits", () => {
    expect(npxFolderName(['@vendor/server'])).toMatch(/^[0-9a-f]{16}$/);
    expect(npxFolderName(['b', 'a'])).toBe(npxFolderName(['a', 'b']));
    expect(npxFolderName(['pkg'])).not.toBe(npxFolderName(['pkg@1.0.0']));
  });
});

describe('resolving the program', () => {
  it("records the version and integrity of npx's install from its cache folder, and never an argument value", () => {
    const dir = tempDir();
    const cache = path.join(dir, 'npm-cache');
    const folder = path.join(cache, '_npx', npxFolderName(['@vendor/server']));
    mkdirSync(path.join(folder, 'node_modules', '@vendor', 'server'), { recursive: true });
    writeFileSync(path.join(folder, 'node_modules', '@vendor', 'server', 'package.json'), JSON.stringify({ name: '@vendor/server', version: '1.4.2' }));
    writeFileSync(path.join(folder, 'package-lock.json'), JSON.stringify({ packages: { 'node_modules/@vendor/server': { version: '1.4.2', integrity: 'sha512-FROMLOCK' } } }));
    const record = resolveProvenance({ command: 'npx', args: ['-y', '@vendor/server', '--token', ARG_VALUE] }, { cwd: dir, env: { npm_config_cache: cache, SOME_KEY: ARG_VALUE } });
    expect(record).toMatchObject({ kind: 'npm', runner: 'npx', package: '@vendor/server', version: '1.4.2', integrity: 'sha512-FROMLOCK', source: 'npx-cache' });
    expect(record.note).toMatch(/registry was not asked/);
    expect(JSON.stringify(record)).not.toContain(ARG_VALUE);
  });

  it('says so when the package is not on disk, with the version unknown', () => {
    const dir = tempDir();
    const record = resolveProvenance({ command: 'npx', args: ['-y', 'not-installed-anywhere'] }, { cwd: dir, env: { npm_config_cache: path.join(dir, 'cache') } });
    expect(record).toMatchObject({ kind: 'npm', version: null, integrity: null, source: 'not-found', note: expect.stringContaining('was not found on disk') });
  });

  it('hashes a script and its interpreter, and names the package a script in node_modules belongs to', () => {
    const dir = tempDir();
    const pkg = path.join(dir, 'node_modules', 'tool-pkg');
    mkdirSync(path.join(pkg, 'bin'), { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'tool-pkg', version: '3.1.0' }));
    writeFileSync(path.join(pkg, 'bin', 'cli.js'), 'console.log(1)\n');
    const record = resolveProvenance({ command: 'node', args: ['node_modules/tool-pkg/bin/cli.js', ARG_VALUE] }, { cwd: dir, env: { PATH: path.dirname(process.execPath) } });
    expect(record).toMatchObject({ kind: 'file', sha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), interpreter: { sha256: expect.stringMatching(/^sha256:/) }, package: { name: 'tool-pkg', version: '3.1.0' } });
    expect(JSON.stringify(record)).not.toContain(ARG_VALUE);
  });

  it('follows a bin link on PATH to the file it runs', () => {
    const dir = tempDir();
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(dir, 'real-server'), '#!/bin/sh\necho hi\n');
    chmodSync(path.join(dir, 'real-server'), 0o755);
    symlinkSync(path.join(dir, 'real-server'), path.join(bin, 'my-server'));
    const record = resolveProvenance({ command: 'my-server', args: [] }, { cwd: dir, env: { PATH: bin } });
    expect(record).toMatchObject({ kind: 'file', path: expect.stringMatching(/real-server$/), sha256: expect.stringMatching(/^sha256:/) });
  });

  it('records a container image with an unknown digest, and why, when no container engine answers', () => {
    const dir = tempDir();
    expect(resolveProvenance({ command: 'docker', args: ['run', '-i', 'mcp/server:1'] }, { cwd: dir, env: { PATH: path.join(dir, 'empty') } })).toMatchObject({
      kind: 'container',
      image: 'mcp/server:1',
      digest: null,
      note: 'the image digest is not known: docker is not installed here',
    });
    // A docker CLI whose engine is down, as on this machine.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'docker'), '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n');
    chmodSync(path.join(bin, 'docker'), 0o755);
    const down = resolveProvenance({ command: 'docker', args: ['run', 'mcp/server:1'] }, { cwd: dir, env: { PATH: bin } });
    expect(down).toMatchObject({ digest: null, note: expect.stringContaining('Cannot connect to the Docker daemon') });
    const pinned = `mcp/server@sha256:${'c'.repeat(64)}`;
    expect(resolveProvenance({ command: 'docker', args: ['run', pinned] }, { cwd: dir, env: { PATH: bin } })).toMatchObject({ digest: `sha256:${'c'.repeat(64)}` });
  });

  it('records a remote server by its URL without query or credentials', () => {
    expect(resolveProvenance({ command: '', args: [], remote: { url: 'https://mcp.example.com/mcp?key=abc', transport: 'streamable-http', headers: {}, secretHeaders: [] } as never }, null)).toEqual({
      kind: 'remote',
      url: 'https://mcp.example.com/mcp',
      note: 'credentials, query and fragment are not recorded',
    });
  });
});
