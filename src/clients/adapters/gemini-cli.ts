/**
 * Gemini CLI, after https://geminicli.com/docs/tools/mcp-server/ and /docs/cli/configuration: ~/.gemini/settings.json
 * and <project>/.gemini/settings.json, `mcpServers`: command/args/env/cwd, `url` (SSE) or `httpUrl` (streamable
 * HTTP) with headers, `type` sse|http, `oauth` / `authProviderType`, timeout, trust, includeTools/excludeTools. `mcp.allowed` / `mcp.excluded` choose which servers start.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientServerEntry, ConfigFileRef } from '../client-adapter.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { readServerMap, remoteRouteEdits, standardRouteEdits, valueAt } from '../standard-entry.js';

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  return [
    { client: 'gemini-cli', path: path.join(dirs.userHome, '.gemini', 'settings.json'), scope: 'user', format: 'jsonc' },
    ...dirs.projects.map((project): ConfigFileRef => ({ client: 'gemini-cli', path: path.join(project, '.gemini', 'settings.json'), scope: 'project', format: 'jsonc', project })),
  ];
}

function nameList(document: unknown, key: string): string[] | undefined {
  const list = valueAt(document, ['mcp', key]);
  return Array.isArray(list) ? list.filter((name): name is string => typeof name === 'string') : undefined;
}

function readServers(document: unknown): ClientServerEntry[] {
  // Only this file's lists are seen: a user-level mcp.excluded also stops a project's server, which this cannot tell.
  const allowed = nameList(document, 'allowed');
  const excluded = nameList(document, 'excluded') ?? [];
  // Gemini CLI picks httpUrl first, then url, then command.
  return readServerMap(document, ['mcpServers'], {
    urlKeys: ['httpUrl', 'url'],
    urlTransports: { httpUrl: 'streamable-http', url: 'sse' },
    unsupportedKeys: ['cwd'],
    remoteUnsupported: {
      oauth: 'it has an "oauth" block for a sign-in Gemini CLI runs itself',
      authProviderType: 'it signs in through "authProviderType", which Gemini CLI runs itself',
    },
  }).map((entry) =>
    excluded.includes(entry.name) || (allowed !== undefined && !allowed.includes(entry.name)) ? { ...entry, disabled: true } : entry,
  );
}

export const geminiCliAdapter: ClientAdapter = {
  id: 'gemini-cli',
  displayName: 'Gemini CLI',
  configFiles,
  readServers,
  // Gemini CLI's `type` names only remote transports: a routed entry loses it rather than getting "stdio".
  routeEdits: (entry, launcher, server) => (entry.transport === 'remote' ? remoteRouteEdits(entry, launcher, server, null) : standardRouteEdits(entry, launcher, server)),
  // httpUrl is Streamable HTTP; the configuration docs resolve $VAR and ${VAR} in every string of settings.json.
  http: {
    readsVariable: () => true,
    routeEdits: (entry, url, bearer) =>
      httpRouteEdits(entry, [{ path: ['httpUrl'], value: url }, { path: ['headers'], value: { Authorization: bearerHeader(bearer, (name) => `\${${name}}`) } }], [['type'], ['url']]),
  },
};
