import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from '../engine/store/index.js';
import { EncryptedSecretStore } from '../host/encrypted-secret-store.js';
import type { Secret } from '../host/secret.js';
import { SecretStore } from '../host/secret-store.js';
import type { SecretCipher, SecretVault } from '../host/secret-vault.js';

/** The part of Electron's safeStorage the app uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
  /** Linux only: which secret service Chromium picked ("gnome_libsecret", "kwallet5", "basic_text"…). */
  getSelectedStorageBackend?(): string;
}

export type SecretBackend = { kind: 'keychain'; cipher: SecretCipher } | { kind: 'refused'; reason: string };

/**
 * Whether the OS keychain can seal secrets. On Linux, Chromium falls back to a hard-coded key
 * ("basic_text") when no secret service is running: that is obfuscation, not encryption, so it
 * is refused by name rather than used silently.
 */
export function chooseSecretBackend(safeStorage: SafeStorageLike, platform: NodeJS.Platform): SecretBackend {
  if (!safeStorage.isEncryptionAvailable()) {
    return { kind: 'refused', reason: 'the operating system offers no keychain to Airlock right now (is it locked, or is no secret service running?)' };
  }
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') {
      return { kind: 'refused', reason: `no secret service (GNOME Keyring, KWallet) is running, so Electron would only obfuscate secrets with a fixed key ("${backend}" backend), which is not encryption` };
    }
  }
  return { kind: 'keychain', cipher: { encrypt: (plain) => safeStorage.encryptString(plain), decrypt: (sealed) => safeStorage.decryptString(sealed) } };
}

/** The user's answer about the plaintext file store, remembered so they are asked once. */
const FILE_STORE_CHOICE = 'secret-store-choice';

export interface SecretVaultOptions {
  home: string;
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  /** Asks whether to keep secrets in the 0600 file instead; resolves true for yes. */
  askFileStore(reason: string, file: string): Promise<boolean>;
}

/**
 * The vault the desktop app's Host uses: keychain-sealed when possible; otherwise the 0600
 * file store only if the user accepted it (once, remembered); otherwise a vault that reads
 * what exists but refuses to store, saying why. Never plaintext without the user's yes.
 */
export async function secretVaultForApp(options: SecretVaultOptions): Promise<{ vault: SecretVault; kind: 'keychain' | 'file' | 'refusing'; reason?: string; cipher?: SecretCipher }> {
  const backend = chooseSecretBackend(options.safeStorage, options.platform);
  if (backend.kind === 'keychain') return { vault: new EncryptedSecretStore(options.home, backend.cipher), kind: 'keychain', cipher: backend.cipher };
  const choiceFile = path.join(options.home, FILE_STORE_CHOICE);
  const secretsFile = path.join(options.home, 'secrets.json');
  const accepted = readChoice(choiceFile) === 'file' || (await options.askFileStore(backend.reason, secretsFile));
  if (accepted) {
    fs.mkdirSync(options.home, { recursive: true, mode: 0o700 });
    fs.writeFileSync(choiceFile, 'file\n', { mode: 0o600 });
    return { vault: SecretStore.open(options.home), kind: 'file', reason: backend.reason };
  }
  return { vault: new RefusingVault(SecretStore.open(options.home), backend.reason), kind: 'refusing', reason: backend.reason };
}

function readChoice(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Reads secrets that already exist (the CLI may have stored some); refuses to store new ones. */
export class RefusingVault implements SecretVault {
  constructor(
    private readonly existing: SecretStore,
    private readonly reason: string,
  ) {}

  get(server: string): Record<string, Secret> {
    return this.existing.get(server);
  }

  keys(server: string): string[] {
    return this.existing.keys(server);
  }

  replaceServer(server: string): void {
    throw new StoreError(`Airlock did not store the secrets of "${server}": ${this.reason}. Start a keychain (or accept the 0600 file store in Airlock's settings) and try again.`);
  }

  deleteServer(server: string): boolean {
    return this.existing.deleteServer(server);
  }
}
