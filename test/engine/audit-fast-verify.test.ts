import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, digestOf } from '../../src/engine/canonical-json.js';
import { AuditEventBodySchema, appendAuditEvents, verifyAuditChain, type AuditEventBody } from '../../src/engine/audit/index.js';
import { readCanonicalBody } from '../../src/engine/audit/canonical-body-layout.js';
import { canonicalEventTexts } from '../../src/engine/audit/canonical-event.js';
import { openStore, type Store } from '../../src/engine/store/index.js';
import { mixedEvents } from './fixtures/audit-events.js';
import { makeTempDir } from './fixtures/child-fixture.js';

/**
 * verifyAuditChain's fast path (readCanonicalBody) may only ever say "holds" for a body that
 * JSON.parse, canonicalJson and AuditEventBodySchema all accept, exactly as before. These tests
 * hold it to that against the slow checks themselves, over valid bodies and broken ones.
 */
const body = (over: Partial<Record<keyof AuditEventBody, unknown>> = {}): Record<string, unknown> => ({
  seq: 7,
  ts: '2026-11-22T10:00:00.000Z',
  type: 'call.decided',
  server: 'fs',
  tool: 'read',
  decision: 'ALLOW',
  rule: 'R5',
  findings: [],
  approvedHash: null,
  liveHash: null,
  argsHash: digestOf('args'),
  responseHash: null,
  detail: null,
  prevHash: digestOf('prev'),
  ...over,
});

/** What the slow path concludes about a body text: canonical and valid, or not. */
function slowVerdict(text: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  let canonical: string;
  try {
    canonical = canonicalJson(parsed);
  } catch {
    return false;
  }
  return canonical === text && AuditEventBodySchema.safeParse(parsed).success;
}

function expectSoundOn(text: string): boolean {
  const fast = readCanonicalBody(text);
  if (fast !== undefined) {
    expect(slowVerdict(text), `fast path accepted ${JSON.stringify(text)}`).toBe(true);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(fast).toEqual({
      seq: String(parsed.seq),
      ts: parsed.ts,
      type: parsed.type,
      server: parsed.server,
      tool: parsed.tool,
      decision: parsed.decision,
      prevHash: parsed.prevHash,
    });
  }
  return fast !== undefined;
}

const validBodies: Record<string, unknown>[] = [
  ...mixedEvents(9).map(({ args: _a, response: _r, ...fields }, i) => body({ argsHash: null, ...fields, seq: i + 1 })),
  body({ server: 'ünïcødé 😀 "quoted" \\ back\nline\t\u0001\u007f\u2028\u2029 \b\f\r\u001f\u000b', tool: '' }),
  body({ server: "it's", tool: '</script>' }),
  body({ server: null, tool: null, decision: null, rule: null, seq: 9_007_199_254_740_991 }),
  body({ detail: { liveHash: ',"liveHash":', nested: { z: 1, a: [1e21, 0.1, -0, 'x', null, true, {}] }, '\u00e9': true, e: null }, findings: ['a.b', 'c.d'] }),
  body({ detail: { a: '},"findings":[],"liveHash":null' }, findings: ['tool.description-changed'] }),
  body({ detail: { blob: 'x'.repeat(4096 - 12) } }), // exactly at the limit
  body({ ts: '2024-02-29T23:59:59Z' }),
  body({ ts: '2026-01-31T00:00:00.123456789Z', type: 'a-1.b-2.c', rule: 'R0', decision: 'SILENCE' }),
  ...['ALLOW', 'HOLD', 'DENY', 'SILENCE'].map((decision) => body({ decision })),
];

const invalidBodies: Record<string, unknown>[] = [
  body({ seq: 0 }), body({ seq: -1 }), body({ seq: 1.5 }), body({ seq: '7' }), body({ seq: Number.MAX_SAFE_INTEGER + 2 }),
  body({ ts: '2026-02-30T10:00:00Z' }), body({ ts: '2025-02-29T10:00:00Z' }), body({ ts: '2026-11-22T24:00:00Z' }),
  body({ ts: '2026-11-22T10:00Z' }), body({ ts: '2026-11-22T10:00:00+01:00' }), body({ ts: '2026-11-22T10:00:00' }),
  body({ ts: '2026-11-22 10:00:00Z' }), body({ ts: '2026-11-22T10:00:00.Z' }), body({ ts: 1 }), body({ ts: null }),
  body({ type: 'call' }), body({ type: 'Call.decided' }), body({ type: 'call.1' }), body({ type: 'call..x' }), body({ type: null }),
  body({ server: 5 }), body({ tool: false }), body({ server: ['fs'] }), body({ server: 'x\ud800' }), body({ tool: '\udc00' }),
  body({ decision: 'MAYBE' }), body({ decision: 'allow' }), body({ decision: '' }),
  body({ rule: 'R' }), body({ rule: 'r5' }), body({ rule: 'R5a' }), body({ rule: 5 }),
  body({ findings: null }), body({ findings: ['x'] }), body({ findings: ['A.b'] }), body({ findings: [1] }), body({ findings: 'a.b' }),
  body({ approvedHash: 'sha256:' + 'A'.repeat(64) }), body({ liveHash: 'sha256:' + '0'.repeat(63) }), body({ argsHash: 'sha1:' + '0'.repeat(64) }),
  body({ responseHash: '' }), body({ prevHash: null }), body({ prevHash: 'sha256:' + 'g'.repeat(64) }),
  body({ detail: [] }), body({ detail: 'x' }), body({ detail: 1 }), body({ detail: { blob: 'x'.repeat(4096) } }),
  body({ detail: { s: 'x\ud800' } }), body({ detail: { ['k\udc00']: 1 } }),
];

