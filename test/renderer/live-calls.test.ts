import { describe, expect, it } from 'vitest';
import { bucketsSummary, callsPerMinute, filterCalls, mergeCall, mergeCalls } from '../../src/renderer/views/live/live-calls.js';
import { callRow } from './call-rows.js';

const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 10, 22, 9, minute, second)).toISOString();

describe('merging calls', () => {
  it('puts a new call first when it is the newest', () => {
    const rows = [callRow({ id: 'a', startedAt: at(1) })];
    expect(mergeCall(rows, callRow({ id: 'b', startedAt: at(2) })).map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('replaces a started call with its finished row where it stands', () => {
    const rows = [callRow({ id: 'b', startedAt: at(2) }), callRow({ id: 'a', startedAt: at(1), decision: 'HOLD', latencyMs: null })];
    const merged = mergeCall(rows, callRow({ id: 'a', startedAt: at(1), decision: 'HOLD', finalDecision: 'DENY', latencyMs: 900 }));
    expect(merged.map((r) => [r.id, r.finalDecision, r.latencyMs])).toEqual([
      ['b', null, 12],
      ['a', 'DENY', 900],
    ]);
  });

  it('keeps a finished row when its started event arrives late', () => {
    const rows = [callRow({ id: 'a', latencyMs: 40 })];
    expect(mergeCall(rows, callRow({ id: 'a', latencyMs: null }))[0]?.latencyMs).toBe(40);
  });

  it('keeps only the newest 1000 rows', () => {
    const many = Array.from({ length: 1005 }, (_, i) => callRow({ id: `c${i}`, startedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() }));
    const rows = mergeCalls([], many);
    expect(rows).toHaveLength(1000);
    expect(rows[0]?.id).toBe('c1004');
    expect(rows.at(-1)?.id).toBe('c5');
    expect(mergeCall(rows, callRow({ id: 'new', startedAt: '2027-01-01T00:00:00.000Z' }))).toHaveLength(1000);
  });

  it('merges the first load into rows events already brought, newest first, without duplicates', () => {
    const fromEvents = [callRow({ id: 'b', startedAt: at(3), latencyMs: null })];
    const loaded = [callRow({ id: 'b', startedAt: at(3), latencyMs: 5 }), callRow({ id: 'a', startedAt: at(1) })];
    expect(mergeCalls(fromEvents, loaded).map((r) => [r.id, r.latencyMs])).toEqual([
      ['b', 5],
      ['a', 12],
    ]);
  });
});

describe('filtering calls', () => {
  const rows = [
    callRow({ id: '1', server: 'filesystem', decision: 'ALLOW' }),
    callRow({ id: '2', server: 'github', decision: 'DENY' }),
    callRow({ id: '3', server: 'github', decision: 'HOLD', finalDecision: 'DENY' }),
  ];

  it('keeps only the chosen server', () => {
    expect(filterCalls(rows, { server: 'github', decision: '' }).map((r) => r.id)).toEqual(['2', '3']);
  });

  it('matches a decision filter on the gate decision or on the answer to a hold', () => {
    expect(filterCalls(rows, { server: '', decision: 'DENY' }).map((r) => r.id)).toEqual(['2', '3']);
    expect(filterCalls(rows, { server: '', decision: 'HOLD' }).map((r) => r.id)).toEqual(['3']);
  });
});

describe('calls per minute', () => {
  const now = Date.parse(at(30, 20));

  it('counts calls by decision in each of the last 30 minutes, oldest minute first', () => {
    const rows = [
      callRow({ id: '1', startedAt: at(30, 5) }),
      callRow({ id: '2', startedAt: at(30, 59), decision: 'DENY' }),
      callRow({ id: '3', startedAt: at(1, 0), decision: 'HOLD' }),
      callRow({ id: '4', startedAt: at(1, 59), decision: 'HOLD' }),
      callRow({ id: '5', startedAt: at(15, 30), decision: 'SILENCE' }),
    ];
    const buckets = callsPerMinute(rows, now);
    expect(buckets).toHaveLength(30);
    expect(buckets[0]?.start).toBe(Date.parse(at(1)));
    expect(buckets[0]?.counts).toEqual({ ALLOW: 0, HOLD: 2, DENY: 0, SILENCE: 0 });
    expect(buckets[14]?.counts.SILENCE).toBe(1);
    expect(buckets[29]?.counts).toEqual({ ALLOW: 1, HOLD: 0, DENY: 1, SILENCE: 0 });
  });

  it('leaves out calls older than the window or after now’s minute', () => {
    const rows = [callRow({ id: 'old', startedAt: at(0, 59) }), callRow({ id: 'future', startedAt: at(31, 0) })];
    const total = callsPerMinute(rows, now).reduce((n, b) => n + b.counts.ALLOW, 0);
    expect(total).toBe(0);
  });

  it('says the totals in words', () => {
    const buckets = callsPerMinute([callRow({ id: '1', startedAt: at(30) }), callRow({ id: '2', startedAt: at(29), decision: 'DENY' })], now);
    expect(bucketsSummary(buckets)).toBe('Last 30 minutes: 2 calls (1 ALLOW, 0 HOLD, 1 DENY, 0 DROPPED)');
  });
});
