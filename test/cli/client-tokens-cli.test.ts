import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAuditEvents, verifyAuditChain } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { ClientTokenCheck, clientTokenHash } from '../../src/host/client-tokens.js';
import { runCli } from '../support/run-cli.js';
import { makeTempDir } from '../support/temp-dir.js';

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-client-tokens-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

const airlock = (args: readonly string[]) => runCli(['--home', home, ...args]);

/** Every byte of the home (database, WAL, every file), to search for a leaked token. */
function homeBytes(): string {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out.push(fs.readFileSync(full).toString('latin1'));
    }
  };
  walk(home);
  return out.join('\n');
}

function clientOf(token: string): string | null {
  const store = openStore(home);
  try {
    return new ClientTokenCheck(store, () => undefined).clientOf(token);
  } finally {
    store.close();
  }
}

describe('airlock clients token|tokens|revoke-token', () => {
  it('prints a new token alone on stdout, keeps only its hash, and audits its making', () => {
    const made = airlock(['clients', 'token', 'cursor']);
    expect(made.status, made.stderr).toBe(0);
    const token = made.stdout.trim();
    expect(made.stdout).toBe(`${token}\n`);
    expect(token).toMatch(/^airlock_ct_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toContain('http://127.0.0.1:');
    expect(made.stderr).toContain('it is not shown again');
    expect(clientOf(token)).toBe('cursor');
    // Only the SHA-256 is kept: the token is nowhere in the home.
    const bytes = homeBytes();
    expect(bytes).not.toContain(token);
    expect(bytes).toContain(clientTokenHash(token));
    const store = openStore(home, { readonly: true });
    try {
      expect(verifyAuditChain(store).ok).toBe(true);
      const events = listAuditEvents(store).filter((e) => e.type.startsWith('client.token'));
      expect(events.map((e) => [e.type, e.detail])).toEqual([['client.token-created', { client: 'cursor', replaced: false }]]);
    } finally {
      store.close();
    }
  });

  it('refuses a second token for a client unless asked to replace it, and the replaced one stops working', () => {
    const first = airlock(['clients', 'token', 'agent']).stdout.trim();
    const again = airlock(['clients', 'token', 'agent']);
    expect(again.status).not.toBe(0);
    expect(again.stdout).toBe('');
    expect(again.stderr).toContain('has a token already');
    expect(again.stderr).toContain('airlock clients token agent --replace');
    expect(clientOf(first)).toBe('agent');
    const second = airlock(['clients', 'token', 'agent', '--replace']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toContain('Replaced');
    expect(clientOf(first)).toBeNull();
    expect(clientOf(second.stdout.trim())).toBe('agent');
  });

  it('lists the clients with a token, never a token', () => {
    const a = airlock(['clients', 'token', 'a-client']).stdout.trim();
    const b = airlock(['clients', 'token', 'b.client']).stdout.trim();
    const text = airlock(['clients', 'tokens']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^a-client {2}made \S+ {2}never used\nb\.client {2}made /);
    const json = airlock(['clients', 'tokens', '--json']);
    const listed = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(listed.map((t) => t.name)).toEqual(['a-client', 'b.client']);
    expect(Object.keys(listed[0]!).sort()).toEqual(['createdAt', 'lastUsedAt', 'name']);
    for (const out of [text.stdout, json.stdout]) {
      expect(out).not.toContain(a);
      expect(out).not.toContain(b);
    }
  });

  it('revokes a token: it stops working at once, the revocation is audited, and a second revoke says there is none', () => {
    const token = airlock(['clients', 'token', 'gone']).stdout.trim();
    const revoked = airlock(['clients', 'revoke-token', 'gone']);
    expect(revoked.status, revoked.stderr).toBe(0);
    expect(clientOf(token)).toBeNull();
    const again = airlock(['clients', 'revoke-token', 'gone']);
    expect(again.status).not.toBe(0);
    expect(again.stderr).toContain('client "gone" has no token');
    const store = openStore(home, { readonly: true });
    try {
      expect(listAuditEvents(store).filter((e) => e.type === 'client.token-revoked').map((e) => e.detail)).toEqual([{ client: 'gone' }]);
    } finally {
      store.close();
    }
    expect(airlock(['clients', 'tokens']).stdout).toContain('No client has a token');
  });

  it.each([['__proto__'], ['-dash-first'], ['has space'], ['x'.repeat(65)], ['semi;colon']])('refuses the client name %j and changes nothing', (name) => {
    const result = airlock(['clients', 'token', '--', name]);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('cannot name a client token');
    expect(airlock(['clients', 'tokens', '--json']).stdout.trim()).toBe('[]');
  });

  it('accepts only tokens of the right shape, so a look-alike or an empty bearer is never looked up as a hash', () => {
    const token = airlock(['clients', 'token', 'shape']).stdout.trim();
    expect(clientOf(token)).toBe('shape');
    for (const wrong of ['', token.slice(0, -1), `${token}x`, token.replace('airlock_ct_', 'airlock_xx_'), clientTokenHash(token), ` ${token}`]) expect(clientOf(wrong)).toBeNull();
  });
});
