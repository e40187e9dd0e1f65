import path from 'node:path';
import type { ClientServerEntry } from './client-adapter.js';
import { loopbackEndpointServer } from './http-entry.js';

/**
 * Whether a client's entry already goes through Airlock, and what Airlock needs to run an entry
 * that does not: its command, arguments and variables, with secrets told apart from the rest.
 */

/** `airlock`, `airlock.cmd`, `airlock.exe`, the package's `bin/airlock.js`, or the desktop app's `airlock-connect.mjs`. */
const AIRLOCK_PROGRAM = /^airlock(\.js|\.mjs|\.cmd|\.exe|-connect\.mjs)?$/i;

/** The Airlock server an entry connects to, when it runs `… airlock … connect NAME`; undefined otherwise. */
export function routedServer(entry: Pick<ClientServerEntry, 'command' | 'args'>): string | undefined {
  if (entry.command === undefined) return undefined;
  const words = [entry.command, ...(entry.args ?? [])];
  const connect = words.indexOf('connect');
  if (connect < 1) return undefined;
  if (!words.slice(0, connect).some((word) => AIRLOCK_PROGRAM.test(programName(word)))) return undefined;
  return words.slice(connect + 1).find((word) => !word.startsWith('-'));
}

function programName(word: string): string {
  // Either separator: a Windows path in a config is read on any platform (fixtures, synced dotfiles).
  return path.win32.basename(path.posix.basename(word));
}

/** What Airlock registers for an entry it routes. Secret values live here only until the secret store has them. */
export interface ServerImport {
  /** "" for a remote server, whose command, args, env and envFrom are empty. */
  command: string;
  args: string[];
  /** Variables that are not secrets, kept as written. */
  env: Record<string, string>;
  /** KEY → the variable of the Host's environment it came from (`${env:VAR}`, `${VAR}`, `$VAR`). */
  envFrom: Record<string, string>;
  /** KEY → value, for the secret store; for a remote server, header name → value. */
  secrets: Record<string, string>;
  /** Set for a remote server: where Airlock reaches it. */
  remote?: RemoteImport;
}

export interface RemoteImport {
  url: string;
  transport: 'streamable-http' | 'sse';
  /** Headers that are not secrets, kept as written; the secret ones are in `secrets`. */
  headers: Record<string, string>;
}

export type RouteCheck = { ok: true; import: ServerImport } | { ok: false; reason: string };

/** A whole value that only names a variable: ${env:VAR}, ${VAR} or $VAR. */
const VARIABLE_REFERENCE = /^(?:\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*))$/;
/** Any interpolation a client resolves itself: ${…}, ${{ … }}, $VAR. */
const INTERPOLATION = /\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/;

/**
 * Whether Airlock can run this entry itself, with the reason when it cannot. The rule is: never
 * route what would then start differently. A remote server, a setting the registry has no
 * place for, or an interpolation only the client can resolve (`${input:…}` is a prompt the
 * client shows, `${workspaceFolder}` depends on the open window) leaves the entry as it is.
 */
