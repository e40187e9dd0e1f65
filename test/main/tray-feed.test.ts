import { describe, expect, it } from 'vitest';
import { followTraySnapshot, type HostApiSource } from '../../src/main/tray-feed.js';
import type { TraySnapshot } from '../../src/main/tray-controller.js';
import type { HostApiEvent } from '../../src/shared/host-api/index.js';
import { fakeTimers, settle } from './fake-timers.js';
import { hold, reviewItem, server } from './host-api-fixtures.js';

function fakeSource() {
  const listeners = new Set<(e: HostApiEvent) => void>();
  let servers = [server('fs', 'GREEN')];
  let review: unknown[] = [];
  const queries: string[] = [];
  const source: HostApiSource = {
    invoke: async (method) => {
      queries.push(method);
      return method === 'servers' ? servers : review;
    },
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return {
    source,
    queries,
    emit: (e: HostApiEvent) => listeners.forEach((l) => l(e)),
    listeners: () => listeners.size,
    set: (s: typeof servers, r: unknown[]) => {
      servers = s;
      review = r;
    },
  };
}

const opened: HostApiEvent = { type: 'hold.opened', hold: hold('fs', 'read_file') };

describe('followTraySnapshot', () => {
  it('loads the snapshot at once, then once more for a burst of events', async () => {
    const src = fakeSource();
    const clock = fakeTimers();
    const snapshots: TraySnapshot[] = [];
    followTraySnapshot(src.source, (s) => snapshots.push(s), { timers: clock.timers, delayMs: 100 });
    await settle();
    src.set([server('fs', 'AMBER', { held: 1, pendingCalls: 1 })], [reviewItem({ server: 'fs', key: 'read_file' })]);
    src.emit(opened);
    src.emit({ type: 'state.changed', server: 'fs', from: 'GREEN', to: 'AMBER', generation: 1 });
    clock.advance(100);
    await settle();
    expect(snapshots.map((s) => [s.servers[0]?.state, s.review.length])).toEqual([
      ['GREEN', 0],
      ['AMBER', 1],
    ]);
  });

  it('does not reload for calls that change nothing the tray shows', async () => {
    const src = fakeSource();
    const clock = fakeTimers();
    followTraySnapshot(src.source, () => undefined, { timers: clock.timers });
    await settle();
    src.emit({ type: 'clients.bypassing', appeared: [], gone: [] });
    clock.advance(1_000);
    await settle();
    expect(src.queries).toEqual(['servers', 'review']);
  });

  it('reports an answer of the wrong shape instead of showing it', async () => {
    const src = fakeSource();
    src.set([{ name: 'fs', state: 'PURPLE' }] as never, []);
    const errors: string[] = [];
    const snapshots: TraySnapshot[] = [];
    followTraySnapshot(src.source, (s) => snapshots.push(s), { timers: fakeTimers().timers, onError: (e) => errors.push(e.message) });
    await settle();
    expect(snapshots).toEqual([]);
    expect(errors).toEqual([expect.stringContaining('unexpected shape')]);
  });

  it('stops listening when stopped', async () => {
    const src = fakeSource();
    const clock = fakeTimers();
    const stop = followTraySnapshot(src.source, () => undefined, { timers: clock.timers });
    src.emit(opened);
    stop();
    expect(src.listeners()).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});
