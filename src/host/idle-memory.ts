import v8 from 'node:v8';
import vm from 'node:vm';

/** How long the Host waits, once its last session has ended, before handing memory back. */
export const IDLE_GC_MS = 10_000;

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection of this thread's heap, or false when the runtime refuses one. An idle
 * Host allocates nothing, so V8 never collects what a burst of sessions left behind: after 50
 * clients × 1,000 calls its RSS stayed ~70 MB above idle until a full collection brought it back
 * below idle (BENCHMARKS.md, load soak). `--expose-gc` set at run time makes `gc` reachable from
 * a new context without starting Node with the flag.
 */
export function collectGarbage(): boolean {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
      collect = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  if (!collect) return false;
  collect();
  return true;
}

/**
 * Runs `release` once the Host has had no session for IDLE_GC_MS: call `sessionEnded` after each
 * session ends, with the count of those still open. A session that starts meanwhile is seen when
 * the timer fires, and nothing runs. The timer never keeps the process alive.
 */
export function idleRelease(open: () => number, release: () => void, delayMs = IDLE_GC_MS): { sessionEnded(): void; cancel(): void } {
  let timer: NodeJS.Timeout | null = null;
  return {
    sessionEnded() {
      if (open() > 0 || timer) return;
      timer = setTimeout(() => {
        timer = null;
        if (open() === 0) release();
      }, delayMs);
      timer.unref();
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