export function checkRoutable(entry: ClientServerEntry, clientName: string): RouteCheck {
  if (routedServer(entry) !== undefined) return { ok: false, reason: 'already routed through Airlock' };
  if (entry.transport === 'remote') return checkRemoteRoutable(entry, clientName);
  if (entry.unsupported !== undefined && entry.unsupported.length > 0) {
    return { ok: false, reason: `${entry.unsupported.join('; ')}, which Airlock cannot carry over yet` };
  }
  if (entry.command === undefined) return { ok: false, reason: 'it has no command' };
  for (const word of [entry.command, ...(entry.args ?? [])]) {
    const found = INTERPOLATION.exec(word);
    if (found !== null) return { ok: false, reason: `its command line uses ${found[0]}, which only ${clientName} can resolve` };
  }
  const result: ServerImport = { command: entry.command, args: [...(entry.args ?? [])], env: {}, envFrom: {}, secrets: {} };
  for (const [key, value] of Object.entries(entry.env ?? {})) {
    // "__proto__" matches the pattern but cannot be carried: every object it passes through (the registry's schema too) would take it for a prototype.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || key === '__proto__') return { ok: false, reason: `its variable ${JSON.stringify(key)} is not a name Airlock can set` };
    const reference = VARIABLE_REFERENCE.exec(value);
    if (reference !== null) {
      result.envFrom[key] = reference[1] ?? reference[2] ?? reference[3] ?? '';
      continue;
    }
    const found = INTERPOLATION.exec(value);
    if (found !== null) return { ok: false, reason: `variable ${key} uses ${found[0]}, which only ${clientName} can resolve` };
    if (value === '') continue;
    if (looksSecret(key, value)) result.secrets[key] = value;
    else result.env[key] = value;
  }
  return { ok: true, import: result };
}

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the upstream transport sets itself; one from a client file would be dropped or clash. */
const TRANSPORT_HEADERS = new Set(['accept', 'content-type', 'content-length', 'host', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id', 'connection', 'transfer-encoding']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** Far above any real server's needs; a file past them is not one a person wrote for a server. */
const MAX_HEADERS = 64;
const MAX_HEADER_VALUE = 8192;
const MAX_URL = 4096;

/**
 * A remote entry is routed when Airlock can reach the server exactly as the client would: the same
 * URL and transport, with headers whose values are written out (secret ones go to the secret store).
 * Anything only the client can supply (its interpolation, an OAuth setup it runs itself) leaves the
 * entry as it is. Reasons never quote a header value or the URL's credentials.
 */
function checkRemoteRoutable(entry: ClientServerEntry, clientName: string): RouteCheck {
  const remote = entry.remote;
  if (entry.unsupported !== undefined && entry.unsupported.length > 0) {
    return { ok: false, reason: `${entry.unsupported.join('; ')}, which Airlock cannot carry over yet` };
  }
  if (remote === undefined || entry.url === undefined) return { ok: false, reason: 'a remote server without a URL' };
  if (remote.transport === undefined) return { ok: false, reason: `its type ${JSON.stringify(remote.type ?? '')} is not a transport Airlock speaks (it speaks Streamable HTTP and SSE)` };
  const urlProblem = remoteUrlReason(entry.url, clientName);
  if (urlProblem !== undefined) return { ok: false, reason: urlProblem };
  // Importing it would make Airlock a server of its own; most likely the endpoint moved to another port.
  if (loopbackEndpointServer(entry.url) !== undefined) {
    return { ok: false, reason: "it points at an Airlock MCP endpoint that is not this home's (another port?); give the file back with airlock clients restore and install again" };
  }
  const names = Object.keys(remote.headers);
  if (names.length > MAX_HEADERS) return { ok: false, reason: `it sets ${names.length} headers, more than the ${MAX_HEADERS} Airlock carries` };
  const result: ServerImport = { command: '', args: [], env: {}, envFrom: {}, secrets: {}, remote: { url: entry.url, transport: remote.transport, headers: {} } };
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(remote.headers)) {
    // "__proto__" is a valid header token, but every object it passes through would take it for a prototype.
    if (!HEADER_NAME.test(name) || name === '__proto__' || name.length > 256) return { ok: false, reason: `its header ${JSON.stringify(name.slice(0, 64))} is not a name Airlock can send` };
    const lower = name.toLowerCase();
    if (TRANSPORT_HEADERS.has(lower)) return { ok: false, reason: `it sets the header ${name}, which the transport sets itself` };
    const earlier = seen.get(lower);
    if (earlier !== undefined) return { ok: false, reason: `it sets the header ${name} twice (as ${earlier} and ${name}); which value ${clientName} sends cannot be known` };
    seen.set(lower, name);
    if (value.length > MAX_HEADER_VALUE) return { ok: false, reason: `its header ${name} is longer than ${MAX_HEADER_VALUE} characters` };
    if (value.includes('\0') || /[\r\n]/.test(value)) return { ok: false, reason: `its header ${name} holds a line break or NUL, which no HTTP header can carry` };
    const found = INTERPOLATION.exec(value);
    // The matched text is quoted only when it is a ${…} reference: a bare $word could be part of a secret.
    if (found !== null) return { ok: false, reason: `header ${name} uses ${found[0].startsWith('${') ? found[0] : 'a $VARIABLE'}, which only ${clientName} can resolve` };
    if (value === '') continue;
    if (looksSecret(name, value)) result.secrets[name] = value;
    else result.remote!.headers[name] = value;
  }
  return { ok: true, import: result };
}

/** Why Airlock will not reach this URL for the client, or undefined. Like the registry's own check, plus what only a client file has. */
function remoteUrlReason(text: string, clientName: string): string | undefined {
  if (text.length > MAX_URL) return `its URL is longer than ${MAX_URL} characters`;
  const found = INTERPOLATION.exec(text);
  if (found !== null) return `its URL uses ${found[0].startsWith('${') ? found[0] : 'a $VARIABLE'}, which only ${clientName} can resolve`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'its URL is not a valid URL';
  }
  if (url.username !== '' || url.password !== '') return 'its URL carries a user name or password, which Airlock would have to store in clear; put the key in a header instead';
  const secretParam = [...url.searchParams].find(([key, value]) => value !== '' && looksSecret(key, value));
  if (secretParam !== undefined) return `its URL carries a secret in ?${secretParam[0].slice(0, 64)}=, which Airlock would have to store in clear`;
  if (url.pathname.split('/').some((segment) => segment !== '' && looksSecretSegment(segment))) return 'its URL seems to carry a key in its path, which Airlock would have to store in clear';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.protocol === 'http:') return `it uses plain http to ${url.hostname}; Airlock reaches remote servers over https only (plain http only on this machine)`;
  return `its URL's scheme ${url.protocol} is not an MCP transport`;
}

