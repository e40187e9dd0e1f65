import { describe, expect, it } from 'vitest';
import { deniedInText } from '../../src/renderer/views/review/countdown.js';
import { itemIdFromHash, reviewOrder } from '../../src/renderer/views/review/review-order.js';
import { itemId } from '../../src/shared/host-api/index.js';
import { finding, hold, reviewItem } from './fixtures/review-items.js';

describe('review order and timers', () => {
  it('orders items with a call waiting first, then worst finding first, then by the oldest waiting call', () => {
    const items = [
      reviewItem({ key: 'low', findings: [finding({ severity: 'low' })] }),
      reviewItem({ key: 'high-late', findings: [finding({ severity: 'high' })], pendingCalls: [hold({ openedAt: '2026-01-01T10:05:00.000Z' })] }),
      reviewItem({ key: 'none', findings: [] }),
      reviewItem({ key: 'critical', findings: [finding({ severity: 'info' }), finding({ severity: 'critical' })] }),
      reviewItem({ key: 'high-early', findings: [finding({ severity: 'high' })], pendingCalls: [hold({ openedAt: '2026-01-01T10:01:00.000Z' })] }),
      reviewItem({ key: 'high-no-call', findings: [finding({ severity: 'high' })] }),
    ];
    expect(reviewOrder(items).map((i) => i.key)).toEqual(['high-early', 'high-late', 'critical', 'high-no-call', 'low', 'none']);
  });

  it('says how long until a held call is denied, in minutes and seconds', () => {
    const now = Date.parse('2026-01-01T10:00:18.000Z');
    expect(deniedInText('2026-01-01T10:02:00.000Z', now)).toBe('denied in 1 min 42 s');
    expect(deniedInText('2026-01-01T11:00:19.000Z', now)).toBe('denied in 1 h');
    expect(deniedInText('2026-01-01T10:00:00.000Z', now)).toBe('denied: the wait timed out');
  });
});

describe('itemIdFromHash', () => {
  it('reads the item the tray or a notification opens the window on', () => {
    expect(itemIdFromHash('#/review?server=filesystem&kind=tool&key=read_file')).toBe(itemId({ server: 'filesystem', kind: 'tool', key: 'read_file' }));
    expect(itemIdFromHash('#/review?server=docs&kind=resource&key=file%3A%2F%2F%2Fa%3Fb')).toBe(itemId({ server: 'docs', kind: 'resource', key: 'file:///a?b' }));
    expect(itemIdFromHash('#/review')).toBeNull();
    expect(itemIdFromHash('#/review?server=x')).toBeNull();
  });
});
