import { z } from 'zod';
import type { ClientServerEntry, DocPath, EntryEdit, Launcher, RemoteEntryDetails } from './client-adapter.js';
import { ClientShapeError } from './client-adapter.js';

/**
 * The shape most clients share for a server: `{ command, args, env }` for stdio, a URL for a
 * remote server, plus keys of the client's own (type, disabled, autoApprove, timeout…) that
 * Airlock keeps as they are. Validated loosely: unknown keys are the client's business.
 */
const StandardEntrySchema = z.looseObject({
  type: z.string().optional(),
  command: z.string().optional(),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
});

export interface StandardReadOptions {
  /** Keys that hold a remote server's URL (url, serverUrl, httpUrl…). */
  urlKeys?: readonly string[];
  /** `type` values that mean a remote server. */
  remoteTypes?: readonly string[];
  /** Keys Airlock's registry cannot carry: an entry with one is reported, not routed. */
  unsupportedKeys?: readonly string[];
  /** How the client marks an entry it does not start. */
  isDisabled?: (entry: Record<string, unknown>) => boolean;
  /** The transport a URL key means when the entry has no `type` (default: streamable HTTP, which falls back to SSE). */
  urlTransports?: Readonly<Record<string, RemoteTransport>>;
  /** Where a remote entry keeps its request headers (default `headers`). */
  headersPath?: DocPath;
  /** Keys of a remote entry that leave it where it is: the key, and why (an OAuth block the client runs itself…). */
  remoteUnsupported?: Readonly<Record<string, string>>;
}

type RemoteTransport = 'streamable-http' | 'sse';

const DEFAULT_URL_KEYS = ['url'];
const DEFAULT_REMOTE_TYPES = ['http', 'sse', 'streamable-http', 'streamableHttp'];
/** The `type` values clients use for a remote server, and the transport each means. */
const TRANSPORT_OF_TYPE: Readonly<Record<string, RemoteTransport>> = { http: 'streamable-http', 'streamable-http': 'streamable-http', streamableHttp: 'streamable-http', sse: 'sse' };

/** The entries of a `{ name: entry }` map at `containerPath` (missing: none; not an object: an error naming it). */
export function readServerMap(document: unknown, containerPath: DocPath, options: StandardReadOptions = {}): ClientServerEntry[] {
  const container = valueAt(document, containerPath);
  if (container === undefined || container === null) return [];
  if (!isPlainObject(container)) throw new ClientShapeError(`"${containerPath.join('.')}" should be an object of servers, found ${describe(container)}`);
  const idPrefix = containerPath.map(String).join('/');
  return Object.entries(container).map(([name, raw]) => readStandardEntry(raw, { id: `${idPrefix}/${name}`, name, path: [...containerPath, name] }, options));
}

/** One entry object in the standard shape. */
export function readStandardEntry(raw: unknown, where: Pick<ClientServerEntry, 'id' | 'name' | 'path'>, options: StandardReadOptions = {}): ClientServerEntry {
  if (!isPlainObject(raw)) return { ...where, transport: 'stdio', unsupported: [`the entry is ${describe(raw)}, not an object`] };
  const disabled = options.isDisabled?.(raw) ?? false;
  const urlKey = (options.urlKeys ?? DEFAULT_URL_KEYS).find((key) => typeof raw[key] === 'string');
  const type = typeof raw.type === 'string' ? raw.type : undefined;
  if (urlKey !== undefined || (type !== undefined && (options.remoteTypes ?? DEFAULT_REMOTE_TYPES).includes(type))) {
    return readRemoteEntry(raw, where, urlKey, type, disabled, options);
  }
  const parsed = StandardEntrySchema.safeParse(raw);
  const unsupported = (options.unsupportedKeys ?? []).filter((key) => raw[key] !== undefined).map((key) => `it sets "${key}"`);
  if (!parsed.success) {
    const keys = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'entry')))];
    return { ...where, transport: 'stdio', disabled, unsupported: [...unsupported, ...keys.map((key) => `"${key}" has an unexpected shape`)] };
  }
  const entry = parsed.data;
  if (entry.command === undefined) return { ...where, transport: 'stdio', disabled, unsupported: [...unsupported, 'it has neither "command" nor a URL'] };
  return {
    ...where,
    transport: 'stdio',
    command: entry.command,
    args: entry.args ?? [],
    // From the file's own object, not zod's copy: zod builds a record by assignment, which drops a "__proto__" key.
    env: isPlainObject(raw.env) ? (Object.fromEntries(Object.entries(raw.env)) as Record<string, string>) : {},
    disabled,
    ...(unsupported.length > 0 ? { unsupported } : {}),
  };
}

