import { createHash, randomBytes } from 'node:crypto';
import { appendAuditEvent } from '../engine/audit/index.js';
import { clientTokenLookup, clientTokenPresence, deleteClientToken, getClientToken, listClientTokens, putClientToken, touchClientToken, type ClientTokenRecord } from '../engine/store/client-tokens.js';
import { SERVER_NAME_PATTERN, type Store } from '../engine/store/index.js';

/**
 * Bearer tokens of the loopback MCP endpoint, one per client. A token is 32 random bytes shown
 * once when it is made; the home keeps its SHA-256 only (the token carries 256 bits, so a slow
 * hash adds nothing). Making, replacing and revoking one are audited in the same transaction.
 */

/** Tokens start with this, so a scanner (and a person) can tell what leaked. */
export const CLIENT_TOKEN_PREFIX = 'airlock_ct_';
const TOKEN_PATTERN = /^airlock_ct_[A-Za-z0-9_-]{43}$/;
/** A token's last use is written at most this often: a request must not cost a write. */
const TOUCH_EVERY_MS = 60_000;

/** A client name for a token: as a server name (1–64 letters, digits, ".", "_", "-"). */
export function clientTokenNameProblem(name: string): string | undefined {
  return SERVER_NAME_PATTERN.test(name) ? undefined : `"${name}" cannot name a client token: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`;
}

export class ClientTokenError extends Error {
  override name = 'ClientTokenError';
}

export function clientTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface CreatedClientToken {
  token: string;
  record: ClientTokenRecord;
  replaced: boolean;
}

/** Makes a client's token; with `replace`, its old one stops working at once. */
export function createClientToken(store: Store, name: string, options: { replace: boolean }): CreatedClientToken {
  const problem = clientTokenNameProblem(name);
  if (problem) throw new ClientTokenError(problem);
  const token = `${CLIENT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const record = { name, hash: clientTokenHash(token), createdAt: new Date().toISOString() };
  const replaced = store.transaction(() => {
    const current = getClientToken(store, name);
    if (current && !options.replace) {
      throw new ClientTokenError(`client "${name}" has a token already (made ${current.createdAt}); a new one replaces it and the old one stops working: airlock clients token ${name} --replace`);
    }
    putClientToken(store, record);
    appendAuditEvent(store, { type: 'client.token-created', detail: { client: name, replaced: current !== undefined } });
    return current !== undefined;
  });
  return { token, record: { ...record, lastUsedAt: null }, replaced };
}

/** Revokes a client's token: the endpoint refuses it from the next request on. */
export function revokeClientToken(store: Store, name: string): void {
  store.transaction(() => {
    if (!deleteClientToken(store, name)) {
      const names = listClientTokens(store).map((t) => t.name);
      throw new ClientTokenError(`client "${name}" has no token${names.length > 0 ? `; the clients with one: ${names.join(', ')}` : ''}. See them with: airlock clients tokens`);
    }
    appendAuditEvent(store, { type: 'client.token-revoked', detail: { client: name } });
  });
}

export { listClientTokens, type ClientTokenRecord };

/**
 * Checks bearer tokens against the home's store on every request (an indexed read), so a token
 * revoked from any process stops working at once.
 */
export class ClientTokenCheck {
  private readonly touched = new Map<string, number>();
  private readonly byHash: (hash: string) => ClientTokenRecord | undefined;
  private readonly present: (name: string) => boolean;

  constructor(
    private readonly store: Store,
    private readonly log: (message: string) => void,
  ) {
    this.byHash = clientTokenLookup(store);
    this.present = clientTokenPresence(store);
  }

  /** The client a token belongs to, or null. */
  clientOf(bearer: string): string | null {
    if (!TOKEN_PATTERN.test(bearer)) return null;
    const record = this.byHash(clientTokenHash(bearer));
    if (!record) return null;
    this.touch(record.name);
    return record.name;
  }

  /** Whether the client still has a token (revoked ones end their open sessions). */
  has(name: string): boolean {
    return this.present(name);
  }

  private touch(name: string): void {
    const now = Date.now();
    if (now - (this.touched.get(name) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(name, now);
    try {
      touchClientToken(this.store, name, new Date(now).toISOString());
    } catch (error) {
      // Only a convenience for the list: a busy database must not refuse the request.
      this.log(`could not note the last use of client token "${name}": ${(error as Error).message}`);
    }
  }
}
