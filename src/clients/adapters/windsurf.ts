/**
 * Windsurf, after https://docs.windsurf.com/windsurf/cascade/mcp: ~/.codeium/windsurf/mcp_config.json
 * (%USERPROFILE% on Windows), `mcpServers` in Claude Desktop's shape; remote servers use `serverUrl`
 * (or `url`) and headers; `disabled` and `disabledTools` are Windsurf's own. Values may use ${env:NAME}.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ConfigFileRef } from '../client-adapter.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { readServerMap, standardRouteEdits } from '../standard-entry.js';

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  return [{ client: 'windsurf', path: path.join(dirs.userHome, '.codeium', 'windsurf', 'mcp_config.json'), scope: 'user', format: 'jsonc' }];
}

export const windsurfAdapter: ClientAdapter = {
  id: 'windsurf',
  displayName: 'Windsurf',
  configFiles,
  readServers: (document) => readServerMap(document, ['mcpServers'], { urlKeys: ['serverUrl', 'url'], isDisabled: (entry) => entry.disabled === true }),
  routeEdits: standardRouteEdits,
  // The docs' config interpolation: ${env:NAME} in command, args, env, serverUrl, url and headers.
  http: {
    readsVariable: () => true,
    routeEdits: (entry, url, bearer) =>
      httpRouteEdits(entry, [{ path: ['serverUrl'], value: url }, { path: ['headers'], value: { Authorization: bearerHeader(bearer, (name) => `\${env:${name}}`) } }], [['type'], ['url']]),
  },
};
