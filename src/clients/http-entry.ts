import type { ClientId, ClientServerEntry, ConfigFileRef, DocPath, EntryEdit } from './client-adapter.js';

/**
 * Entries that reach Airlock's MCP endpoint over Streamable HTTP (`clients install --over-http`)
 * instead of starting `airlock connect`: the URL `http://127.0.0.1:PORT/mcp/SERVER` and the header
 * `Authorization: Bearer …`, where the token comes from an environment variable in the client's own
 * interpolation syntax, or (only with --token-in-file) is written as text.
 */

/** Where a routed entry's bearer token comes from. */
export type BearerSource = { variable: string } | { token: string };

/** What an adapter knows about giving one of its entries a URL and headers. */
export interface HttpEntryFormat {
  /**
   * Whether this file's client reads an environment variable in the bearer token's place. Only
   * where the client's own docs say so: an unconfirmed one is "no", and its token is never written
   * as text unless the user asks (--token-in-file).
   */
  readsVariable(file: ConfigFileRef): boolean;
  /** The edits (relative to the entry) that make it reach `url` with the bearer token. */
  routeEdits(entry: ClientServerEntry, url: string, bearer: BearerSource): EntryEdit[];
}

/** The variable a client reads its Airlock token from: AIRLOCK_TOKEN_<CLIENT ID>, e.g. AIRLOCK_TOKEN_CLAUDE_CODE. */
export function tokenVariableName(client: ClientId): string {
  return `AIRLOCK_TOKEN_${client.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The endpoint's URL for one server: `<base>/<server>` (server names are URL-safe: letters, digits, ".", "_", "-"). */
export function endpointUrl(base: string, server: string): string {
  return `${base.replace(/\/+$/, '')}/${server}`;
}

/** The base of a home's endpoint on a port: `http://127.0.0.1:PORT/mcp`. */
export function endpointBase(port: number): string {
  return `http://127.0.0.1:${port}/mcp`;
}

/**
 * The Airlock server an entry's URL names when it points at `base` (this home's endpoint), else
 * undefined. `localhost` counts as 127.0.0.1; any other host, port or path prefix is elsewhere.
 */
export function endpointServer(url: string | undefined, base: string | undefined): string | undefined {
  if (url === undefined || base === undefined) return undefined;
  let parsed: URL;
  let expected: URL;
  try {
    parsed = new URL(url);
    expected = new URL(base);
  } catch {
    return undefined;
  }
  const host = (name: string) => (name === 'localhost' ? '127.0.0.1' : name);
  if (parsed.protocol !== expected.protocol || host(parsed.hostname) !== host(expected.hostname) || parsed.port !== expected.port) return undefined;
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') return undefined;
  const prefix = `${expected.pathname.replace(/\/+$/, '')}/`;
  if (!parsed.pathname.startsWith(prefix)) return undefined;
  const name = parsed.pathname.slice(prefix.length);
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) ? name : undefined;
}

/**
 * Any loopback `/mcp/NAME` URL's server name, whatever the port: restore's check that an entry it
 * routed still points where Airlock put it (the record knows the server, not the port it used).
 */
export function loopbackEndpointServer(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(parsed.hostname)) return undefined;
  return endpointServer(url, `http://127.0.0.1:${parsed.port}/mcp`);
}

/** The Authorization header's value for a bearer written with `reference` (the client's syntax for the variable). */
export function bearerHeader(bearer: BearerSource, reference: (variable: string) => string): string {
  return `Bearer ${'variable' in bearer ? reference(bearer.variable) : bearer.token}`;
}

/** Keys a stdio entry runs its server with; an HTTP-routed entry has none of them. */
const STDIO_KEYS: readonly DocPath[] = [['command'], ['args'], ['env']];

/**
 * The edits that turn an entry into `fields` (set, relative to the entry): what made it a stdio
 * entry (command, args, env) or a remote one (its URL keys, type, headers) goes, unless `fields`
 * sets that same key. Every other key of the client's (disabled, timeout, autoApprove…) stays.
 */
export function httpRouteEdits(entry: ClientServerEntry, fields: readonly EntryEdit[], alsoRemove: readonly DocPath[] = []): EntryEdit[] {
  const setKeys = new Set(fields.map((field) => JSON.stringify(field.path)));
  // A missing key's delete changes nothing; `env` goes even when empty (Codex refuses a url beside an env table).
  const removed = entry.transport === 'remote' ? (entry.remote?.ownKeys ?? []) : STDIO_KEYS;
  const edits: EntryEdit[] = [];
  const seen = new Set<string>();
  for (const key of [...removed, ...alsoRemove]) {
    const id = JSON.stringify(key);
    if (setKeys.has(id) || seen.has(id)) continue;
    // A key nested under one that is set (headers → requestOptions.headers) is replaced with it.
    if (fields.some((field) => key.length > field.path.length && field.path.every((part, i) => key[i] === part))) continue;
    seen.add(id);
    edits.push({ path: key, value: undefined });
  }
  return [...edits, ...fields];
}