/** The same object written other ways: each one is not canonical, or not valid, or both. */
function rewrites(text: string): string[] {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const { seq: _seq, ...withoutSeq } = parsed;
  return [
    JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse())),
    JSON.stringify(parsed, null, 1),
    text.replace(/:/, ': '),
    ` ${text}`,
    `${text}\n`,
    text.replace('"seq":', '"seq":0') /* leading zero */,
    text.replace(/"seq":(\d+)/, '"seq":$1.0'),
    text.replace(/"seq":(\d+)/, '"seq":$1e0'),
    text.replace('"findings":[', '"findings":[ '),
    text.replace(/"ts":"([^"]*)"/, (_m, ts: string) => `"ts":"${ts.replace('T', '\\u0054')}"`),
    text.replace('"type":"', '"type":"\\u0063').replace('"type":"\\u0063c', '"type":"\\u0063'),
    text.replace('}', ',"extra":1}'),
    text.replace('}', ',"seq":1}'),
    canonicalJson(withoutSeq),
    canonicalJson({ ...parsed, extra: null }),
    canonicalJson({ ...parsed, hash: digestOf('x') }),
    text.replace('"server":"', '"server":"\\/'),
    text.replace('"server":"', '"server":"\\u0041'),
    text.replace('"server":"', '"server":"\\u001F'),
    text.replace('"server":"', '"server":"\\u007f'),
    text.replace('"server":"', '"server":"\\ud83d\\ude00'),
  ];
}

describe('readCanonicalBody (verify’s fast path)', () => {
  it('reads every valid canonical body, with the fields JSON.parse gives', () => {
    for (const b of validBodies) {
      const text = canonicalEventTexts(b as AuditEventBody).body;
      expect(text).toBe(canonicalJson(b));
      expect(slowVerdict(text)).toBe(true);
      expect(expectSoundOn(text), text).toBe(true);
    }
  });

  it('is not sure, never wrong, about the valid bodies it does not read', () => {
    for (const b of [body({ detail: { 10: 1, 9: 2 } }), body({ detail: JSON.parse('{"__proto__":1}') }), body({ detail: { path: 'C:\\udir' } })]) {
      const text = canonicalJson(b);
      expect(slowVerdict(text)).toBe(true);
      expect(expectSoundOn(text)).toBe(false);
    }
  });

  it('refuses every body zod or the canonicalizer refuses', () => {
    for (const b of invalidBodies) {
      let text: string;
      try {
        text = canonicalJson(b);
      } catch {
        text = JSON.stringify(b); // a lone surrogate: no canonical form, so write it the plain way
      }
      expect(slowVerdict(text), text).toBe(false);
      expect(expectSoundOn(text), text).toBe(false);
    }
  });

  it('reads no body rewritten in any other form, and no body with a byte flipped, unless the slow checks pass it too', () => {
    let tried = 0;
    for (const b of [...validBodies.slice(0, 12), ...invalidBodies]) {
      let text: string;
      try {
        text = canonicalJson(b);
      } catch {
        continue;
      }
      for (const rewritten of rewrites(text)) {
        expectSoundOn(rewritten);
        tried++;
      }
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        for (const flipped of [code ^ 0x01, code ^ 0x20, 0x5c, 0x22, 0x20]) {
          expectSoundOn(text.slice(0, i) + String.fromCharCode(flipped) + text.slice(i + 1));
          tried++;
        }
      }
    }
    expect(tried).toBeGreaterThan(50_000);
  });
});

