import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/engine/gate/verdict.js';
import { holdAnswerer } from '../../src/host/hold-answerer.js';
import { HoldBook } from '../../src/host/hold-book.js';

/** Issue 16: a held call its client cancels (notifications/cancelled) ends its hold at once. */

const call = { server: 'demo', kind: 'tool' as const, key: 'echo', sessionId: 's1', client: 'Claude Desktop', callId: null };

describe('HoldBook.open with a cancel signal', () => {
  it('denies the hold when its client cancels the call, once, as "the client left", and leaves other holds open', async () => {
    const resolved: Array<{ final: Verdict; by: string | null }> = [];
    const book = new HoldBook(60_000, (_view, final, by) => resolved.push({ final, by }));
    const cancel = new AbortController();
    const cancelled = book.open(call, () => 'timeout', cancel.signal);
    const other = book.open(call, () => 'timeout', new AbortController().signal);
    cancel.abort();
    cancel.abort();
    const final = await cancelled.final;
    expect(final).toMatchObject({ decision: 'DENY', rule: 'R3', code: 'tool.hold-cancelled', reason: 'tool "echo" on "demo" was cancelled by its client while it was held; nothing was sent to the server' });
    expect(holdAnswerer(final.code)).toBe('client-left');
    expect(resolved).toHaveLength(1);
    expect(book.list().map((h) => h.id)).toEqual([other.view.id]);
    book.denyWhere(() => true, 'test over');
  });

  it('denies at once a hold whose call was cancelled before it opened', async () => {
    const book = new HoldBook(60_000, () => undefined);
    const cancel = new AbortController();
    cancel.abort();
    await expect(book.open(call, () => 'timeout', cancel.signal).final).resolves.toMatchObject({ code: 'tool.hold-cancelled' });
    expect(book.list()).toEqual([]);
  });
});
