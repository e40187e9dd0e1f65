import path from 'node:path';
import type { ClientServerEntry } from './client-adapter.js';

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
  command: string;
  args: string[];
  /** Variables that are not secrets, kept as written. */
  env: Record<string, string>;
  /** KEY → the variable of the Host's environment it came from (`${env:VAR}`, `${VAR}`, `$VAR`). */
  envFrom: Record<string, string>;
  /** KEY → value, for the secret store. */
  secrets: Record<string, string>;
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
  if (entry.transport === 'remote') return { ok: false, reason: 'a remote server: Airlock routes stdio servers only so far' };
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

const SECRET_NAME = /(token|secret|passw|pwd|key|credential|auth|cookie|session|bearer|signature|private|(^|_)pat($|_))/i;
const TOKEN_PREFIX = /^(gh[pousr]_|github_pat_|glpat-|sk-|sk_|pk_|rk_|xox[abprs]-|AKIA|ASIA|AIza|ya29\.|eyJ|npm_|pypi-|dop_v1_|shpat_|lin_api_)/;
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;

/**
 * Liberal on purpose: a value taken for a secret only goes to the secret store instead of the
 * registry, while a secret taken for a plain value would be stored and shown in clear.
 */
export function looksSecret(key: string, value: string): boolean {
  if (SECRET_NAME.test(key) || TOKEN_PREFIX.test(value) || URL_WITH_CREDENTIALS.test(value)) return true;
  // A long unbroken mix of letters and digits reads as a generated token; paths and words do not.
  return value.length >= 20 && !/[\s/\\]/.test(value) && /[A-Za-z]/.test(value) && /\d/.test(value);
}

/** Values of an entry that must not be shown: secret-looking variables and arguments. */
export function sensitiveValues(entry: Pick<ClientServerEntry, 'env' | 'args'>): string[] {
  const values = Object.entries(entry.env ?? {}).filter(([key, value]) => value !== '' && looksSecret(key, value)).map(([, value]) => value);
  for (const word of entry.args ?? []) {
    const eq = word.indexOf('=');
    if (eq > 0 && looksSecret(word.slice(0, eq).replace(/^-+/, ''), word.slice(eq + 1))) values.push(word.slice(eq + 1));
    else if (looksSecret('', word)) values.push(word);
  }
  return values;
}
