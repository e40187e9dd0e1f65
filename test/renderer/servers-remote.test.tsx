import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ServerDetail, ServerSummary } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ServersView } from '../../src/renderer/views/servers/ServersView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

const summary: ServerSummary = { name: 'tracker', state: 'GREEN', generation: 1, held: 0, pendingCalls: 1 };

function remoteDetail(signInState: ServerDetail['signInState']): ServerDetail {
  return {
    summary,
    liveSurfaceHash: null,
    command: '',
    commandLine: null,
    envKeys: [],
    secretKeys: ['X-Api-Key'],
    url: 'https://mcp.tracker.example/mcp',
    transport: 'streamable-http',
    signInState,
    tools: [],
    quarantinedItems: [],
    generations: [],
  };
}

function remoteHost(state: { signIn: ServerDetail['signInState'] }, overrides: Parameters<typeof fakeHost>[0] = {}): FakeHost {
  return fakeHost({ servers: () => [summary], serverDetail: () => remoteDetail(state.signIn), review: () => [], ...overrides });
}

async function openTracker(host: FakeHost): Promise<HTMLElement> {
  render(
    <HostApiProvider api={host.api}>
      <ServersView />
    </HostApiProvider>,
  );
  await userEvent.click(await screen.findByRole('button', { name: /^tracker/ }));
  return screen.findByRole('region', { name: /^tracker/ });
}

describe('a remote server in the Servers view', () => {
  it('shows its URL, transport, header names (values masked) and sign-in state instead of a command', async () => {
    const panel = await openTracker(remoteHost({ signIn: 'expired' }));
    const text = (await within(panel).findByText('https://mcp.tracker.example/mcp')).closest('dl')?.textContent ?? '';
    expect(text).toContain('Streamable HTTP');
    expect(text).toContain('X-Api-Key: ***');
    expect(text).toContain('Sign-in expired: calls to this server wait until you sign in again');
    expect(within(panel).queryByText('Command')).toBeNull();
  });

  it('signs in from the Sign in button, says to finish in the browser, then shows the new state', async () => {
    const state = { signIn: 'expired' as ServerDetail['signInState'] };
    let finish!: () => void;
    const host = remoteHost(state, {
      signIn: () =>
        new Promise((resolve) => {
          finish = () => {
            state.signIn = 'signed-in';
            resolve({ outcome: 'signed-in', signInState: 'signed-in' });
          };
        }),
    });
    const panel = await openTracker(host);
    await userEvent.click(await within(panel).findByRole('button', { name: 'Sign in' }));
    expect(await within(panel).findByText(/Finish in your browser/)).toBeTruthy();
    finish();
    expect(await within(panel).findByText(/Signed in to "tracker"\. Calls that waited for the sign-in go on\./)).toBeTruthy();
    expect(await within(panel).findByRole('button', { name: 'Sign out' })).toBeTruthy();
    expect(host.calls).toContainEqual({ method: 'signIn', params: { server: 'tracker' } });
  });

  it('says why a sign-in failed', async () => {
    const host = remoteHost({ signIn: 'signed-out' }, { signIn: () => Promise.reject(new Error('the sign-in timed out after 300 s')) });
    const panel = await openTracker(host);
    await userEvent.click(await within(panel).findByRole('button', { name: 'Sign in' }));
    expect((await within(panel).findByRole('alert')).textContent).toBe('Could not sign in to "tracker": the sign-in timed out after 300 s');
  });

  it('reloads the sign-in state when the Host says a sign-in lapsed', async () => {
    const state = { signIn: 'signed-in' as ServerDetail['signInState'] };
    const host = remoteHost(state);
    const panel = await openTracker(host);
    await within(panel).findByRole('button', { name: 'Sign out' });
    state.signIn = 'expired';
    host.emit({ type: 'auth.required', server: 'tracker', reason: 'the sign-in to "tracker" lapsed: sign in again: airlock servers login tracker (or Sign in in the window)' });
    expect(await within(panel).findByRole('button', { name: 'Sign in' })).toBeTruthy();
  });
});
