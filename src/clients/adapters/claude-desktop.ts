/**
 * Claude Desktop, after https://modelcontextprotocol.io/quickstart/user (claude_desktop_config.json,
 * `mcpServers`, stdio entries only: remote servers are added as connectors in the app, not here).
 * The MSIX build (Microsoft Store, winget) reads its copy under %LOCALAPPDATA%\Packages\Claude_*.
 * Linux has no official build; the community builds use ~/.config/Claude. No interpolation.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ConfigFileRef } from '../client-adapter.js';
import { appSettingsDir, listMatching, localAppData } from '../platform-dirs.js';
import { readServerMap, standardRouteEdits } from '../standard-entry.js';

const FILE_NAME = 'claude_desktop_config.json';

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  const paths = [path.join(appSettingsDir(dirs), 'Claude', FILE_NAME)];
  if (dirs.platform === 'win32') {
    // The packaged app is redirected to its own copy of %APPDATA%: editing the usual file does nothing there.
    const packages = listMatching(path.join(localAppData(dirs), 'Packages'), (name) => name.startsWith('Claude_'));
    paths.push(...packages.map((dir) => path.join(dir, 'LocalCache', 'Roaming', 'Claude', FILE_NAME)));
  }
  return paths.map((file) => ({ client: 'claude-desktop', path: file, scope: 'user', format: 'jsonc' }));
}

export const claudeDesktopAdapter: ClientAdapter = {
  id: 'claude-desktop',
  displayName: 'Claude Desktop',
  configFiles,
  // The app does not start a remote entry of this file: routing one would start a server Claude Desktop never reached.
  readServers: (document) =>
    readServerMap(document, ['mcpServers']).map((entry) =>
      entry.transport === 'remote' ? { ...entry, unsupported: ['Claude Desktop does not start remote servers from this file (it adds them as connectors)'] } : entry,
    ),
  routeEdits: standardRouteEdits,
};
