import { afterEach, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/engine/gate/verdict.js';
import { HoldBook } from '../../src/host/hold-book.js';
import type { HoldView } from '../../src/host/host-events.js';

const books: HoldBook[] = [];
afterEach(() => {
  for (const book of books.splice(0)) book.denyWhere(() => true, 'test over');
});

function book(): { book: HoldBook; resolved: { view: HoldView; final: Verdict; by: string | null }[] } {
  const resolved: { view: HoldView; final: Verdict; by: string | null }[] = [];
  const b = new HoldBook(60_000, (view, final, by) => resolved.push({ view, final, by }));
  books.push(b);
  return { book: b, resolved };
}

const call = { server: 'demo', kind: 'tool' as const, key: 'echo', sessionId: 's1', client: 'Claude Desktop', callId: null };

describe('HoldBook.allowOnce', () => {
  it('lets exactly the named hold through, saying it was allowed once and by whom', async () => {
    const { book: b, resolved } = book();
    const first = b.open(call, () => 'timeout');
    const second = b.open(call, () => 'timeout');
    expect(b.allowOnce(first.view.id, 'the Airlock window')).toEqual(first.view);
    await expect(first.final).resolves.toMatchObject({ decision: 'ALLOW', rule: 'R3', code: 'hold.allowed-once', reason: expect.stringMatching(/tool "echo" on "demo" was allowed once by the Airlock window; it stays unapproved/) });
    expect(resolved).toEqual([expect.objectContaining({ view: first.view, by: 'the Airlock window' })]);
    // The other call to the same item still waits.
    expect(b.list().map((h) => h.id)).toEqual([second.view.id]);
  });

  it('returns null for a hold that is no longer open, and resolves nothing twice', async () => {
    const { book: b, resolved } = book();
    const { view, final } = b.open(call, () => 'timeout');
    b.denyWhere(() => true, 'the client disconnected');
    await expect(final).resolves.toMatchObject({ decision: 'DENY' });
    expect(b.allowOnce(view.id, 'you')).toBeNull();
    expect(b.allowOnce('no-such-hold', 'you')).toBeNull();
    expect(resolved).toHaveLength(1);
  });

  it('keeps the client that sent the call on the hold', () => {
    const { book: b } = book();
    expect(b.open(call, () => 'timeout').view.client).toBe('Claude Desktop');
  });
});
