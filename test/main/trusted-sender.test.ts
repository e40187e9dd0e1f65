import { describe, expect, it } from 'vitest';
import { trustedSender } from '../../src/main/trusted-sender.js';

const event = (id: number, url: string, parent: unknown = null) => ({ sender: { id }, senderFrame: { url, parent } });

describe('trustedSender', () => {
  const trusted = trustedSender(() => 3);

  it('trusts the main frame of our window on app://airlock', () => {
    expect(trusted(event(3, 'app://airlock/index.html#/review'))).toBe(true);
  });

  it.each([
    ['another window', event(4, 'app://airlock/index.html')],
    ['a subframe', event(3, 'app://airlock/index.html', { url: 'app://airlock/' })],
    ['a file:// page', event(3, 'file:///app/index.html')],
    ['an https:// page', event(3, 'https://airlock/')],
    ['another app:// host', event(3, 'app://airlock.evil/')],
    ['app://airlock with credentials', event(3, 'app://x@airlock/')],
    ['app://airlock with a port', event(3, 'app://airlock:80/')],
    ['a URL that does not parse', event(3, 'not a url')],
  ])('does not trust %s', (_name, e) => {
    expect(trusted(e)).toBe(false);
  });

  it('trusts nobody while there is no window, and nobody whose frame is gone', () => {
    expect(trustedSender(() => undefined)(event(3, 'app://airlock/'))).toBe(false);
    expect(trusted({ sender: { id: 3 }, senderFrame: null })).toBe(false);
  });
});
