import { describe, expect, it } from 'vitest';
import type { AuditEventInput } from '../../src/engine/audit/index.js';
import type { TrustRegistry } from '../../src/engine/controller/trust-registry.js';
import type { RequestJudgement } from '../../src/engine/gate/gate.js';
import { verdict } from '../../src/engine/gate/verdict.js';
import { CallTracker } from '../../src/host/call-tracker.js';
import { HoldBook } from '../../src/host/hold-book.js';

/**
 * A held call that is allowed goes on only once its `hold.resolved` record is journaled (issue
 * 16): the relay forwards it when the hold's promise gives ALLOW, so the record must be on disk
 * by then, and a resolution that could not be journaled turns into a refusal.
 */

function trackerWith(journal: (event: AuditEventInput) => void): { tracker: CallTracker; holds: HoldBook; appended: string[] } {
  const appended: string[] = [];
  const ref: { holds?: HoldBook } = {};
  const tracker = new CallTracker({
    registry: {} as TrustRegistry,
    holds: () => ref.holds as HoldBook,
    audit: { append: (e) => appended.push(e.type), journal },
    emit: () => true,
    log: () => undefined,
    lapse: () => undefined,
    holdTimeoutMs: 60_000,
  });
  const holds = new HoldBook(60_000, (view, final, by) => tracker.holdResolved(view, final, by));
  ref.holds = holds;
  return { tracker, holds, appended };
}

const held = {
  verdict: verdict('HOLD', 'R3', 'tool.held', 'tool "echo" is held'),
  message: null,
  call: { method: 'tools/call', kind: 'tool', key: 'echo', args: { message: 'hi' } },
} as RequestJudgement;
const session = { id: 'session-1', clientName: 'test client', via: 'connect' };

describe('held calls and the journal', () => {
  it('journals hold.resolved before the relay sees the ALLOW that forwards the call', async () => {
    const journaled: string[] = [];
    const { tracker, holds } = trackerWith((e) => journaled.push(e.type));
    const final = tracker.hold('demo', session, held);
    const [view] = holds.list();
    holds.allowOnce(view?.id ?? '', 'you');
    const seenWhenAllowed = await final.then((v) => ({ v, journaled: [...journaled] }));
    expect(seenWhenAllowed.v.decision).toBe('ALLOW');
    expect(seenWhenAllowed.journaled).toEqual(['hold.resolved']);
  });

  it('refuses a held call that was allowed when its resolution could not be journaled, and still logs the answer', async () => {
    const { tracker, holds, appended } = trackerWith(() => {
      throw new Error('cannot write the audit journal: no space left on device');
    });
    const final = tracker.hold('demo', session, held);
    const [view] = holds.list();
    holds.allowOnce(view?.id ?? '', 'you');
    const v = await final;
    expect(v).toMatchObject({ decision: 'DENY', code: 'hold.unrecorded' });
    expect(v.reason).toMatch(/could not record it in its audit journal/);
    expect(appended).toEqual(['hold.resolved']);
  });
});
