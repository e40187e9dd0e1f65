/** The part of Electron's app used here. */
export interface SingleInstanceAppLike {
  requestSingleInstanceLock(): boolean;
  on(event: 'second-instance', listener: () => void): unknown;
}

/**
 * One tray app per user: a second launch hands over to the first, which shows its window.
 * False means another instance runs and this one should quit.
 */
export function ensureSingleInstance(app: SingleInstanceAppLike, focus: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => focus());
  return true;
}
