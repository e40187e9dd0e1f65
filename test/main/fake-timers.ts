import type { Timers } from '../../src/main/timers.js';

/** A clock the test moves by hand: callbacks run, in time order, only inside advance(). */
export function fakeTimers(): { timers: Timers; advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    timers: {
      setTimeout(callback, ms) {
        const id = nextId++;
        due.set(id, { at: now + ms, callback });
        return id;
      },
      clearTimeout(handle) {
        due.delete(handle as number);
      },
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const [next] = [...due].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at);
        if (next === undefined) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].callback();
      }
      now = until;
    },
    pending: () => due.size,
  };
}

/** Lets promise callbacks queued so far run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
