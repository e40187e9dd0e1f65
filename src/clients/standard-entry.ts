import { z } from 'zod';
import type { ClientServerEntry, DocPath, EntryEdit, Launcher } from './client-adapter.js';
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
}

const DEFAULT_URL_KEYS = ['url'];
const DEFAULT_REMOTE_TYPES = ['http', 'sse', 'streamable-http', 'streamableHttp'];

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
    return { ...where, transport: 'remote', url: urlKey === undefined ? undefined : String(raw[urlKey]), disabled };
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

/**
 * Routes a standard entry: `command` becomes the launcher, `args` its arguments and the server's
 * name, and `env` leaves the file (the Host starts the server with it, secrets from its store).
 * Every other key stays where it is.
 */
export function standardRouteEdits(entry: ClientServerEntry, launcher: Launcher, server: string): EntryEdit[] {
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
