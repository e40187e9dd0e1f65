import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { TokensPanel } from '../../src/renderer/views/clients/TokensPanel.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

const TOKEN = `airlock_ct_${'A'.repeat(43)}`;

type Row = { name: string; createdAt: string; lastUsedAt: string | null };

/** A fake Host that keeps its token list, as the real one keeps its table. */
function renderTokens(initial: Row[], endpoint: string | null = 'http://127.0.0.1:47811/mcp'): FakeHost {
  let rows = [...initial];
  const host = fakeHost({
    clientTokens: () => ({ endpoint, tokens: rows }),
    createClientToken: ({ name, replace }) => {
      const had = rows.some((r) => r.name === name);
      if (had && replace !== true) throw new Error(`client "${name}" has a token already (made 2026-12-03T10:00:00.000Z); a new one replaces it and the old one stops working: press Replace to make a new one`);
      rows = [...rows.filter((r) => r.name !== name), { name, createdAt: '2026-12-03T12:00:00.000Z', lastUsedAt: null }];
      return { name, token: TOKEN, createdAt: '2026-12-03T12:00:00.000Z', replaced: had };
    },
    revokeClientToken: ({ name }) => {
      rows = rows.filter((r) => r.name !== name);
      return { revoked: true };
    },
  });
  render(
    <HostApiProvider api={host.api}>
      <TokensPanel />
    </HostApiProvider>,
  );
  return host;
}

const sent = (host: FakeHost, method: string) => host.calls.filter((c) => c.method === method).map((c) => c.params);

describe('the HTTP clients panel (tokens of the MCP endpoint)', () => {
  it('says where HTTP clients reach servers and lists each client with its last use, never a token', async () => {
    renderTokens([
      { name: 'agent', createdAt: '2026-12-01T09:00:00.000Z', lastUsedAt: null },
      { name: 'cursor', createdAt: '2026-12-01T09:00:00.000Z', lastUsedAt: '2026-12-02T09:00:00.000Z' },
    ]);
    const list = await screen.findByRole('list', { name: 'Client tokens' });
    expect(within(list).getAllByRole('listitem').map((li) => li.querySelector('strong')?.textContent)).toEqual(['agent', 'cursor']);
    expect(within(list).getAllByRole('listitem')[0]!.textContent).toContain('never used');
    expect(within(list).getAllByRole('listitem')[1]!.textContent).toContain('last used');
    expect(screen.getByText('http://127.0.0.1:47811/mcp/SERVER')).toBeTruthy();
    expect(document.body.textContent).not.toContain('airlock_ct_');
  });

  it('says so when this Airlock serves no endpoint', async () => {
    renderTokens([], null);
    expect(await screen.findByText(/does not serve its MCP endpoint now/)).toBeTruthy();
    expect(screen.getByText('No client has a token yet.')).toBeTruthy();
  });

  it('makes a token and shows it once; Done hides it for good', async () => {
    const host = renderTokens([]);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Client name'), 'my-agent');
    await user.click(screen.getByRole('button', { name: 'Make token' }));
    const shown = await screen.findByRole('region', { name: 'Token for "my-agent"' });
    expect(within(shown).getByLabelText('Token').textContent).toBe(TOKEN);
    expect(shown.textContent).toContain('cannot show it again');
    expect(sent(host, 'createClientToken')).toEqual([{ name: 'my-agent', replace: false }]);
    await waitFor(() => expect(screen.getByRole('list', { name: 'Client tokens' }).textContent).toContain('my-agent'));
    await user.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(document.body.textContent).not.toContain(TOKEN);
  });

  it('offers to replace a token a client has, and sends replace only when asked', async () => {
    const host = renderTokens([{ name: 'cursor', createdAt: '2026-12-01T09:00:00.000Z', lastUsedAt: null }]);
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Client name'), 'cursor');
    await user.click(screen.getByRole('button', { name: 'Make token' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('has a token already');
    await user.click(within(alert).getByRole('button', { name: /^Replace/ }));
    const shown = await screen.findByRole('region', { name: 'Token for "cursor"' });
    expect(shown.textContent).toContain('Replaced the token of "cursor"');
    expect(sent(host, 'createClientToken')).toEqual([
      { name: 'cursor', replace: false },
      { name: 'cursor', replace: true },
    ]);
  });

  it('revokes only after a confirmation, and says what revoking does', async () => {
    const host = renderTokens([{ name: 'old', createdAt: '2026-12-01T09:00:00.000Z', lastUsedAt: null }]);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Revoke…' }));
    expect(sent(host, 'revokeClientToken')).toEqual([]);
    await user.click(screen.getByRole('button', { name: 'Confirm revoke' }));
    expect((await screen.findByRole('status')).textContent).toContain('refuses it from now on');
    expect(sent(host, 'revokeClientToken')).toEqual([{ name: 'old' }]);
    await waitFor(() => expect(screen.getByText('No client has a token yet.')).toBeTruthy());
  });
});
