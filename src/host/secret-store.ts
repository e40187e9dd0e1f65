import path from 'node:path';
import { z } from 'zod';
import { ENV_KEY_PATTERN, ServerNameSchema, StoreError, ensurePrivateDir } from '../engine/store/index.js';
import { readPrivateFile, writeFileAtomically } from './private-file.js';
import { Secret } from './secret.js';

export const SECRETS_FILE_NAME = 'secrets.json';

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
    const text = readPrivateFile(this.path, 'secrets file', "add the servers' secrets again");
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
    writeFileAtomically(this.path, `${JSON.stringify(parsed, null, 2)}\n`, 'secrets file');
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
