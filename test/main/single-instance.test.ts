import { describe, expect, it } from 'vitest';
import { ensureSingleInstance, type SingleInstanceAppLike } from '../../src/main/single-instance.js';

function fakeApp(gotLock: boolean) {
  const listeners: (() => void)[] = [];
  const app: SingleInstanceAppLike = { requestSingleInstanceLock: () => gotLock, on: (_event, listener) => listeners.push(listener) };
  return { app, secondLaunch: () => listeners.forEach((l) => l()) };
}

describe('ensureSingleInstance', () => {
  it('lets the first instance run and shows its window when Airlock is launched again', () => {
    const { app, secondLaunch } = fakeApp(true);
    let focused = 0;
    expect(ensureSingleInstance(app, () => focused++)).toBe(true);
    secondLaunch();
    secondLaunch();
    expect(focused).toBe(2);
  });

  it('tells a second instance to quit', () => {
    expect(ensureSingleInstance(fakeApp(false).app, () => undefined)).toBe(false);
  });
});