function readRemoteEntry(
  raw: Record<string, unknown>,
  where: Pick<ClientServerEntry, 'id' | 'name' | 'path'>,
  urlKey: string | undefined,
  type: string | undefined,
  disabled: boolean,
  options: StandardReadOptions,
): ClientServerEntry {
  const headersPath = options.headersPath ?? ['headers'];
  const rawHeaders = valueAt(raw, headersPath);
  const unsupported = Object.entries(options.remoteUnsupported ?? {}).filter(([key]) => raw[key] !== undefined).map(([, reason]) => reason);
  let headers: Record<string, string> = {};
  if (rawHeaders !== undefined) {
    if (isPlainObject(rawHeaders) && Object.values(rawHeaders).every((value) => typeof value === 'string')) {
      // Entries, not a copy by assignment: a header named "__proto__" must be seen (and refused), not dropped.
      headers = Object.fromEntries(Object.entries(rawHeaders)) as Record<string, string>;
    } else unsupported.push(`"${headersPath.join('.')}" is not an object of header names and text values`);
  }
  // Every URL key the entry has: a client that finds a second one (Gemini CLI's url beside httpUrl) would still use it.
  const ownKeys: DocPath[] = (options.urlKeys ?? DEFAULT_URL_KEYS).filter((key) => raw[key] !== undefined).map((key) => [key]);
  if (type !== undefined) ownKeys.push(['type']);
  if (rawHeaders !== undefined) {
    // A parent that holds nothing but the headers (Continue's requestOptions) goes with them.
    const parent = headersPath.length > 1 ? valueAt(raw, headersPath.slice(0, -1)) : undefined;
    ownKeys.push(isPlainObject(parent) && Object.keys(parent).length === 1 ? headersPath.slice(0, -1) : headersPath);
  }
  const transport = type === undefined ? (urlKey === undefined ? undefined : (options.urlTransports?.[urlKey] ?? 'streamable-http')) : TRANSPORT_OF_TYPE[type];
  const remote: RemoteEntryDetails = { transport, ...(type === undefined ? {} : { type }), headers, ownKeys };
  return {
    ...where,
    transport: 'remote',
    url: urlKey === undefined ? undefined : String(raw[urlKey]),
    disabled,
    remote,
    ...(unsupported.length > 0 ? { unsupported } : {}),
  };
}

/**
 * Routes a remote entry: it runs the launcher like a stdio one, and loses what only a remote entry has
 * (its URL, headers and remote `type`; a `type` becomes `stdioType`, or goes when that is null).
 */
export function remoteRouteEdits(entry: ClientServerEntry, launcher: Launcher, server: string, stdioType: string | null = 'stdio'): EntryEdit[] {
  const edits: EntryEdit[] = [
    { path: ['command'], value: launcher.command },
    { path: ['args'], value: [...launcher.args, server] },
  ];
  for (const key of entry.remote?.ownKeys ?? []) {
    edits.push({ path: key, value: key.length === 1 && key[0] === 'type' && stdioType !== null ? stdioType : undefined });
  }
  return edits;
}

/**
 * Routes a standard entry: `command` becomes the launcher, `args` its arguments and the server's
 * name, and `env` leaves the file (the Host starts the server with it, secrets from its store).
 * Every other key stays where it is.
 */
export function standardRouteEdits(entry: ClientServerEntry, launcher: Launcher, server: string): EntryEdit[] {
  if (entry.transport === 'remote') return remoteRouteEdits(entry, launcher, server);
  const edits: EntryEdit[] = [
    { path: ['command'], value: launcher.command },
    { path: ['args'], value: [...launcher.args, server] },
  ];
  if (entry.env !== undefined && Object.keys(entry.env).length > 0) edits.push({ path: ['env'], value: undefined });
  return edits;
}

export function valueAt(document: unknown, docPath: DocPath): unknown {
  let value = document;
  for (const key of docPath) {
    if (typeof key === 'number') value = Array.isArray(value) ? value[key] : undefined;
    else value = isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
