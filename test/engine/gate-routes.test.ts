import { describe, expect, it } from 'vitest';
import type { ServerState } from '../../src/engine/decision.js';
import { DEFAULT_MAX_MESSAGE_BYTES, judgeClientMessage, judgeServerMessage, type GateContext, type ItemStatus, type SessionIds } from '../../src/engine/gate/gate.js';

/** Issue 11: every route to an item is judged, and no message can be read two ways. */

function context(statuses: Record<string, ItemStatus>, state: ServerState = 'GREEN', ids?: Partial<SessionIds>): GateContext {
  return {
    server: 'fs',
    state,
    policy: 'enforce',
    maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    itemStatus: (kind, key) => statuses[`${kind}:${key}`] ?? 'unknown',
    ...(ids ? { ids: { clientRequestInFlight: () => false, ownRequest: () => false, serverAsked: () => false, ...ids } } : {}),
  };
}

const request = (method: string, params: unknown, id: unknown = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
const decide = (raw: string, ctx: GateContext) => judgeClientMessage(raw, ctx).verdict;

describe('gate: every method that names an item is judged', () => {
  const ctx = context({ 'prompt:greet': 'quarantined', 'resource:file:///a': 'held', 'resource:file:///{path}': 'quarantined', 'prompt:ok': 'approved' });

  it('judges resources/unsubscribe like subscribe and read', () => {
    for (const method of ['resources/read', 'resources/subscribe', 'resources/unsubscribe']) {
      expect(decide(request(method, { uri: 'file:///a' }), ctx), method).toMatchObject({ decision: 'HOLD', rule: 'R3', code: 'resource.held' });
    }
  });

  it('judges completion/complete by the prompt or template it names', () => {
    expect(decide(request('completion/complete', { ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'n', value: 'a' } }), ctx)).toMatchObject({ decision: 'DENY', code: 'prompt.quarantined' });
    expect(decide(request('completion/complete', { ref: { type: 'ref/resource', uri: 'file:///{path}' }, argument: { name: 'path', value: 'a' } }), ctx)).toMatchObject({ decision: 'DENY', code: 'resource.quarantined' });
    expect(decide(request('completion/complete', { ref: { type: 'ref/prompt', name: 'ok' }, argument: { name: 'n', value: 'a' } }), ctx).decision).toBe('ALLOW');
  });

  it('refuses a completion whose reference it cannot read', () => {
    expect(decide(request('completion/complete', { ref: { type: 'ref/tool', name: 'x' }, argument: { name: 'n', value: 'a' } }), ctx)).toMatchObject({ decision: 'DENY', rule: 'R1', code: 'shape.invalid-params' });
  });

  it('denies every request but the handshake and the lists on a quarantined server', () => {
    const red = context({}, 'RED');
    expect(decide(request('some/future-method', { name: 'x' }), red)).toMatchObject({ decision: 'DENY', rule: 'R2', code: 'server.quarantined' });
    expect(decide(request('logging/setLevel', { level: 'debug' }), red).decision).toBe('DENY');
    for (const method of ['initialize', 'ping', 'tools/list', 'server/discover']) expect(decide(request(method, {}), red).decision, method).toBe('ALLOW');
  });
});

