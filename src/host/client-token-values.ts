import path from 'node:path';
import { z } from 'zod';
import { CLIENT_IDS, type ClientId } from '../clients/client-adapter.js';
import { StoreError, ensurePrivateDir } from '../engine/store/index.js';
import { readPrivateFile, writeFileAtomically } from './private-file.js';
import { Secret } from './secret.js';

/**
 * The tokens `clients install --over-http` made, kept so that `airlock clients token-env` can hand
 * each client its token through an environment variable (the home's store keeps only their hashes).
 *
 * Not in the servers' secret vault, for two reasons: the vault is keyed by server name, and every
 * valid name can be a real server's, so a reserved pseudo-server could collide; and in the desktop
 * app the vault is sealed with the OS keychain through Electron's safeStorage, which `token-env`, run
 * from a shell profile outside Electron, cannot open. So this is its own 0600 file in the 0700 home,
 * like the headless Host's secrets.json, keyed by client id. The tokens only open the loopback endpoint.
 */
export const CLIENT_TOKEN_VALUES_FILE = 'client-token-values.json';

const TOKEN_PATTERN = /^airlock_ct_[A-Za-z0-9_-]{43}$/;

const TokenValuesSchema = z.strictObject({
  version: z.literal(1),
  /** Client id → its token, as `createClientToken` returned it. */
  clients: z.partialRecord(z.enum(CLIENT_IDS), z.string().regex(TOKEN_PATTERN, 'not an Airlock client token')),
});
type TokenValues = z.infer<typeof TokenValuesSchema>;

const REMEDY = 'route the clients again with: airlock clients install --over-http';

export class ClientTokenValues {
  private readonly file: string;

  constructor(home: string) {
    ensurePrivateDir(home);
    this.file = path.join(home, CLIENT_TOKEN_VALUES_FILE);
  }

  /** The client's token, read fresh from disk. */
  get(client: ClientId): Secret | undefined {
    const value = this.read().clients[client];
    return value === undefined ? undefined : new Secret(value);
  }

  /** The clients that have a token here, in CLIENT_IDS order. */
  clients(): ClientId[] {
    const values = this.read().clients;
    return CLIENT_IDS.filter((id) => values[id] !== undefined);
  }

  set(client: ClientId, token: string): void {
    if (!TOKEN_PATTERN.test(token)) throw new StoreError(`cannot keep the token of client "${client}": it is not an Airlock client token.`);
    const values = this.read();
    values.clients[client] = token;
    this.write(values);
  }

  /** Forgets the client's token; true if there was one. */
  delete(client: ClientId): boolean {
    const values = this.read();
    if (values.clients[client] === undefined) return false;
    delete values.clients[client];
    this.write(values);
    return true;
  }

  private read(): TokenValues {
    const text = readPrivateFile(this.file, 'client tokens file', REMEDY);
    if (text === undefined) return { version: 1, clients: {} };
    let parsed: ReturnType<typeof TokenValuesSchema.safeParse>;
    try {
      parsed = TokenValuesSchema.safeParse(JSON.parse(text));
    } catch {
      throw new StoreError(`the Airlock client tokens file ${this.file} is not valid JSON. Move it aside and ${REMEDY}.`);
    }
    // Paths only: an issue's input could be a token.
    if (!parsed.success) throw new StoreError(`the Airlock client tokens file ${this.file} has an unexpected shape (${parsed.error.issues.map((i) => i.path.map(String).join('.') || '(top)').join(', ')}). Move it aside and ${REMEDY}.`);
    return parsed.data;
  }

  private write(values: TokenValues): void {
    writeFileAtomically(this.file, `${JSON.stringify(TokenValuesSchema.parse(values), null, 2)}\n`, 'client tokens file');
  }
}
