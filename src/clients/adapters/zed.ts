/**
 * Zed, after https://zed.dev/docs/ai/mcp and https://zed.dev/docs/configuring-zed (crates/paths): settings.json
 * in ~/.config/zed (macOS too; Linux honours $XDG_CONFIG_HOME), %APPDATA%\Zed on Windows, and <project>/.zed.
 * `context_servers`: { command, args, env } (with or without `source: "custom"`), the older
 * { command: { path, args, env } }, `url` for a remote server, or an extension's { settings }.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientServerEntry, ConfigFileRef, EntryEdit, Launcher } from '../client-adapter.js';
import { ClientShapeError } from '../client-adapter.js';
import { roamingAppData, xdgConfigHome } from '../platform-dirs.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { isPlainObject, readStandardEntry, standardRouteEdits, valueAt } from '../standard-entry.js';

/** An entry in the older shape, whose launch settings sit in a `command` object (Zed migrates it on start). */
export interface ZedServerEntry extends ClientServerEntry {
  legacyCommand?: true;
}

function userDir(dirs: ClientDirs): string {
  switch (dirs.platform) {
    case 'win32':
      return path.join(roamingAppData(dirs), 'Zed');
    case 'linux':
      return path.join(xdgConfigHome(dirs), 'zed');
    case 'darwin':
      // Not ~/Library/Application Support: Zed keeps its settings in ~/.config/zed on macOS too.
      return path.join(dirs.userHome, '.config', 'zed');
  }
}

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  return [
    { client: 'zed', path: path.join(userDir(dirs), 'settings.json'), scope: 'user', format: 'jsonc' },
    ...dirs.projects.map((project): ConfigFileRef => ({ client: 'zed', path: path.join(project, '.zed', 'settings.json'), scope: 'project', format: 'jsonc', project })),
  ];
}

function readEntry(name: string, raw: unknown): ZedServerEntry {
  const where = { id: `context_servers/${name}`, name, path: ['context_servers', name] };
  if (!isPlainObject(raw)) return readStandardEntry(raw, where);
  const disabled = raw.enabled === false;
  if (raw.source === 'extension' || (raw.command === undefined && raw.url === undefined && raw.settings !== undefined)) {
    return { ...where, transport: 'stdio', disabled, unsupported: ['a Zed extension starts it with a command of its own'] };
  }
  const legacy = isPlainObject(raw.command) ? raw.command : undefined;
  // Without a prototype, like the parsed document, so that reading a key never finds an inherited one.
  const flat = legacy === undefined ? raw : Object.assign(Object.create(null) as Record<string, unknown>, legacy, { command: legacy.path });
  const entry: ZedServerEntry = readStandardEntry(flat, where, { isDisabled: () => disabled });
  // remote: true runs the server on the remote-development host, where Airlock is not.
  if (raw.remote === true) entry.unsupported = [...(entry.unsupported ?? []), 'it sets "remote": true (it runs on the remote host)'];
  return legacy === undefined ? entry : { ...entry, legacyCommand: true };
}

function readServers(document: unknown): ZedServerEntry[] {
  const servers = valueAt(document, ['context_servers']);
  if (servers === undefined || servers === null) return [];
  if (!isPlainObject(servers)) throw new ClientShapeError(`"context_servers" should be an object of servers, found ${Array.isArray(servers) ? 'a list' : `a ${typeof servers}`}`);
  return Object.entries(servers).map(([name, raw]) => readEntry(name, raw));
}

/** The older shape is edited in place, so a Zed from before the migration still reads it. */
function routeEdits(entry: ZedServerEntry, launcher: Launcher, server: string): EntryEdit[] {
  if (entry.legacyCommand !== true) return standardRouteEdits(entry, launcher, server);
  const edits: EntryEdit[] = [
    { path: ['command', 'path'], value: launcher.command },
    { path: ['command', 'args'], value: [...launcher.args, server] },
  ];
  if (entry.env !== undefined && Object.keys(entry.env).length > 0) edits.push({ path: ['command', 'env'], value: undefined });
  return edits;
}

export const zedAdapter: ClientAdapter = {
  id: 'zed',
  displayName: 'Zed',
  configFiles,
  readServers,
  routeEdits,
  // A remote server is { url, headers }; Zed's docs name no variable syntax for a header, so its token can only be text.
  http: {
    readsVariable: () => false,
    routeEdits: (entry, url, bearer) =>
      httpRouteEdits(entry, [{ path: ['url'], value: url }, { path: ['headers'], value: { Authorization: bearerHeader(bearer, (name) => name) } }], [['source']]),
  },
};
