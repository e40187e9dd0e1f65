/**
 * Continue, after https://docs.continue.dev/customize/deep-dives/mcp and https://docs.continue.dev/reference:
 * ~/.continue/config.yaml (`mcpServers` is a list of { name, type, command, args, env, cwd, url, requestOptions.headers };
 * type stdio|sse|streamable-http|websocket) and block files in
 * .continue/mcpServers/: YAML with the same list, or JSON in Claude Desktop's `mcpServers` map. Continue's own loader
 * (core/config/loadLocalAssistants.ts) reads ~/.continue/mcpServers/ as well as the workspace's.
 */
import path from 'node:path';
import type { ClientAdapter, ClientDirs, ClientServerEntry, ConfigFileRef, EntryEdit, Launcher } from '../client-adapter.js';
import { ClientShapeError } from '../client-adapter.js';
import { listMatching } from '../platform-dirs.js';
import { bearerHeader, httpRouteEdits } from '../http-entry.js';
import { isPlainObject, readServerMap, readStandardEntry, standardRouteEdits, valueAt } from '../standard-entry.js';

const OPTIONS = { unsupportedKeys: ['cwd'] };
/** YAML entries keep a remote server's headers in `requestOptions`, beside settings (timeout, proxy, TLS) Airlock has no place for. */
const LIST_OPTIONS = { ...OPTIONS, headersPath: ['requestOptions', 'headers'] };

function globalDir(dirs: ClientDirs): string {
  // Continue's paths.ts lets CONTINUE_GLOBAL_DIR replace ~/.continue.
  const configured = dirs.env.CONTINUE_GLOBAL_DIR;
  return configured !== undefined && path.isAbsolute(configured) ? configured : path.join(dirs.userHome, '.continue');
}

function blockFiles(dir: string, scope: ConfigFileRef['scope'], project?: string): ConfigFileRef[] {
  return listMatching(path.join(dir, 'mcpServers'), (name) => /\.(ya?ml|json)$/i.test(name)).map((file) => ({
    client: 'continue',
    path: file,
    scope,
    format: file.toLowerCase().endsWith('.json') ? 'jsonc' : 'yaml',
    ...(project === undefined ? {} : { project }),
  }));
}

function configFiles(dirs: ClientDirs): ConfigFileRef[] {
  const home = globalDir(dirs);
  return [
    { client: 'continue', path: path.join(home, 'config.yaml'), scope: 'user', format: 'yaml' },
    ...blockFiles(home, 'user'),
    ...dirs.projects.flatMap((project) => blockFiles(path.join(project, '.continue'), 'project', project)),
  ];
}

function readListEntry(raw: unknown, index: number): ClientServerEntry {
  const uses = isPlainObject(raw) && typeof raw.uses === 'string' ? raw.uses : undefined;
  const name = isPlainObject(raw) && typeof raw.name === 'string' ? raw.name : uses;
  // The name, not the position, identifies an entry; only a nameless one falls back to its index.
  const where = { id: `mcpServers/${name ?? `#${index}`}`, name: name ?? `#${index}`, path: ['mcpServers', index] };
  if (uses !== undefined) return { ...where, transport: 'stdio', unsupported: [`it is the hub block "${uses}", which Continue fetches and starts itself`] };
  const entry = withRequestOptions(readStandardEntry(raw, where, LIST_OPTIONS), raw);
  return name === undefined ? { ...entry, unsupported: [...(entry.unsupported ?? []), 'it has no "name"'] } : entry;
}

function withRequestOptions(entry: ClientServerEntry, raw: unknown): ClientServerEntry {
  const options = isPlainObject(raw) ? raw.requestOptions : undefined;
  if (entry.transport !== 'remote' || !isPlainObject(options)) return entry;
  const others = Object.keys(options).filter((key) => key !== 'headers');
  if (others.length === 0) return entry;
  return { ...entry, unsupported: [...(entry.unsupported ?? []), `its requestOptions set ${others.map((key) => JSON.stringify(key.slice(0, 64))).join(', ')}, how Continue connects`] };
}

function readServers(document: unknown, file: ConfigFileRef): ClientServerEntry[] {
  // JSON block files are the Claude Desktop shape Continue accepts as is.
  if (file.format === 'jsonc') return readServerMap(document, ['mcpServers'], OPTIONS);
  const servers = valueAt(document, ['mcpServers']);
  if (servers === undefined || servers === null) return [];
  if (!Array.isArray(servers)) throw new ClientShapeError(`"mcpServers" should be a list of servers, found ${isPlainObject(servers) ? 'an object' : `a ${typeof servers}`}`);
  return servers.map(readListEntry);
}

/**
 * In a YAML list the entry's env may come from a merge key (`<<: *defaults`), which deleting `env` would not
 * remove: an explicit empty `env` overrides it either way.
 */
function routeEdits(entry: ClientServerEntry, launcher: Launcher, server: string): EntryEdit[] {
  const edits = standardRouteEdits(entry, launcher, server);
  if (typeof entry.path[1] !== 'number') return edits;
  return edits.map((edit) => (edit.path[0] === 'env' ? { path: ['env'], value: {} } : edit));
}

export const continueAdapter: ClientAdapter = {
  id: 'continue',
  displayName: 'Continue',
  configFiles,
  readServers,
  routeEdits,
  // ${{ secrets.NAME }} reads Continue's .env files, not the environment: no variable the user's shell can give it.
  http: {
    readsVariable: () => false,
    routeEdits: (entry, url, bearer) => {
      const headers = { Authorization: bearerHeader(bearer, (name) => name) };
      // List entries keep headers in requestOptions; JSON block files are the Claude Desktop shape.
      const inList = typeof entry.path[1] === 'number';
      return httpRouteEdits(entry, [
        { path: ['type'], value: 'streamable-http' },
        { path: ['url'], value: url },
        inList ? { path: ['requestOptions'], value: { headers } } : { path: ['headers'], value: headers },
      ]);
    },
  },
};
