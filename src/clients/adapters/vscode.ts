/**
 * VS Code, after https://code.visualstudio.com/docs/copilot/reference/mcp-configuration: mcp.json in the
 * user profile folder and <workspace>/.vscode/mcp.json, JSONC with `servers` (not mcpServers) and an
 * `inputs` list Airlock leaves alone. Entries: `type` stdio (command, args, env, envFile) or http/sse
 * (url, headers). Values may use ${input:id}, ${env:NAME}, ${workspaceFolder} and other predefined variables.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ConfigFileRef } from '../client-adapter.js';
import { appSettingsDir } from '../platform-dirs.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { readServerMap, standardRouteEdits } from '../standard-entry.js';

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  return [
    // The default profile's file; other profiles keep theirs under User/profiles/<id>/.
    { client: 'vscode', path: path.join(appSettingsDir(dirs), 'Code', 'User', 'mcp.json'), scope: 'user', format: 'jsonc' },
    ...dirs.projects.map((project): ConfigFileRef => ({ client: 'vscode', path: path.join(project, '.vscode', 'mcp.json'), scope: 'project', format: 'jsonc', project })),
  ];
}

export const vscodeAdapter: ClientAdapter = {
  id: 'vscode',
  displayName: 'VS Code',
  configFiles,
  // envFile: VS Code would load that file into Airlock's launcher, not into the server, and the secrets in it never reach the Host.
  readServers: (document) => readServerMap(document, ['servers'], { unsupportedKeys: ['envFile'] }),
  routeEdits: standardRouteEdits,
  // The MCP configuration reference: predefined variables work in a server's configuration, ${env:NAME} among them
  // (https://code.visualstudio.com/docs/reference/variables-reference).
  http: {
    readsVariable: () => true,
    routeEdits: (entry, url, bearer) =>
      httpRouteEdits(entry, [
        { path: ['type'], value: 'http' },
        { path: ['url'], value: url },
        { path: ['headers'], value: { Authorization: bearerHeader(bearer, (name) => `\${env:${name}}`) } },
      ]),
  },
};
