import { describe, expect, it } from 'vitest';
import { parseServerConfig, type ServerConfig } from '../../../src/engine/store/index.js';
import { PinRefusedError, pinnedArgs, pinStatus } from '../../../src/host/provenance/pin-server.js';

/** Pin: the registered command rewritten to the approved exact version, every other argument kept. */

const config = (command: string, args: string[]): ServerConfig => parseServerConfig({ name: 'srv', command, args, env: {}, envFrom: {}, secretKeys: [], approveOnFirstList: false, createdAt: '2026-12-03T00:00:00.000Z' });
const npm = (pkg: string, version: string | null) => ({ kind: 'npm', package: pkg, version, integrity: null });
const python = (pkg: string, version: string | null) => ({ kind: 'python', package: pkg, version });

describe('pinning a server to the approved version', () => {
  it('rewrites an npx spec and keeps the other arguments', () => {
    const c = config('npx', ['-y', '@vendor/server', '--root', '/data']);
    expect(pinStatus(c)).toBe('unpinned');
    expect(pinnedArgs(c, npm('@vendor/server', '1.4.2'))).toEqual({ server: 'srv', from: '@vendor/server', to: '@vendor/server@1.4.2', args: ['-y', '@vendor/server@1.4.2', '--root', '/data'] });
    expect(pinStatus(config('npx', ['-y', '@vendor/server@1.4.2']))).toBe('pinned');
  });

  it('rewrites --package=SPEC in place', () => {
    expect(pinnedArgs(config('npx', ['--package=pkg', 'pkg-bin']), npm('pkg', '2.0.0')).args).toEqual(['--package=pkg@2.0.0', 'pkg-bin']);
  });

  it('writes uvx specs as pkg@version, and requirements (--from, pipx) as pkg==version', () => {
    expect(pinnedArgs(config('uvx', ['mcp-server-git', '--repository', '.']), python('mcp-server-git', '1.2.3')).args).toEqual(['mcp-server-git@1.2.3', '--repository', '.']);
    expect(pinnedArgs(config('uvx', ['--from', 'mcp-server-git', 'mcp-server-git']), python('mcp-server-git', '1.2.3')).args).toEqual(['--from', 'mcp-server-git==1.2.3', 'mcp-server-git']);
    expect(pinnedArgs(config('pipx', ['run', 'pycowsay']), python('pycowsay', '0.0.2')).args).toEqual(['run', 'pycowsay==0.0.2']);
  });

  it('refuses, saying what to do, when no version was approved yet, when pinned already, or when nothing is a package', () => {
    expect(() => pinnedArgs(config('npx', ['-y', 'pkg']), null)).toThrow(/cannot be pinned yet: no program has been approved for it yet\. Start it once/);
    expect(() => pinnedArgs(config('npx', ['-y', 'pkg']), npm('pkg', null))).toThrow(/cannot be pinned yet: the approved program is npm pkg version unknown/);
    expect(() => pinnedArgs(config('npx', ['-y', 'pkg@1.0.0']), npm('pkg', '1.0.0'))).toThrow(/already pinned to pkg@1\.0\.0/);
    expect(() => pinnedArgs(config('node', ['server.js']), { kind: 'file', sha256: 'sha256:x' })).toThrow(PinRefusedError);
    expect(() => pinnedArgs(config('node', ['server.js']), null)).toThrow(/pins its program by file hash instead/);
  });
});
