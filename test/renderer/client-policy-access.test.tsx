import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ClientAccess as ClientAccessData } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ClientAccess } from '../../src/renderer/views/servers/ClientAccess.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

/** The Servers view's Clients section: who may use a server or one of its tools, shown and changed through the HostApi. */

const ENTRIES = ['claude-desktop', 'claude-code', 'cursor'];

function renderAccess(initial: Omit<ClientAccessData, 'server' | 'tokens' | 'entries'>, refuse?: string): FakeHost {
  let current: ClientAccessData = { server: 'demo', tokens: ['ci'], entries: ENTRIES, ...initial };
  const host = fakeHost({
    clientAccess: () => current,
    setClientAccess: ({ tool, allowed }) => {
      if (refuse !== undefined) throw new Error(refuse);
      current =
        tool === undefined
          ? { ...current, serverAllowed: allowed ?? null, tools: allowed === null ? [] : current.tools }
          : { ...current, tools: allowed === null ? current.tools.filter((t) => t.tool !== tool) : [...current.tools.filter((t) => t.tool !== tool), { tool, allowed }] };
      return current;
    },
  });
  render(
    <HostApiProvider api={host.api}>
      <ClientAccess server="demo" tools={['echo', 'log']} />
    </HostApiProvider>,
  );
  return host;
}

const sets = (host: FakeHost) => host.calls.filter((c) => c.method === 'setClientAccess').map((c) => c.params);

describe('Servers: Clients', () => {
  it('says every client may use a server without a policy, and lists tools with their own', async () => {
    renderAccess({ serverAllowed: null, tools: [{ tool: 'echo', allowed: ['connect'] }] });
    expect((await screen.findByText(/May be used by/)).textContent).toBe('May be used by every client.');
    expect(within(screen.getByRole('list', { name: 'Tools with their own client policy' })).getByRole('listitem').textContent).toBe('echo: connect');
  });

  it('limits the server to a token and a typed client name, and shows the new list', async () => {
    const user = userEvent.setup();
    const host = renderAccess({ serverAllowed: null, tools: [] });
    await user.click(await screen.findByRole('button', { name: 'Change who may use it' }));
    await user.click(screen.getByRole('radio', { name: 'Only the clients ticked below' }));
    await user.click(screen.getByRole('checkbox', { name: 'token:ci' }));
    await user.type(screen.getByRole('textbox', { name: /Another client/ }), 'Claude Code');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(screen.getByRole('checkbox', { name: 'client:Claude Code' })).toHaveProperty('checked', true);
    expect(screen.getByText(/Only a token \(token:NAME\) proves which client calls/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(sets(host)).toEqual([{ server: 'demo', allowed: ['token:ci', 'client:Claude Code'] }]);
    expect((await screen.findByText(/May be used by/)).textContent).toBe('May be used by token:ci, client:Claude Code.');
  });

  it("sets one tool's policy, and lets every client in again", async () => {
    const user = userEvent.setup();
    const host = renderAccess({ serverAllowed: ['token:ci'], tools: [] });
    await user.click(await screen.findByRole('button', { name: 'Change who may use it' }));
    await user.selectOptions(screen.getByRole('combobox', { name: /Applies to/ }), 'tool echo');
    // A tool without its own policy starts from the server's.
    expect(screen.getByRole('checkbox', { name: 'token:ci' })).toHaveProperty('checked', true);
    await user.click(screen.getByRole('checkbox', { name: 'token:ci' }));
    await user.click(screen.getByRole('checkbox', { name: 'connect' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByRole('list', { name: 'Tools with their own client policy' });
    await user.click(screen.getByRole('button', { name: 'Change who may use it' }));
    await user.click(screen.getByRole('radio', { name: 'Every client' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(sets(host)).toEqual([
      { server: 'demo', tool: 'echo', allowed: ['connect'] },
      { server: 'demo', allowed: null },
    ]);
    expect((await screen.findByText(/May be used by/)).textContent).toBe('May be used by every client.');
  });

  it("shows the Host's refusal and keeps the draft", async () => {
    const user = userEvent.setup();
    renderAccess({ serverAllowed: null, tools: [] }, 'no client has a token named "gone"; the tokens: ci');
    await user.click(await screen.findByRole('button', { name: 'Change who may use it' }));
    await user.click(screen.getByRole('radio', { name: 'Only the clients ticked below' }));
    await user.click(screen.getByRole('checkbox', { name: 'connect' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Could not change who may use "demo": no client has a token named "gone"');
    expect(screen.getByRole('checkbox', { name: 'connect' })).toHaveProperty('checked', true);
  });
});
