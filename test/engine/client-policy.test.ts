import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_MESSAGE_BYTES, judgeClientMessage, type GateContext, type PolicyMode } from '../../src/engine/gate/gate.js';
import {
  clientAccess,
  clientPolicyLookup,
  deleteClientPolicy,
  foldClientName,
  formatClientRule,
  listClientPolicies,
  parseClientRule,
  putClientPolicy,
  ruleMatches,
  type ClientCaller,
  type ClientRule,
} from '../../src/engine/store/client-policy.js';
import { LATEST_SCHEMA_VERSION, openStore, schemaVersion, type Store } from '../../src/engine/store/index.js';
import { makeTempDir } from '../support/temp-dir.js';

const rule = (text: string): ClientRule => {
  const parsed = parseClientRule(text);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
};
const connect = (clientName: string | null, entry?: string): ClientCaller => ({ via: 'connect', clientName, ...(entry ? { entry } : {}) });
const token = (name: string, clientName: string | null = null): ClientCaller => ({ via: `token ${name}`, clientName });

describe('client policy entries', () => {
  it('parses the four kinds, case-insensitively, into a canonical text', () => {
    expect(formatClientRule(rule(' Token:ci '))).toBe('token:ci');
    expect(formatClientRule(rule('CONNECT'))).toBe('connect');
    expect(formatClientRule(rule('entry:Cursor'))).toBe('entry:cursor');
    expect(formatClientRule(rule('client:  Claude   Code '))).toBe('client:Claude Code');
  });

  it('refuses what it cannot read, saying what is expected', () => {
    expect(parseClientRule('cursor')).toMatchObject({ problem: expect.stringContaining('use token:NAME, connect, entry:CLIENT-ID or client:NAME') });
    expect(parseClientRule('token:')).toMatchObject({ problem: expect.stringContaining('token name') });
    expect(parseClientRule('token:a b')).toHaveProperty('problem');
    expect(parseClientRule('client:Cur\u200Bsor')).toMatchObject({ problem: expect.stringContaining('invisible') });
    expect(parseClientRule('client:\u0007bell')).toHaveProperty('problem');
    expect(parseClientRule(`client:${'x'.repeat(101)}`)).toHaveProperty('problem');
  });

  it('folds client names by NFKC, white space and case, but keeps look-alikes from other scripts apart', () => {
    expect(foldClientName('  Claude\u00A0\u00A0CODE ')).toBe('claude code');
    expect(foldClientName('\uFF23ursor')).toBe('cursor');
    expect(foldClientName('Cur\u200Bsor')).toBe('cursor');
    // Cyrillic "С" (U+0421) is another letter: folding it would not make a self-reported name trustworthy.
    expect(foldClientName('\u0421ursor')).not.toBe('cursor');
  });

  it('matches each kind only to what it names', () => {
    expect(ruleMatches(rule('connect'), connect('x'))).toBe(true);
    expect(ruleMatches(rule('connect'), token('ci'))).toBe(false);
    expect(ruleMatches(rule('token:CI'), token('ci'))).toBe(true);
    expect(ruleMatches(rule('token:ci'), token('ci2'))).toBe(false);
    expect(ruleMatches(rule('token:ci'), connect('token ci'))).toBe(false);
    expect(ruleMatches(rule('entry:cursor'), connect(null, 'cursor'))).toBe(true);
    expect(ruleMatches(rule('entry:cursor'), connect(null))).toBe(false);
    // An entry is a connect thing: an HTTP session cannot claim one.
    expect(ruleMatches(rule('entry:cursor'), { via: 'token cursor', entry: 'cursor', clientName: null })).toBe(false);
    expect(ruleMatches(rule('client:Claude Code'), token('ci', 'claude code'))).toBe(true);
    expect(ruleMatches(rule('client:Claude Code'), connect(null))).toBe(false);
  });

  it("decides by a tool's own policy first, then the server's; prompts and resources by the server's", () => {
    const policy = { server: [rule('token:ci')], tools: new Map([['echo', [rule('connect')]], ['drop', []]]) };
    expect(clientAccess(undefined, 'tool', 'echo', connect('x'))).toBeUndefined();
    expect(clientAccess(policy, 'tool', 'echo', connect('x'))).toBeUndefined();
    expect(clientAccess(policy, 'tool', 'echo', token('ci'))).toEqual({ scope: 'tool', allowed: ['connect'] });
    expect(clientAccess(policy, 'tool', 'other', connect('x'))).toEqual({ scope: 'server', allowed: ['token:ci'] });
    expect(clientAccess(policy, 'tool', 'drop', token('ci'))).toEqual({ scope: 'tool', allowed: [] });
    expect(clientAccess(policy, 'prompt', 'echo', connect('x'))).toEqual({ scope: 'server', allowed: ['token:ci'] });
    expect(clientAccess({ server: null, tools: new Map([['echo', []]]) }, 'resource', 'file:///a', connect('x'))).toBeUndefined();
  });
});

