import type { ClientAdapter, ClientDirs, ClientId, ClientServerEntry, ConfigFileRef } from './client-adapter.js';
import { ClientShapeError } from './client-adapter.js';
import { CLIENT_ADAPTERS } from './adapters/index.js';
import { ConfigReadError, configSizeCap, readConfigBytes } from './config-read.js';
import { ConfigParseError, parseConfigText } from './config-syntax.js';
import { checkRoutable, routedServer, type RouteCheck } from './entry-routing.js';
import { endpointServer } from './http-entry.js';

/** One server entry as `clients list` reports it. */
export interface ScannedServer {
  entry: ClientServerEntry;
  /** routed: it runs `airlock connect` or reaches this home's MCP endpoint; bypassing: the client starts or reaches the server directly. */
  status: 'routed' | 'bypassing';
  /** How a routed entry reaches Airlock: `airlock connect` over stdio, or the MCP endpoint over HTTP. */
  via?: 'stdio' | 'http';
  /** The Airlock server a routed entry connects to. */
  airlockServer?: string;
  /** For a bypassing entry: whether `clients install` can route it, and why not. */
  route?: RouteCheck;
}

export interface ScannedFile {
  ref: ConfigFileRef;
  /** The bytes read, for planning an edit against exactly them. */
  bytes: Buffer;
  text: string;
  document: unknown;
  servers: ScannedServer[];
}

/** A file that exists but cannot be read as the client's config; it is never written. */
export interface UnreadableFile {
  ref: ConfigFileRef;
  error: string;
}

export interface ScannedClient {
  adapter: ClientAdapter;
  files: ScannedFile[];
  unreadable: UnreadableFile[];
}

/** Reads every existing config file of the given clients (all by default). */
export function scanClients(dirs: ClientDirs, only?: readonly ClientId[]): ScannedClient[] {
  const adapters = only === undefined || only.length === 0 ? CLIENT_ADAPTERS : CLIENT_ADAPTERS.filter((a) => only.includes(a.id));
  return adapters.map((adapter) => {
    const files: ScannedFile[] = [];
    const unreadable: UnreadableFile[] = [];
    for (const ref of adapter.configFiles(dirs)) {
      const result = scanFile(adapter, ref, dirs.airlockEndpoint?.());
      if (result === undefined) continue;
      if ('error' in result) unreadable.push(result);
      else files.push(result);
    }
    return { adapter, files, unreadable };
  });
}

/**
 * One file: undefined when it does not exist. `endpoint` is the base URL of this home's MCP
 * endpoint, whose entries count as routed. Never throws for what the file holds: the Host's
 * bypass watch calls this on a timer, where an exception would end the Host.
 */
export function scanFile(adapter: ClientAdapter, ref: ConfigFileRef, endpoint?: string): ScannedFile | UnreadableFile | undefined {
  let bytes: Buffer | undefined;
  try {
    bytes = readConfigBytes(ref.path, configSizeCap(ref));
  } catch (error) {
    if (error instanceof ConfigReadError) return { ref, error: error.message };
    return { ref, error: `${ref.path} cannot be read (${(error as Error).message}); Airlock left it untouched` };
  }
  if (bytes === undefined) return undefined;
  const text = bytes.toString('utf8');
  try {
    const document = parseConfigText(text, ref.format, ref.path);
    const servers = adapter.readServers(document, ref).map((entry) => scanEntry(entry, adapter.displayName, endpoint));
    return { ref, bytes, text, document, servers };
  } catch (error) {
    if (error instanceof ConfigParseError) return { ref, error: error.message };
    if (error instanceof ClientShapeError) return { ref, error: `${ref.path}: ${error.message}; Airlock left it untouched. Fix it in ${adapter.displayName}'s settings and run the command again.` };
    return { ref, error: `${ref.path} cannot be read as ${adapter.displayName}'s config (${(error as Error).message}); Airlock left it untouched` };
  }
}

function scanEntry(entry: ClientServerEntry, clientName: string, endpoint: string | undefined): ScannedServer {
  const server = entry.transport === 'stdio' ? routedServer(entry) : undefined;
  if (server !== undefined) return { entry, status: 'routed', via: 'stdio', airlockServer: server };
  // Only this home's endpoint: a URL on another port or host reaches something else (or nothing).
  const overHttp = entry.transport === 'remote' ? endpointServer(entry.url, endpoint) : undefined;
  if (overHttp !== undefined) return { entry, status: 'routed', via: 'http', airlockServer: overHttp };
  return { entry, status: 'bypassing', route: checkRoutable(entry, clientName) };
}
