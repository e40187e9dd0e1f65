import path from 'node:path';
import { z } from 'zod';
import { ENV_KEY_PATTERN, ServerNameSchema, StoreError, ensurePrivateDir } from '../engine/store/index.js';
import { readPrivateFile, writeFileAtomically } from './private-file.js';
import { Secret } from './secret.js';
import { SecretStore } from './secret-store.js';
import type { SecretCipher, SecretVault } from './secret-vault.js';

export const ENCRYPTED_SECRETS_FILE_NAME = 'secrets.keychain.json';

const SealedFileSchema = z.strictObject({
  version: z.literal(1),
  /** Per server, KEY → base64 of the value sealed by the OS keychain's key. */
  servers: z.record(ServerNameSchema, z.record(z.string().regex(ENV_KEY_PATTERN), z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/))),
});
type SealedFile = z.infer<typeof SealedFileSchema>;

/**
 * The desktop app's secrets: each value sealed with the OS keychain's key (Electron
 * safeStorage) in `secrets.keychain.json` (0600), so the file alone reveals nothing. Secrets
 * the CLI added to the 0600 plaintext store (SecretStore) are still read for servers this
 * store has none for, and move here the next time they are written from the app.
 */
export class EncryptedSecretStore implements SecretVault {
  private readonly file: string;
  private readonly plain: SecretStore;

  constructor(
    home: string,
    private readonly cipher: SecretCipher,
  ) {
    ensurePrivateDir(home);
    this.file = path.join(home, ENCRYPTED_SECRETS_FILE_NAME);
    this.plain = SecretStore.open(home);
    this.read();
  }

  get(server: string): Record<string, Secret> {
    const sealed = this.read().servers[server];
    if (sealed === undefined) return this.plain.get(server);
    return Object.fromEntries(Object.entries(sealed).map(([key, value]) => [key, new Secret(this.open(server, key, value))]));
  }

  keys(server: string): string[] {
    const sealed = this.read().servers[server];
    return sealed === undefined ? this.plain.keys(server) : Object.keys(sealed).sort();
  }

  replaceServer(server: string, values: Readonly<Record<string, string>>): void {
    if (!ServerNameSchema.safeParse(server).success) throw new StoreError(`cannot store secrets for ${JSON.stringify(server)}: it is not a valid server name.`);
    const file = this.read();
    file.servers[server] = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, this.cipher.encrypt(checkValue(server, key, value)).toString('base64')]));
    this.write(file);
    // The plaintext copy, if the CLI made one, is now stale: it goes.
    this.plain.deleteServer(server);
  }

  deleteServer(server: string): boolean {
    const file = this.read();
    const had = Object.hasOwn(file.servers, server);
    if (had) {
      delete file.servers[server];
      this.write(file);
    }
    return this.plain.deleteServer(server) || had;
  }

  private open(server: string, key: string, sealed: string): string {
    try {
      return this.cipher.decrypt(Buffer.from(sealed, 'base64'));
    } catch {
      throw new StoreError(`secret ${key} of server "${server}" cannot be unsealed with this user's keychain (was the keychain reset, or the file copied from another account?). Add it again with: airlock servers add ${server} --replace --secret ${key} …`);
    }
  }

  private read(): SealedFile {
    const text = readPrivateFile(this.file, 'sealed secrets file', "add the servers' secrets again");
    if (text === undefined) return { version: 1, servers: {} };
    let parsed: ReturnType<typeof SealedFileSchema.safeParse>;
    try {
      parsed = SealedFileSchema.safeParse(JSON.parse(text));
    } catch {
      throw new StoreError(`the sealed secrets file ${this.file} is not valid JSON. Move it aside and add the servers' secrets again.`);
    }
    if (!parsed.success) throw new StoreError(`the sealed secrets file ${this.file} has an unexpected shape. Move it aside and add the servers' secrets again.`);
    return parsed.data;
  }

  private write(file: SealedFile): void {
    writeFileAtomically(this.file, `${JSON.stringify(SealedFileSchema.parse(file), null, 2)}\n`, 'sealed secrets file');
  }
}

function checkValue(server: string, key: string, value: string): string {
  if (!ENV_KEY_PATTERN.test(key)) throw new StoreError(`cannot store secret ${JSON.stringify(key)} of server "${server}": it is not a valid variable name.`);
  if (value === '' || value.includes('\0')) throw new StoreError(`cannot store secret ${key} of server "${server}": the value is empty or contains a NUL character.`);
  return value;
}
