/**
 * Cline, after https://docs.cline.bot/mcp/configuring-mcp-servers and https://docs.cline.bot/getting-started/config:
 * cline_mcp_settings.json in VS Code's globalStorage (saoudrizwan.claude-dev) and in ~/.cline/data/settings
 * (shared by the extension, CLI and SDK; $CLINE_DATA_DIR replaces ~/.cline/data, $CLINE_DIR replaces ~/.cline).
 * `mcpServers`: type stdio|sse|streamableHttp, command/args/env/cwd or url/headers, disabled, autoApprove, timeout.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientServerEntry, ConfigFileRef } from '../client-adapter.js';
import { ClientShapeError } from '../client-adapter.js';
import { appSettingsDir } from '../platform-dirs.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { isPlainObject, readStandardEntry, standardRouteEdits, valueAt } from '../standard-entry.js';

const SETTINGS_FILE = 'cline_mcp_settings.json';

function absoluteEnv(dirs: ClientDirs, name: string): string | undefined {
  const value = dirs.env[name];
  return value !== undefined && path.isAbsolute(value) ? value : undefined;
}

function dataDir(dirs: ClientDirs): string {
  return absoluteEnv(dirs, 'CLINE_DATA_DIR') ?? path.join(absoluteEnv(dirs, 'CLINE_DIR') ?? path.join(dirs.userHome, '.cline'), 'data');
}

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  const extensionStorage = path.join(appSettingsDir(dirs), 'Code', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'settings', SETTINGS_FILE);
  return [
    { client: 'cline', path: extensionStorage, scope: 'user', format: 'jsonc' },
    { client: 'cline', path: path.join(dataDir(dirs), 'settings', SETTINGS_FILE), scope: 'user', format: 'jsonc' },
  ];
}

const REMOTE_TYPES = ['sse', 'streamableHttp', 'http'];

function readEntry(name: string, raw: unknown): ClientServerEntry {
  const where = { id: `mcpServers/${name}`, name, path: ['mcpServers', name] };
  // Cline tries its stdio shape first: an entry with a command and no remote type runs the command even if it also has a url.
  const runsCommand = isPlainObject(raw) && typeof raw.command === 'string' && !REMOTE_TYPES.includes(String(raw.type));
  return readStandardEntry(raw, where, {
    urlKeys: runsCommand ? [] : ['url'],
    remoteTypes: REMOTE_TYPES,
    unsupportedKeys: ['cwd'],
    isDisabled: (entry) => entry.disabled === true,
  });
}

function readServers(document: unknown): ClientServerEntry[] {
  const servers = valueAt(document, ['mcpServers']);
  if (servers === undefined || servers === null) return [];
  if (!isPlainObject(servers)) throw new ClientShapeError(`"mcpServers" should be an object of servers, found ${Array.isArray(servers) ? 'a list' : `a ${typeof servers}`}`);
  return Object.entries(servers).map(([name, raw]) => readEntry(name, raw));
}

export const clineAdapter: ClientAdapter = {
  id: 'cline',
  displayName: 'Cline',
  configFiles,
  readServers,
  routeEdits: standardRouteEdits,
  // Remote: type streamableHttp, url, headers. Cline's docs name no variable syntax, so its token can only be text.
  http: {
    readsVariable: () => false,
    routeEdits: (entry, url, bearer) =>
      httpRouteEdits(entry, [
        { path: ['type'], value: 'streamableHttp' },
        { path: ['url'], value: url },
        { path: ['headers'], value: { Authorization: bearerHeader(bearer, (name) => name) } },
      ]),
  },
};