/** verifyAuditChain as it was before the fast path (zod, canonicalJson): the oracle. */
function referenceVerify(db: Database.Database): ReturnType<typeof verifyAuditChain> {
  let count = 0;
  let prevHash = `sha256:${'0'.repeat(64)}`;
  for (const row of db.prepare('SELECT * FROM audit_events ORDER BY seq').iterate() as Iterable<Record<string, unknown> & { seq: number; body: string; hash: string }>) {
    const expectedSeq = count + 1;
    const problem = ((): string | undefined => {
      if (row.seq !== expectedSeq) return 'seq';
      let event: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(row.body);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'object';
        event = parsed as Record<string, unknown>;
      } catch {
        return 'json';
      }
      if (event.seq !== row.seq) return 'body seq';
      try {
        if (canonicalJson(event) !== row.body) return 'canonical';
      } catch {
        return 'canonical';
      }
      if (digestOf(row.body) !== row.hash) return 'hash';
      if (event.prevHash !== prevHash) return 'prevHash';
      for (const column of ['ts', 'type', 'server', 'tool', 'decision']) if (row[column] !== event[column]) return column;
      return AuditEventBodySchema.safeParse(event).success ? undefined : 'schema';
    })();
    if (problem !== undefined) return { ok: false, count, brokenSeq: Math.min(row.seq, expectedSeq), reason: problem };
    count++;
    prevHash = row.hash;
  }
  return { ok: true, count, head: prevHash as `sha256:${string}` };
}

describe('verifyAuditChain with its fast path', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: Store;
  let raw: Database.Database;
  const COUNT = 12;

  beforeAll(() => {
    tmp = makeTempDir();
    store = openStore(path.join(tmp.dir, 'home'));
    appendAuditEvents(store, mixedEvents(COUNT));
    raw = new Database(store.path);
    raw.exec('DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete');
    raw.pragma('synchronous = OFF');
  });
  afterAll(() => {
    raw.close();
    store.close();
    tmp.cleanup();
  });

  /** Replaces the last event's body with `text`, hash and columns made to agree, so only the body's form and validity decide. */
  function verdictsWithLastBody(text: string): [ReturnType<typeof verifyAuditChain>, ReturnType<typeof referenceVerify>] {
    const original = raw.prepare('SELECT * FROM audit_events WHERE seq = ?').get(COUNT) as Record<string, unknown>;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = (JSON.parse(text) as Record<string, unknown>) ?? {};
    } catch {
      // columns stay as they were
    }
    const nullable = new Set(['server', 'tool', 'decision']);
    const column = (name: string): unknown =>
      typeof parsed[name] === 'string' || (parsed[name] === null && nullable.has(name)) ? parsed[name] : original[name];
    raw
      .prepare('UPDATE audit_events SET body = ?, hash = ?, ts = ?, type = ?, server = ?, tool = ?, decision = ? WHERE seq = ?')
      .run(text, digestOf(text), column('ts'), column('type'), column('server'), column('tool'), column('decision'), COUNT);
    try {
      return [verifyAuditChain(store), referenceVerify(raw)];
    } finally {
      raw.prepare('UPDATE audit_events SET body = @body, hash = @hash, ts = @ts, type = @type, server = @server, tool = @tool, decision = @decision WHERE seq = @seq').run(original);
    }
  }

  it('verifies the untouched log as the reference does', () => {
    const result = verifyAuditChain(store);
    expect(result).toEqual(referenceVerify(raw));
    expect(result).toMatchObject({ ok: true, count: COUNT });
  });

  it('passes and fails exactly what the reference passes and fails, for rehashed valid, invalid and rewritten last bodies', () => {
    const last = JSON.parse(raw.prepare('SELECT body FROM audit_events WHERE seq = ?').pluck().get(COUNT) as string) as Record<string, unknown>;
    const chained = (b: Record<string, unknown>): Record<string, unknown> => ({ ...b, seq: COUNT, prevHash: last.prevHash });
    const texts: string[] = [];
    for (const b of [...validBodies, ...invalidBodies, body({ detail: { 10: 1, 9: 2 } })].map(chained)) {
      try {
        const text = canonicalJson(b);
        texts.push(text, ...rewrites(text));
      } catch {
        texts.push(JSON.stringify(b));
      }
    }
    let agreedOk = 0;
    for (const text of texts) {
      const [fast, reference] = verdictsWithLastBody(text);
      expect(fast.ok, text).toBe(reference.ok);
      expect(fast.count).toBe(reference.count);
      if (!fast.ok && !reference.ok) expect(fast.brokenSeq).toBe(reference.brokenSeq);
      if (fast.ok) agreedOk++;
    }
    expect(agreedOk).toBeGreaterThan(validBodies.length); // not vacuous: valid bodies do pass
  });
});
