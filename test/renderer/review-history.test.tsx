import { render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CallRow } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { CallDecision } from '../../src/renderer/views/live/CallDecision.js';
import { ReviewView } from '../../src/renderer/views/review/ReviewView.js';
import { callRow } from './call-rows.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

/** Review's History: held calls already answered, newest first, each saying who or what answered it. */

const held = (id: string, over: Partial<CallRow>): CallRow =>
  callRow({ id, decision: 'HOLD', rule: 'R3', reason: 'tool "read_file" changed since you approved it', startedAt: '2026-11-22T09:00:00.000Z', latencyMs: null, ...over });

function renderReview(rows: CallRow[]): FakeHost {
  const host = fakeHost({ review: () => [], quarantined: () => [], recentCalls: () => rows });
  render(
    <HostApiProvider api={host.api}>
      <ReviewView />
    </HostApiProvider>,
  );
  return host;
}

const entries = (section: HTMLElement) => within(section).getAllByRole('listitem').map((li) => li.querySelector('.hold-answer')?.textContent);

describe('Review: History of answered holds', () => {
  it('lists each answered hold newest first in the user words, and leaves out calls never held or still waiting', async () => {
    renderReview([
      held('f', { startedAt: '2026-11-22T09:05:30.000Z', finalDecision: 'DENY', answeredBy: 'host-stopped', latencyMs: 5_000 }),
      held('e', { startedAt: '2026-11-22T09:05:00.000Z', finalDecision: 'DENY', answeredBy: 'client-left', latencyMs: 4_000 }),
      held('d', { startedAt: '2026-11-22T09:04:00.000Z', finalDecision: 'ALLOW', answeredBy: 'you', allowedOnce: true, latencyMs: 3_000 }),
      held('c', { startedAt: '2026-11-22T09:03:00.000Z', finalDecision: 'ALLOW', answeredBy: 'you', latencyMs: 2_000 }),
      held('b', { startedAt: '2026-11-22T09:02:00.000Z', finalDecision: 'DENY', answeredBy: 'you', latencyMs: 1_000 }),
      held('a', { startedAt: '2026-11-22T09:01:00.000Z', finalDecision: 'DENY', answeredBy: 'timeout', latencyMs: 120_000, finalReason: 'tool "read_file" on "filesystem" was held for 120 s without an answer and was denied' }),
      held('waiting', { startedAt: '2026-11-22T09:06:00.000Z' }),
      callRow({ id: 'plain', decision: 'ALLOW' }),
      callRow({ id: 'refused', decision: 'DENY', rule: 'R4' }),
    ]);
    const section = await screen.findByRole('region', { name: 'History' });
    expect(within(section).getByRole('heading', { level: 2 }).textContent).toBe('History (6)');
    expect(entries(section)).toEqual([
      'denied: Airlock stopped while it waited',
      'denied: the client left while it waited',
      'allowed once by you',
      'allowed by you',
      'denied by you',
      'timed out after 2 min, denied',
    ]);
    const timedOut = within(section).getAllByRole('listitem')[5];
    expect(timedOut?.querySelector('.hold-answer')?.getAttribute('title')).toContain('held for 120 s without an answer');
  });

  it('shows no History section while no held call has been answered', async () => {
    renderReview([held('waiting', {}), callRow({ id: 'plain' })]);
    expect(await screen.findByText(/Nothing waits for review/)).toBeTruthy();
    await waitFor(() => expect(screen.queryByRole('region', { name: 'History' })).toBeNull());
  });

  it('adds a hold that times out while the view is open, from the Host events, without a reload by the user', async () => {
    let rows: CallRow[] = [held('first', { finalDecision: 'DENY', answeredBy: 'you', latencyMs: 900 })];
    const host = renderReview(rows);
    const section = await screen.findByRole('region', { name: 'History' });
    expect(entries(section)).toEqual(['denied by you']);
    const timedOut = held('later', { startedAt: '2026-11-22T09:10:00.000Z', finalDecision: 'DENY', answeredBy: 'timeout', latencyMs: 30_000 });
    rows = [timedOut, ...rows];
    host.handlers.recentCalls = () => rows;
    host.emit({ type: 'call.finished', call: timedOut });
    await waitFor(() => expect(entries(screen.getByRole('region', { name: 'History' }))).toEqual(['timed out after 30 s, denied', 'denied by you']));
  });

  it('says when a call from before the Host started has no recorded answer, instead of saying it waits', async () => {
    render(<CallDecision call={held('old', { restored: true })} />);
    expect(screen.getByText('its answer is not in the audit log')).toBeTruthy();
    expect(screen.queryByText('waiting for you')).toBeNull();
  });
});