describe('gate: a request the server would read differently is refused', () => {
  const ctx = context({ 'tool:read': 'approved', 'tool:delete': 'held' });

  it('silences a judged method sent as a notification (no id), which the server would run unjudged', () => {
    const raw = JSON.stringify({ jsonrpc: '2.0', method: 'tools/call', params: { name: 'delete', arguments: {} } });
    expect(decide(raw, ctx)).toMatchObject({ decision: 'SILENCE', rule: 'R1', code: 'shape.request-as-notification' });
  });

  it('refuses duplicate keys, whichever value a parser would pick', () => {
    const raw = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","name":"delete"}}';
    expect(decide(raw, ctx)).toMatchObject({ decision: 'DENY', rule: 'R0', code: 'structure.duplicate-key' });
    const asNotification = '{"jsonrpc":"2.0","method":"tools/call","params":{"name":"read","name":"delete"}}';
    expect(decide(asNotification, ctx)).toMatchObject({ decision: 'SILENCE', rule: 'R0' });
  });

  it('refuses a "__proto__" key that a copy by assignment would turn into a prototype', () => {
    const raw = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"__proto__":{"name":"delete"},"name":"read"}}';
    expect(decide(raw, ctx)).toMatchObject({ decision: 'DENY', code: 'structure.prototype-key' });
  });

  it('refuses a lone surrogate, which hashes and encoders each read their own way', () => {
    const raw = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","arguments":{"path":"\\ud800"}}}';
    expect(decide(raw, ctx)).toMatchObject({ decision: 'DENY', rule: 'R0', code: 'structure.lone-surrogate' });
    const pair = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","arguments":{"path":"\\ud83d\\ude00"}}}';
    expect(decide(pair, ctx).decision).toBe('ALLOW');
  });

  it('refuses arguments nested deeper than 128 levels, and survives 100,000', () => {
    const deep = (n: number) => `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","arguments":{"a":${'['.repeat(n)}${']'.repeat(n)}}}}`;
    expect(decide(deep(120), ctx).decision).toBe('ALLOW');
    expect(decide(deep(100_000), ctx)).toMatchObject({ decision: 'DENY', rule: 'R0', code: 'structure.depth' });
  });

  it('refuses an id still in flight, and one of Airlock\'s own', () => {
    const busy = context({ 'tool:read': 'approved' }, 'GREEN', { clientRequestInFlight: (id) => id === 5, ownRequest: (id) => id === 'airlock-abc-1' });
    expect(decide(request('tools/list', {}, 5), busy)).toMatchObject({ decision: 'DENY', code: 'shape.duplicate-id' });
    expect(decide(request('tools/list', {}, 'airlock-abc-1'), busy)).toMatchObject({ decision: 'DENY', code: 'shape.reserved-id' });
    expect(decide(request('tools/list', {}, 6), busy).decision).toBe('ALLOW');
  });

  it('drops a client response to a question the server never asked', () => {
    const session = context({}, 'GREEN', { serverAsked: (id) => id === 'srv-1' });
    expect(decide('{"jsonrpc":"2.0","id":"srv-2","result":{}}', session)).toMatchObject({ decision: 'SILENCE', code: 'shape.unasked-response' });
    expect(decide('{"jsonrpc":"2.0","id":"srv-1","result":{}}', session).decision).toBe('ALLOW');
  });
});

describe('gate: what a server starts on its own', () => {
  const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
  const sampling = { jsonrpc: '2.0', id: 9, method: 'sampling/createMessage', params: { messages: [], maxTokens: 10 } };

  it('relays sampling, elicitation and roots requests from a trusted server, and refuses them from a quarantined one', () => {
    expect(judgeServerMessage(bytes(sampling), context({})).verdict).toMatchObject({ decision: 'ALLOW' });
    for (const method of ['sampling/createMessage', 'elicitation/create', 'roots/list']) {
      expect(judgeServerMessage(bytes({ ...sampling, method }), context({}, 'RED')).verdict, method).toMatchObject({ decision: 'DENY', rule: 'R2', code: 'server.quarantined' });
    }
  });

  it('drops every notification of a quarantined server, and unknown ones from any server', () => {
    const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } };
    expect(judgeServerMessage(bytes(progress), context({})).verdict.decision).toBe('ALLOW');
    expect(judgeServerMessage(bytes(progress), context({}, 'RED')).verdict).toMatchObject({ decision: 'SILENCE', rule: 'R2' });
    expect(judgeServerMessage(bytes({ jsonrpc: '2.0', method: 'notifications/new_instructions', params: { text: 'obey' } }), context({})).verdict).toMatchObject({ decision: 'SILENCE', rule: 'R1' });
  });

  it('drops an update about a resource the user has not approved', () => {
    const updated = (uri: string) => bytes({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } });
    const ctx = context({ 'resource:file:///ok': 'approved', 'resource:file:///new': 'held' });
    expect(judgeServerMessage(updated('file:///ok'), ctx).verdict.decision).toBe('ALLOW');
    expect(judgeServerMessage(updated('file:///new'), ctx).verdict).toMatchObject({ decision: 'SILENCE', rule: 'R3' });
  });

  it('reads the server as strictly as the client: deep, duplicated, prototype-shaped or broken lines are dropped', () => {
    const deep = `{"jsonrpc":"2.0","id":1,"result":{"content":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`;
    expect(judgeServerMessage(bytes(deep), context({})).verdict).toMatchObject({ decision: 'SILENCE', code: 'structure.depth' });
    expect(judgeServerMessage(bytes('{"jsonrpc":"2.0","id":1,"result":{},"result":{"x":1}}'), context({})).verdict.code).toBe('structure.duplicate-key');
    expect(judgeServerMessage(bytes('{"jsonrpc":"2.0","id":1,"result":{"__proto__":{}}}'), context({})).verdict.code).toBe('structure.prototype-key');
    expect(judgeServerMessage(Buffer.from([0x7b, 0xff, 0x7d]), context({})).verdict.code).toBe('structure.not-utf8');
  });
});
