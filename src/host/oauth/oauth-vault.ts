import path from 'node:path';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { z } from 'zod';
import { ServerNameSchema, StoreError, ensurePrivateDir } from '../../engine/store/index.js';
import { readPrivateFile, writeFileAtomically } from '../private-file.js';
import type { SecretCipher } from '../secret-vault.js';
import { fileKeyCipher } from './file-key-cipher.js';

export const OAUTH_VAULT_FILE_NAME = 'oauth.sealed.json';

/** The file: per server, one sealed blob (base64), so the file shows server names and nothing else. */
const SealedOAuthFileSchema = z.strictObject({
  version: z.literal(1),
  servers: z.record(ServerNameSchema, z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)),
});
type SealedOAuthFile = z.infer<typeof SealedOAuthFileSchema>;

/** An SDK object (tokens, client information, discovery state) kept as the SDK handed it over. */
const SdkObjectSchema = z.record(z.string(), z.unknown());

/** What one server's sign-in keeps, inside its sealed blob. */
const OAuthEntrySchema = z.strictObject({
  /** The server answered 401 at least once: it needs a sign-in ('signed-out' rather than 'not-needed'). */
  needed: z.boolean(),
  /** Registered, URL-based (client ID metadata document) or pre-registered client information. */
  client: SdkObjectSchema.optional(),
  /** True when the user gave the client id (and secret): never thrown away to register anew. */
  preRegistered: z.boolean().optional(),
  tokens: SdkObjectSchema.optional(),
  /** Milliseconds since the epoch when the access token expires, from expires_in at saving. */
  expiresAt: z.number().optional(),
  codeVerifier: z.string().optional(),
  discovery: SdkObjectSchema.optional(),
  /** Why the last sign-in no longer works (a refresh refused, a larger scope asked for). */
  lapsed: z.string().optional(),
  /** A scope the server asked for (403 insufficient_scope) that the current tokens lack. */
  requiredScope: z.string().optional(),
  /** The loopback redirect URI last registered, so a background flow has one to name. */
  redirectUrl: z.string().optional(),
});
export type OAuthEntry = z.infer<typeof OAuthEntrySchema>;

export type OAuthEntryView = Omit<OAuthEntry, 'client' | 'tokens' | 'discovery'> & {
  client?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  discovery?: OAuthDiscoveryState;
};

/**
 * The OAuth side of the secret vault: client registrations, PKCE verifiers and tokens of remote
 * servers, in their own file so they can never collide with (or be handed out as) a server's env
 * secrets. Each server's entry is sealed whole by a SecretCipher: the OS keychain's in the app,
 * a 0600 file key (fileKeyCipher) in the headless Host. Every read goes to disk, as the CLI
 * (`servers login`) and the Host write it from different processes.
 */
export class OAuthVault {
  readonly file: string;

  constructor(
    home: string,
    private readonly cipher: SecretCipher,
  ) {
    ensurePrivateDir(home);
    this.file = path.join(home, OAUTH_VAULT_FILE_NAME);
    this.read();
  }

  /** The vault of a home: sealed with `cipher` when given (the app's keychain), else with the home's file key. */
  static open(home: string, cipher?: SecretCipher): OAuthVault {
    return new OAuthVault(home, cipher ?? fileKeyCipher(home));
  }

  get(server: string): OAuthEntryView | undefined {
    const sealed = this.read().servers[server];
    return sealed === undefined ? undefined : (this.unseal(server, sealed) as OAuthEntryView);
  }

  /** Reads, changes and writes one server's entry; `change` returning undefined deletes it. */
  update(server: string, change: (entry: OAuthEntryView) => OAuthEntryView | undefined): OAuthEntryView | undefined {
    if (!ServerNameSchema.safeParse(server).success) throw new StoreError(`cannot keep a sign-in for ${JSON.stringify(server)}: it is not a valid server name.`);
    const file = this.read();
    const current = file.servers[server];
    const next = change(current === undefined ? { needed: false } : (this.unseal(server, current) as OAuthEntryView));
    if (next === undefined) delete file.servers[server];
    else file.servers[server] = this.cipher.encrypt(JSON.stringify(OAuthEntrySchema.parse(dropUndefined(next)))).toString('base64');
    this.write(file);
    return next;
  }

  /** Forgets everything about the server's sign-in (for `servers remove`); true if there was any. */
  deleteServer(server: string): boolean {
    const had = Object.hasOwn(this.read().servers, server);
    if (had) this.update(server, () => undefined);
    return had;
  }

  private unseal(server: string, sealed: string): OAuthEntry {
    let text: string;
    try {
      text = this.cipher.decrypt(Buffer.from(sealed, 'base64'));
    } catch {
      throw new StoreError(`the sign-in of server "${server}" cannot be unsealed (was the keychain or ${path.dirname(this.file)}/oauth-vault.key reset?). Sign in again with: airlock servers login ${server}`);
    }
    const parsed = OAuthEntrySchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new StoreError(`the sign-in of server "${server}" has an unexpected shape. Sign in again with: airlock servers login ${server}`);
    return parsed.data;
  }

  private read(): SealedOAuthFile {
    const remedy = 'sign in to the remote servers again';
    const text = readPrivateFile(this.file, 'OAuth vault', remedy);
    if (text === undefined) return { version: 1, servers: {} };
    let parsed: ReturnType<typeof SealedOAuthFileSchema.safeParse>;
    try {
      parsed = SealedOAuthFileSchema.safeParse(JSON.parse(text));
    } catch {
      throw new StoreError(`the Airlock OAuth vault ${this.file} is not valid JSON. Move it aside and ${remedy}.`);
    }
    if (!parsed.success) throw new StoreError(`the Airlock OAuth vault ${this.file} has an unexpected shape. Move it aside and ${remedy}.`);
    return parsed.data;
  }

  private write(file: SealedOAuthFile): void {
    writeFileAtomically(this.file, `${JSON.stringify(SealedOAuthFileSchema.parse(file), null, 2)}\n`, 'OAuth vault');
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
