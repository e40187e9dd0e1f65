/**
 * Codex, after https://developers.openai.com/codex/mcp and /codex/config-basic: $CODEX_HOME/config.toml (default
 * ~/.codex, %USERPROFILE%\.codex on Windows) and <project>/.codex/config.toml (read for trusted projects only).
 * `[mcp_servers.NAME]`: command/args/env/env_vars/cwd or url (Streamable HTTP) with bearer_token_env_var, http_headers,
 * env_http_headers, scopes and an `oauth` table, enabled,
 * startup_timeout_sec, tool_timeout_sec, enabled_tools/disabled_tools.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientServerEntry, ConfigFileRef, EntryEdit, Launcher } from '../client-adapter.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { readServerMap, standardRouteEdits } from '../standard-entry.js';

function codexHome(dirs: ClientDirs): string {
  const configured = dirs.env.CODEX_HOME;
  // A relative value would be read against Codex's working folder, which Airlock cannot know.
  return configured !== undefined && path.isAbsolute(configured) ? configured : path.join(dirs.userHome, '.codex');
}

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  return [
    { client: 'codex', path: path.join(codexHome(dirs), 'config.toml'), scope: 'user', format: 'toml' },
    ...dirs.projects.map((project): ConfigFileRef => ({ client: 'codex', path: path.join(project, '.codex', 'config.toml'), scope: 'project', format: 'toml', project })),
  ];
}

function readServers(document: unknown): ClientServerEntry[] {
  return readServerMap(document, ['mcp_servers'], {
    // env_vars forwards variables from Codex's own environment, and experimental_environment starts the server
    // elsewhere: neither can be carried by Airlock's registry.
    unsupportedKeys: ['env_vars', 'cwd', 'experimental_environment'],
    headersPath: ['http_headers'],
    remoteUnsupported: {
      bearer_token_env_var: "its bearer token comes from Codex's environment (bearer_token_env_var)",
      env_http_headers: "its headers come from Codex's environment (env_http_headers)",
      oauth: 'it has an "oauth" block for a sign-in Codex runs itself',
      scopes: 'it asks for OAuth scopes, a sign-in Codex runs itself',
    },
    isDisabled: (entry) => entry.enabled === false,
  });
}

/**
 * `env` is emptied rather than deleted: toml-patch deletes an `[mcp_servers.NAME.env]` table together with the
 * comments and blank lines after it, up to the next table, and those comments belong to the user.
 */
function routeEdits(entry: ClientServerEntry, launcher: Launcher, server: string): EntryEdit[] {
  return standardRouteEdits(entry, launcher, server).map((edit) => (edit.path[0] === 'env' ? { path: ['env'], value: {} } : edit));
}

export const codexAdapter: ClientAdapter = {
  id: 'codex',
  displayName: 'Codex',
  configFiles,
  readServers,
  routeEdits,
  // A url entry is Streamable HTTP; bearer_token_env_var names the variable Codex sends as "Authorization: Bearer …".
  http: {
    readsVariable: () => true,
    routeEdits: (entry, url, bearer) =>
      httpRouteEdits(entry, [
        { path: ['url'], value: url },
        'variable' in bearer ? { path: ['bearer_token_env_var'], value: bearer.variable } : { path: ['http_headers'], value: { Authorization: bearerHeader(bearer, (name) => name) } },
      ]),
  },
};
