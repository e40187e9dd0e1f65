/**
 * Claude Code, after https://code.claude.com/docs/en/mcp (scopes) and /docs/en/settings: ~/.claude.json
 * ($CLAUDE_CONFIG_DIR/.claude.json when set) holds user-scope `mcpServers` and local-scope
 * `projects[<abs path>].mcpServers` among unrelated app state; <project>/.mcp.json holds project scope.
 * Entries: `type` stdio|http|sse|ws, command/args/env or url/headers (with `headersHelper`, or an `oauth` block of
 * clientId/callbackPort/scopes); values may use ${VAR} and ${VAR:-default}.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientServerEntry, ConfigFileRef } from '../client-adapter.js';
import { ClientShapeError } from '../client-adapter.js';
import { bearerHeader, httpRouteEdits, type HttpEntryFormat } from '../http-entry.js';
import { isPlainObject, readServerMap, standardRouteEdits, valueAt } from '../standard-entry.js';

function userFile(dirs: ClientDirs): string {
  const configDir = dirs.env.CLAUDE_CONFIG_DIR;
  // A relative value would be read against Claude Code's working folder, which Airlock cannot know.
  return configDir !== undefined && path.isAbsolute(configDir) ? path.join(configDir, '.claude.json') : path.join(dirs.userHome, '.claude.json');
}

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  return [
    { client: 'claude-code', path: userFile(dirs), scope: 'user', format: 'jsonc' },
    ...dirs.projects.map((project): ConfigFileRef => ({ client: 'claude-code', path: path.join(project, '.mcp.json'), scope: 'project', format: 'jsonc', project })),
  ];
}

const OPTIONS = {
  remoteUnsupported: {
    oauth: 'it has an "oauth" block for a sign-in Claude Code runs itself',
    headersHelper: 'its headers come from a "headersHelper" command Claude Code runs',
  },
};

function readServers(document: unknown, file: ConfigFileRef): ClientServerEntry[] {
  const entries = readServerMap(document, ['mcpServers'], OPTIONS);
  if (file.scope === 'project') return entries;
  const projects = valueAt(document, ['projects']);
  if (projects === undefined || projects === null) return entries;
  if (!isPlainObject(projects)) throw new ClientShapeError(`"projects" should be an object of project folders, found ${Array.isArray(projects) ? 'a list' : `a ${typeof projects}`}`);
  for (const project of Object.keys(projects)) entries.push(...readServerMap(document, ['projects', project, 'mcpServers'], OPTIONS));
  return entries;
}

/**
 * The docs' "Environment variable expansion in .mcp.json" expands ${VAR} in url and headers of .mcp.json only;
 * ~/.claude.json's user and local entries are not expanded (anthropics/claude-code#43693), so they count as no variable.
 */
const http: HttpEntryFormat = {
  readsVariable: (file) => file.scope === 'project',
  routeEdits: (entry, url, bearer) =>
    httpRouteEdits(entry, [
      { path: ['type'], value: 'http' },
      { path: ['url'], value: url },
      { path: ['headers'], value: { Authorization: bearerHeader(bearer, (name) => `\${${name}}`) } },
    ]),
};

export const claudeCodeAdapter: ClientAdapter = {
  id: 'claude-code',
  displayName: 'Claude Code',
  configFiles,
  readServers,
  routeEdits: standardRouteEdits,
  http,
};
