import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ENV_KEY_PATTERN, ServerNameSchema, StoreError, ensurePrivateDir } from '../engine/store/index.js';
import { Secret } from './secret.js';

export const SECRETS_FILE_NAME = 'secrets.json';

const POSIX = process.platform !== 'win32';
const GROUP_OTHER_BITS = 0o077;

/** `secrets.json`: per server, KEY → value. Strict, so a stray field is noticed rather than kept. */
export const SecretsFileSchema = z.strictObject({
  version: z.literal(1),
  servers: z.record(ServerNameSchema, z.record(z.string().regex(ENV_KEY_PATTERN, 'not a valid variable name'), z.string())),
});
export type SecretsFile = z.infer<typeof SecretsFileSchema>;

/**
 * The secret store of a headless Host: `<home>/secrets.json`, 0600 inside the 0700 home. The
 * Electron app keeps secrets in the OS keychain instead (DESIGN.md §6); this file is for hosts
 * without one. Every read goes to disk, because the CLI writes it from another process.
 *
 * Writers replace the whole file (read, change, atomic rename), so two writers at once could lose
 * one's change: the CLI writes inside the store's BEGIN IMMEDIATE transaction, which serializes
 * them across processes.
 */
export class SecretStore {
  private constructor(
    readonly home: string,
    readonly path: string,
  ) {}

  /** Opens the store of a home, creating the 0700 folder if needed; a bad existing file is refused now. */
  static open(home: string): SecretStore {
    ensurePrivateDir(home);
    const store = new SecretStore(home, path.join(home, SECRETS_FILE_NAME));
    store.read();
    return store;
  }

  /** The server's secrets, read fresh from disk; empty when it has none. */
  get(server: string): Record<string, Secret> {
    const values = this.serverEntry(this.read(), server);
    return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, new Secret(value)]));
  }

  /** The names of the server's secrets, sorted; never their values. */
  keys(server: string): string[] {
    return Object.keys(this.serverEntry(this.read(), server)).sort();
  }

  set(server: string, key: string, value: string): void {
    const file = this.read();
    file.servers[checkServer(server)] = { ...this.serverEntry(file, server), [key]: checkValue(server, key, value) };
    this.write(file);
  }

  /** Replaces all of the server's secrets with `values` in one atomic write. */
  replaceServer(server: string, values: Readonly<Record<string, string>>): void {
    const file = this.read();
    file.servers[checkServer(server)] = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, checkValue(server, key, value)]));
    this.write(file);
  }

  /** Forgets every secret of the server; true if it had any. */
  deleteServer(server: string): boolean {
    const file = this.read();
    if (!Object.hasOwn(file.servers, server)) return false;
    delete file.servers[server];
    this.write(file);
    return true;
  }

  private serverEntry(file: SecretsFile, server: string): Record<string, string> {
    return Object.hasOwn(file.servers, server) ? (file.servers[server] ?? {}) : {};
  }

  private read(): SecretsFile {
    const text = readPrivateFile(this.path);
    if (text === undefined) return { version: 1, servers: {} };
    let parsed: ReturnType<typeof SecretsFileSchema.safeParse>;
    try {
      parsed = SecretsFileSchema.safeParse(JSON.parse(text));
    } catch {
      throw new StoreError(`the Airlock secrets file ${this.path} is not valid JSON. Restore it from a backup, or move it aside and add the servers' secrets again.`);
    }
    if (!parsed.success) {
      // Paths and messages only: an issue's input could be a secret value.
      const where = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`).join('; ');
      throw new StoreError(`the Airlock secrets file ${this.path} has an unexpected shape (${where}). Restore it from a backup, or move it aside and add the servers' secrets again.`);
    }
    return parsed.data;
  }

  private write(file: SecretsFile): void {
    const parsed = SecretsFileSchema.parse(file);
    writeFileAtomically(this.path, `${JSON.stringify(parsed, null, 2)}\n`);
  }
}

function checkServer(server: string): string {
  if (!ServerNameSchema.safeParse(server).success) throw new StoreError(`cannot store secrets for ${JSON.stringify(server)}: it is not a valid server name.`);
  return server;
}

function checkValue(server: string, key: string, value: string): string {
  if (!ENV_KEY_PATTERN.test(key)) throw new StoreError(`cannot store secret ${JSON.stringify(key)} of server "${server}": it is not a valid variable name.`);
  if (value === '') throw new StoreError(`cannot store secret ${key} of server "${server}": the value is empty.`);
  if (value.includes('\0')) throw new StoreError(`cannot store secret ${key} of server "${server}": the value contains a NUL character, which an environment variable cannot carry.`);
  return value;
}

/**
 * Reads a secret-bearing file, or undefined if there is none. O_NOFOLLOW refuses a planted
 * symlink, and the checks run with fstat on the descriptor that is read, so the file checked is
 * the file read. A file others could read is refused, not tightened: its secrets may be exposed.
 */
function readPrivateFile(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (POSIX ? fs.constants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new StoreError(`the Airlock secrets file ${file} is a symbolic link, which Airlock refuses. Remove the link and add the servers' secrets again.`);
    throw new StoreError(`cannot open the Airlock secrets file ${file}: ${(error as Error).message}. Check its permissions.`);
  }
  try {
    if (POSIX) checkPrivate(fs.fstatSync(fd), file);
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

function checkPrivate(stat: fs.Stats, file: string): void {
  if (!stat.isFile()) throw new StoreError(`the Airlock secrets file ${file} is not a regular file. Move it aside and add the servers' secrets again.`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new StoreError(
      `the Airlock secrets file ${file} belongs to another user (uid ${stat.uid}, you are uid ${uid}), who could have read or replaced it. ` +
        `Have its owner remove it, or use a home folder you own (--home or AIRLOCK_HOME).`,
    );
  }
  if ((stat.mode & GROUP_OTHER_BITS) !== 0) {
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    throw new StoreError(
      `the Airlock secrets file ${file} has mode ${mode}, so other users could read it. Run: chmod 600 '${file}' ` +
        `and consider the secrets in it exposed (rotate them at their issuers).`,
    );
  }
}

/**
 * Writes a 0600 temp file beside the target, fsyncs it and renames it over the target, so a
 * reader sees the old file or the new one, never half of one, and a crash loses no secret.
 */
function writeFileAtomically(file: string, contents: string): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | (POSIX ? O_NOFOLLOW : 0), 0o600);
    if (POSIX) fs.fchmodSync(fd, 0o600); // the umask may have taken bits off, never adds any
    fs.writeFileSync(fd, contents);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw new StoreError(`cannot write the Airlock secrets file ${file}: ${(error as Error).message}. Nothing was changed; check the folder's permissions and free space.`);
  }
  if (POSIX) syncDir(dir);
}

/** Makes the rename durable; best effort, as some file systems refuse fsync on a folder. */
function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // the data itself is fsynced; only the rename's durability is at stake
  }
}
