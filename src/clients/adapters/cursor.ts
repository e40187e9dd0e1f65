/**
 * Cursor, after https://cursor.com/docs/context/mcp: ~/.cursor/mcp.json and <project>/.cursor/mcp.json,
 * `mcpServers`; stdio (command, args, env, envFile) or remote (`url`, headers, an `auth` block of a static OAuth client). Values may use
 * ${env:NAME}, ${userHome}, ${workspaceFolder}, ${workspaceFolderBasename}, ${pathSeparator}.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ConfigFileRef } from '../client-adapter.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { readServerMap, standardRouteEdits } from '../standard-entry.js';

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  return [
    { client: 'cursor', path: path.join(dirs.userHome, '.cursor', 'mcp.json'), scope: 'user', format: 'jsonc' },
    ...dirs.projects.map((project): ConfigFileRef => ({ client: 'cursor', path: path.join(project, '.cursor', 'mcp.json'), scope: 'project', format: 'jsonc', project })),
  ];
}

export const cursorAdapter: ClientAdapter = {
  id: 'cursor',
  displayName: 'Cursor',
  configFiles,
  // envFile: Cursor would load that file into Airlock's launcher, not into the server, and the secrets in it never reach the Host.
  readServers: (document) =>
    readServerMap(document, ['mcpServers'], { unsupportedKeys: ['envFile'], remoteUnsupported: { auth: 'it has an "auth" block (a static OAuth client) for a sign-in Cursor runs itself' } }),
  routeEdits: standardRouteEdits,
  // The docs' config interpolation: ${env:NAME} in command, args, env, url and headers. A url entry needs no type.
  http: {
    readsVariable: () => true,
    routeEdits: (entry, url, bearer) =>
      httpRouteEdits(entry, [{ path: ['url'], value: url }, { path: ['headers'], value: { Authorization: bearerHeader(bearer, (name) => `\${env:${name}}`) } }], [['type']]),
  },
};