describe('client policies in the store', () => {
  let cleanup: (() => void) | undefined;
  let store: Store | undefined;
  afterEach(() => {
    store?.close();
    cleanup?.();
  });
  const open = (): Store => {
    const temp = makeTempDir('airlock-client-policy-');
    cleanup = temp.cleanup;
    store = openStore(path.join(temp.dir, 'home'));
    return store;
  };

  it('is migration 010, the latest', () => {
    const s = open();
    expect(LATEST_SCHEMA_VERSION).toBe(10);
    expect(schemaVersion(s.db)).toBe(10);
  });

  it('keeps a server policy and per-tool policies, replaces and removes them, and the lookup reads each change at once', () => {
    const s = open();
    const lookup = clientPolicyLookup(s);
    expect(lookup('demo')).toBeUndefined();
    putClientPolicy(s, { server: 'demo', tool: null, allowed: ['token:ci'], updatedAt: '2026-01-01T00:00:00Z' });
    putClientPolicy(s, { server: 'demo', tool: 'echo', allowed: [], updatedAt: '2026-01-01T00:00:00Z' });
    expect(listClientPolicies(s, 'demo').map((p) => [p.tool, p.allowed])).toEqual([
      [null, ['token:ci']],
      ['echo', []],
    ]);
    expect(lookup('demo')).toEqual({ server: [{ kind: 'token', name: 'ci' }], tools: new Map([['echo', []]]) });
    putClientPolicy(s, { server: 'demo', tool: null, allowed: ['connect'], updatedAt: '2026-01-02T00:00:00Z' });
    expect(lookup('demo')?.server).toEqual([{ kind: 'connect' }]);
    expect(deleteClientPolicy(s, 'demo', null)).toBe(1);
    expect(lookup('demo')).toEqual({ server: null, tools: new Map([['echo', []]]) });
    expect(deleteClientPolicy(s, 'demo', 'all')).toBe(1);
    expect(lookup('demo')).toBeUndefined();
  });

  it('reads an entry it cannot parse as matching nobody, never everybody', () => {
    const s = open();
    s.db.prepare("INSERT INTO client_policies (server, tool, allowed, updated_at) VALUES ('demo', '*', '[\"bogus\"]', 'now')").run();
    expect(clientPolicyLookup(s)('demo')).toEqual({ server: [], tools: new Map() });
    expect(() => s.db.prepare("INSERT INTO client_policies (server, tool, allowed, updated_at) VALUES ('x', '*', '{}', 'now')").run()).toThrow(/CHECK/);
  });
});

describe('gate: R5 client access', () => {
  const context = (refuse: boolean, overrides: { policy?: PolicyMode; status?: 'approved' | 'held' | 'unknown' } = {}): GateContext => ({
    server: 'demo',
    state: 'GREEN',
    policy: overrides.policy ?? 'enforce',
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    itemStatus: () => overrides.status ?? 'approved',
    clientAccess: () => (refuse ? { caller: 'client "Cursor" (through connect)', rule: 'the client policy of "demo" (allowed: token:ci)', change: 'To let it in, run: airlock servers access demo --allow connect' } : undefined),
  });
  const call = (method: string, params: object) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });

  it('denies a tool call, a prompt and a resource read from a client that is not allowed, naming the rule and the way to change it', () => {
    for (const [method, params] of [
      ['tools/call', { name: 'echo', arguments: {} }],
      ['prompts/get', { name: 'summarize' }],
      ['resources/read', { uri: 'file:///a' }],
    ] as const) {
      const { verdict } = judgeClientMessage(call(method, params), context(true));
      expect(verdict).toMatchObject({ decision: 'DENY', rule: 'R5', code: 'policy.client-not-allowed' });
      expect(verdict.reason).toMatch(/was denied: client "Cursor" \(through connect\) is not allowed by the client policy of "demo" \(allowed: token:ci\)\. To let it in, run: airlock servers access demo --allow connect$/);
      expect(verdict.error?.data).toEqual({ airlock: { rule: 'R5', code: 'policy.client-not-allowed' } });
    }
  });

  it('denies rather than holds, and does not say whether the item exists', () => {
    expect(judgeClientMessage(call('tools/call', { name: 'echo' }), context(true, { status: 'held' })).verdict).toMatchObject({ decision: 'DENY', code: 'policy.client-not-allowed' });
    expect(judgeClientMessage(call('tools/call', { name: 'nope' }), context(true, { status: 'unknown' })).verdict).toMatchObject({ decision: 'DENY', code: 'policy.client-not-allowed' });
  });

  it('passes an allowed client to the usual rules, and in monitor mode forwards a refused one with what enforcement would have done', () => {
    expect(judgeClientMessage(call('tools/call', { name: 'echo' }), context(false)).verdict).toMatchObject({ decision: 'ALLOW', code: 'policy.allow' });
    expect(judgeClientMessage(call('tools/call', { name: 'echo' }), context(false, { status: 'held' })).verdict).toMatchObject({ decision: 'HOLD', rule: 'R3' });
    const monitored = judgeClientMessage(call('tools/call', { name: 'echo' }), context(true, { policy: 'monitor' })).verdict;
    expect(monitored).toMatchObject({ decision: 'ALLOW', code: 'policy.monitor', wouldHave: { decision: 'DENY', code: 'policy.client-not-allowed' } });
  });

  it('leaves the lists and the handshake to the session (they are served, not judged)', () => {
    expect(judgeClientMessage(call('tools/list', {}), context(true)).verdict).toMatchObject({ decision: 'ALLOW' });
    expect(judgeClientMessage(call('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } }), context(true)).verdict).toMatchObject({ decision: 'ALLOW' });
  });
});