/** A path segment that reads as a key: a token prefix, or a long mix of letters and digits (not a word, a date or a version). */
export function looksSecretSegment(segment: string): boolean {
  return TOKEN_PREFIX.test(segment) || (segment.length >= 24 && /[A-Za-z]/.test(segment) && /\d/.test(segment) && !/[.]/.test(segment));
}

const SECRET_NAME = /(token|secret|passw|pwd|key|credential|auth|cookie|session|bearer|signature|private|(^|_)pat($|_))/i;
const TOKEN_PREFIX = /^(gh[pousr]_|github_pat_|glpat-|sk-|sk_|pk_|rk_|xox[abprs]-|AKIA|ASIA|AIza|ya29\.|eyJ|npm_|pypi-|dop_v1_|shpat_|lin_api_)/;
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;

/**
 * Liberal on purpose: a value taken for a secret only goes to the secret store instead of the
 * registry, while a secret taken for a plain value would be stored and shown in clear.
 */
export function looksSecret(key: string, value: string): boolean {
  if (SECRET_NAME.test(key) || TOKEN_PREFIX.test(value) || URL_WITH_CREDENTIALS.test(value)) return true;
  // A long unbroken mix of letters and digits reads as a generated token; paths, words and pinned packages do not.
  return value.length >= 20 && !/[\s/\\]/.test(value) && /[A-Za-z]/.test(value) && /\d/.test(value) && !PINNED_PACKAGE.test(value);
}

/** A package pinned to an exact version (`mcp-server-git@1.2.3`), as `airlock servers pin` writes it. */
const PINNED_PACKAGE = /^[a-z0-9][a-z0-9._-]*@v?\d+\.\d+\.\d+(?:[-+][0-9a-z.-]+)?$/i;

/** Values of an entry that must not be shown: secret-looking variables, arguments, headers and URL parts. */
export function sensitiveValues(entry: Pick<ClientServerEntry, 'env' | 'args' | 'remote' | 'url'>): string[] {
  const pairs = [...Object.entries(entry.env ?? {}), ...Object.entries(entry.remote?.headers ?? {})];
  const values = pairs.filter(([key, value]) => value !== '' && looksSecret(key, value)).map(([, value]) => value);
  if (entry.url !== undefined) values.push(...sensitiveUrlParts(entry.url));
  for (const word of entry.args ?? []) {
    const eq = word.indexOf('=');
    if (eq > 0 && looksSecret(word.slice(0, eq).replace(/^-+/, ''), word.slice(eq + 1))) values.push(word.slice(eq + 1));
    else if (looksSecret('', word)) values.push(word);
  }
  return values;
}

/** The credentials, secret-looking query values and key-like path segments of a URL. */
function sensitiveUrlParts(text: string): string[] {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return [];
  }
  const parts = [url.username, url.password, decodeOrSelf(url.username), decodeOrSelf(url.password)];
  for (const [key, value] of url.searchParams) if (looksSecret(key, value)) parts.push(value, encodeURIComponent(value));
  for (const segment of url.pathname.split('/')) if (looksSecretSegment(segment)) parts.push(segment);
  return parts.filter((part) => part !== '');
}

function decodeOrSelf(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
