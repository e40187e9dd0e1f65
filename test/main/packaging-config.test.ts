import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * electron-builder.yml checked without building (the Electron binary cannot be had here): the
 * security fuses of DESIGN.md §6, the native SQLite addon outside the archive, the connect
 * script beside it, the installers per platform, and the whole file against electron-builder's
 * own schema with its own validator.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG_FILE = path.join(ROOT, 'electron-builder.yml');

interface FileSet {
  from?: string;
  to?: string;
}
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  extraResources: (string | FileSet)[];
  electronFuses: Record<string, boolean>;
  mac: { category: string; hardenedRuntime: boolean; target: string[] };
  win: { target: string[] };
  linux: { category: string; target: string[] };
}

const config = parse(fs.readFileSync(CONFIG_FILE, 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  it('names the app and where its installers go', () => {
    expect(config.appId).toBe('dev.airlock.desktop');
    expect(config.productName).toBe('Airlock');
    expect(config.directories).toEqual({ output: 'release', buildResources: 'resources' });
  });

  it('flips every security fuse of DESIGN.md §6', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs the built app into the archive, without the connect bundle, and keeps native addons out of it', () => {
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(['out/**', '!out/connect/**', 'package.json']);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/better-sqlite3/**', '**/*.node']));
    // better-sqlite3 rebuilt against Electron's ABI while packaging.
    expect(config.npmRebuild).toBe(true);
    // The entry Electron loads is among the packed files.
    const main = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string }).main;
    expect(main).toMatch(/^out\/(main|preload|renderer)\//);
  });

  it('ships the bundled connect script in the resources folder, under the name client entries are recognised by', () => {
    expect(config.extraResources).toContainEqual({ from: 'out/connect/airlock-connect.mjs', to: 'airlock-connect.mjs' });
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['build:connect']).toContain('--file out/connect/airlock-connect.mjs');
    expect(scripts.dist).toMatch(/npm run build && electron-builder$/);
    expect(scripts.build).toContain('npm run build:connect');
  });

  it('builds a dmg on macOS, an NSIS installer on Windows, and an AppImage and a deb on Linux', () => {
    expect(config.mac).toEqual({ category: 'public.app-category.developer-tools', hardenedRuntime: true, target: ['dmg'] });
    expect(config.win.target).toEqual(['nsis']);
    expect(config.linux.category).toBe('Development');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('is valid for electron-builder, read and checked by electron-builder itself', async () => {
    // app-builder-lib is electron-builder's engine; getConfig reads the file as `electron-builder`
    // does and validateConfiguration checks it against its scheme.json (ajv, additionalProperties: false).
    const require = createRequire(path.join(ROOT, 'package.json'));
    const builder = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<object>;
      validateConfiguration(config: object, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
    };
    const noLog = { isEnabled: false, add: () => {} };
    const loaded = await builder.getConfig(ROOT, CONFIG_FILE, null);
    await expect(builder.validateConfiguration(loaded, noLog)).resolves.toBeUndefined();
    // The check has teeth: a misspelt fuse is rejected.
    await expect(builder.validateConfiguration({ ...loaded, electronFuses: { ...config.electronFuses, runAsNod: false } }, noLog)).rejects.toThrow(/configuration\.electronFuses/);
    // And every fuse set here is one electron-builder knows.
    const scheme = require('app-builder-lib/scheme.json') as { definitions: { FuseOptionsV1: { properties: Record<string, unknown> } } };
    for (const fuse of Object.keys(config.electronFuses)) expect(Object.keys(scheme.definitions.FuseOptionsV1.properties)).toContain(fuse);
  });
});
