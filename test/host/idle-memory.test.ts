import { describe, expect, it } from 'vitest';
import { collectGarbage, idleRelease } from '../../src/host/idle-memory.js';

/** The Host hands memory back once idle (issue 16's load soak: RSS stayed high until a full collection). */

describe('collectGarbage', () => {
  it('runs a full collection without --expose-gc on the command line, so garbage left by a burst is freed', () => {
    // Made and dropped inside a function: nothing holds it once the call returns.
    const burst = (): number => Array.from({ length: 200_000 }, (_, i) => ({ i, text: `row ${i}` })).length;
    expect(burst()).toBe(200_000);
    const before = process.memoryUsage().heapUsed;
    expect(collectGarbage()).toBe(true);
    expect(process.memoryUsage().heapUsed).toBeLessThan(before);
  });
});

describe('idleRelease', () => {
  it('releases once, after the last session ended and the delay passed with none open', async () => {
    let open = 1;
    let released = 0;
    const idle = idleRelease(() => open, () => released++, 50);
    idle.sessionEnded();
    await new Promise((r) => setTimeout(r, 120));
    expect(released).toBe(0);
    open = 0;
    idle.sessionEnded();
    idle.sessionEnded();
    await new Promise((r) => setTimeout(r, 120));
    expect(released).toBe(1);
  });

  it('does nothing when a session opened again before the delay ran out, or when cancelled', async () => {
    let open = 0;
    let released = 0;
    const idle = idleRelease(() => open, () => released++, 50);
    idle.sessionEnded();
    open = 1;
    await new Promise((r) => setTimeout(r, 120));
    expect(released).toBe(0);
    open = 0;
    idle.sessionEnded();
    idle.cancel();
    await new Promise((r) => setTimeout(r, 120));
    expect(released).toBe(0);
  });
});
