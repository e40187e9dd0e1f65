import type { Secret } from './secret.js';

/**
 * Where upstream servers' secrets live. The headless Host and the CLI use the 0600 file
 * (SecretStore); the desktop app uses the OS keychain through Electron's safeStorage
 * (EncryptedSecretStore). The Host only needs these four operations.
 */
export interface SecretVault {
  /** The server's secrets; empty when it has none. */
  get(server: string): Record<string, Secret>;
  /** The names of the server's secrets, never their values. */
  keys(server: string): string[];
  /** Replaces all of the server's secrets at once. */
  replaceServer(server: string, values: Readonly<Record<string, string>>): void;
  /** Forgets every secret of the server; true if it had any. */
  deleteServer(server: string): boolean;
}

/** Encrypts and decrypts with a key the OS keeps (safeStorage); the key never touches Airlock's files. */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}
