import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Hold } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ReviewView } from '../../src/renderer/views/review/ReviewView.js';
import { fakeHost } from './fake-host-api.js';

const REASON = 'the sign-in to "tracker" lapsed (the refresh was refused): sign in again: airlock servers login tracker (or Sign in in the window)';

function held(id: string, fields: Partial<Hold> = {}): Hold {
  return { id, server: 'tracker', kind: 'tool', key: 'create_issue', sessionId: 's1', client: 'Cursor', callId: null, openedAt: '2026-12-03T09:00:00.000Z', expiresAt: '2026-12-03T09:02:00.000Z', ...fields };
}

/** A remote server whose sign-in lapsed: its calls wait for a sign-in, and Review says so with a Sign in button. */
describe('Review: sign in needed', () => {
  it('lists the server whose calls wait for a sign-in, who waits and why, and signs in from there', async () => {
    let holds: Hold[] = [held('h1', { reason: REASON }), held('h2', { reason: REASON, client: 'Claude Code' }), held('h3', { server: 'files', key: 'read' })];
    const host = fakeHost({ review: () => [], quarantined: () => [], recentCalls: () => [], holds: () => holds, signIn: () => ({ outcome: 'signed-in', signInState: 'signed-in' }) });
    render(
      <HostApiProvider api={host.api}>
        <ReviewView />
      </HostApiProvider>,
    );
    const section = await screen.findByRole('region', { name: 'Sign in needed' });
    expect(within(section).getByRole('heading').textContent).toBe('Sign in needed (1)');
    expect(section.textContent).toContain('tracker: 2 calls wait from Cursor, Claude Code.');
    expect(section.textContent).toContain('airlock servers login tracker');
    // A call held for review (no reason) is not a sign-in matter.
    expect(section.textContent).not.toContain('files');

    await userEvent.click(within(section).getByRole('button', { name: 'Sign in' }));
    expect(host.calls).toContainEqual({ method: 'signIn', params: { server: 'tracker' } });
    expect(await screen.findByText(/Signed in to "tracker"\. Calls that waited for the sign-in go on\./)).toBeTruthy();

    holds = [held('h3', { server: 'files', key: 'read' })];
    act(() => host.emit({ type: 'auth.restored', server: 'tracker' }));
    await act(async () => undefined);
    expect(screen.queryByRole('region', { name: 'Sign in needed' })).toBeNull();
  });
});
