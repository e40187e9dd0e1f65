import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ClientsList, ServerDetail, ServerSummary } from '../../src/shared/host-api/index.js';
import { HostApiError } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ServersView } from '../../src/renderer/views/servers/ServersView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

/** Adding a server from the Servers view, and removing one with a confirmation that says what removing does. */

const SECRET = 'ghp_window_secret_4411';

function summary(name: string, configured = true): ServerSummary {
  return { name, state: 'AMBER', generation: 0, held: 0, pendingCalls: 0, configured };
}

function detail(name: string): ServerDetail {
  return { summary: summary(name), liveSurfaceHash: null, command: 'npx', commandLine: `npx -y ${name}`, envKeys: ['LOG_LEVEL'], secretKeys: ['GITHUB_TOKEN'], tools: [], quarantinedItems: [], generations: [] };
}

const clients: ClientsList = {
  userHome: '/home/u',
  platform: 'linux',
  clients: [
    {
      id: 'claude-desktop',
      name: 'Claude Desktop',
      found: true,
      files: [{ path: '/home/u/.config/Claude/claude_desktop_config.json', scope: 'user', servers: [{ name: 'gh', status: 'routed', transport: 'stdio', airlockServer: 'github' }] }],
    },
  ],
} as ClientsList;

function renderServers(names: string[]): FakeHost {
  let list = names.map((n) => summary(n));
  const host = fakeHost({
    servers: () => list,
    serverDetail: ({ server }) => detail(server),
    review: () => [],
    clientsList: () => clients,
    addServer: (params) => {
      list = [...list, summary(params.name)].sort((a, b) => a.name.localeCompare(b.name));
      return { name: params.name, secretKeys: Object.keys(params.secrets).sort(), approveOnFirstList: params.approveOnFirstList };
    },
    removeServer: ({ server }) => {
      list = list.filter((s) => s.name !== server);
      return { name: server, stillRoutedBy: [{ client: 'Claude Desktop', path: '/home/u/.config/Claude/claude_desktop_config.json', entry: 'gh' }] };
    },
  });
  render(
    <HostApiProvider api={host.api}>
      <ServersView />
    </HostApiProvider>,
  );
  return host;
}

describe('adding a server from the window', () => {
  it('sends the command, one argument per line, variables and secrets, with approval off unless ticked', async () => {
    const host = renderServers([]);
    await userEvent.click(await screen.findByRole('button', { name: 'Add server…' }));
    const form = screen.getByRole('form', { name: 'Add a server' });
    expect((within(form).getByRole('checkbox', { name: 'Approve what it lists first' }) as HTMLInputElement).checked).toBe(false);

    await userEvent.type(within(form).getByLabelText('Name'), 'github');
    await userEvent.type(within(form).getByLabelText('Command'), 'npx');
    await userEvent.type(within(form).getByLabelText('Arguments'), '-y{Enter}@modelcontextprotocol/server-github{Enter}{Enter}--label=my notes');
    await userEvent.click(within(form).getByRole('button', { name: 'Add environment variable' }));
    await userEvent.type(within(form).getByLabelText('Name of environment variable 1'), 'LOG_LEVEL');
    await userEvent.type(within(form).getByLabelText('Value of environment variable 1'), 'debug');
    await userEvent.click(within(form).getByRole('button', { name: 'Add secret variable' }));
    await userEvent.type(within(form).getByLabelText('Name of secret variable 1'), 'GITHUB_TOKEN');
    const secretInput = within(form).getByLabelText('Value of secret variable 1') as HTMLInputElement;
    expect(secretInput.type).toBe('password');
    await userEvent.type(secretInput, SECRET);
    await userEvent.click(within(form).getByRole('button', { name: 'Add server' }));

    expect(host.calls.filter((c) => c.method === 'addServer').map((c) => c.params)).toEqual([
      { name: 'github', command: 'npx', args: ['-y', '@modelcontextprotocol/server-github', '--label=my notes'], env: { LOG_LEVEL: 'debug' }, secrets: { GITHUB_TOKEN: SECRET }, approveOnFirstList: false },
    ]);
    const notice = await screen.findByRole('status');
    expect(notice.textContent).toBe('Added "github". Point an AI client at it with: airlock connect github. Its tools are held until you review them. Its secrets (GITHUB_TOKEN) are in Airlock\'s secret store.');
    // The new server is listed and open; its secret value is nowhere on the page.
    expect(await screen.findByRole('heading', { name: /^github/ })).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Servers' })).getByRole('button', { name: /^github/ })).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('shows the Host’s refusal inline and keeps what was typed', async () => {
    const host = renderServers(['github']);
    host.handlers.addServer = () => {
      throw new HostApiError('a server named "github" already exists (npx -y github); nothing was changed. Choose another name, or remove "github" first from its page in Servers');
    };
    await userEvent.click(await screen.findByRole('button', { name: 'Add server…' }));
    const form = screen.getByRole('form', { name: 'Add a server' });
    await userEvent.type(within(form).getByLabelText('Name'), 'github');
    await userEvent.type(within(form).getByLabelText('Command'), 'npx');
    await userEvent.click(within(form).getByRole('button', { name: 'Add server' }));
    expect((await within(form).findByRole('alert')).textContent).toBe(
      'Not added: a server named "github" already exists (npx -y github); nothing was changed. Choose another name, or remove "github" first from its page in Servers',
    );
    expect((within(form).getByLabelText('Name') as HTMLInputElement).value).toBe('github');
  });

  it('refuses a variable given twice before asking the Host', async () => {
    const host = renderServers([]);
    await userEvent.click(await screen.findByRole('button', { name: 'Add server…' }));
    const form = screen.getByRole('form', { name: 'Add a server' });
    await userEvent.type(within(form).getByLabelText('Name'), 'api');
    await userEvent.type(within(form).getByLabelText('Command'), 'node');
    for (const n of [1, 2]) {
      await userEvent.click(within(form).getByRole('button', { name: 'Add secret variable' }));
      await userEvent.type(within(form).getByLabelText(`Name of secret variable ${n}`), 'TOKEN');
      await userEvent.type(within(form).getByLabelText(`Value of secret variable ${n}`), `v${n}`);
    }
    await userEvent.click(within(form).getByRole('button', { name: 'Add server' }));
    expect(within(form).getByRole('alert').textContent).toBe('Not added: the secret variable TOKEN is given twice: keep one of them.');
    expect(host.calls.filter((c) => c.method === 'addServer')).toEqual([]);
  });
});

describe('removing a server from the window', () => {
  it('says what removing does and which AI client entries use it, and removes only on confirm', async () => {
    const host = renderServers(['github', 'memory']);
    await userEvent.click(await screen.findByRole('button', { name: /^github/ }));
    await userEvent.click(await screen.findByRole('button', { name: 'Remove server…' }));
    const region = await screen.findByRole('region', { name: 'Remove "github"?' });
    expect(region.textContent).toContain('Airlock forgets how to start "github" and deletes its secrets (GITHUB_TOKEN). Its approved versions and its history in the audit log are kept');
    expect(within(region).getByRole('list', { name: 'AI client entries that use it' }).textContent).toBe('Claude Desktop: "gh" in /home/u/.config/Claude/claude_desktop_config.json');

    await userEvent.click(within(region).getByRole('button', { name: 'Cancel' }));
    expect(host.calls.filter((c) => c.method === 'removeServer')).toEqual([]);

    await userEvent.click(screen.getByRole('button', { name: 'Remove server…' }));
    await userEvent.click(within(await screen.findByRole('region', { name: 'Remove "github"?' })).getByRole('button', { name: 'Confirm remove' }));
    expect(host.calls.filter((c) => c.method === 'removeServer').map((c) => c.params)).toEqual([{ server: 'github' }]);
    expect((await screen.findByRole('status')).textContent).toBe(
      'Removed "github" and its secrets. Its approved versions and its audit history are kept. These AI client entries still start it and will fail until you add it again: Claude Desktop: "gh" in /home/u/.config/Claude/claude_desktop_config.json.',
    );
    expect(within(screen.getByRole('list', { name: 'Servers' })).queryByRole('button', { name: /^github/ })).toBeNull();
  });

  it('updates the list when another window adds a server', async () => {
    const host = renderServers(['github']);
    await screen.findByRole('list', { name: 'Servers' });
    host.handlers.servers = () => [summary('github'), summary('memory')];
    act(() => host.emit({ type: 'servers.changed', server: 'memory', change: 'added' }));
    expect(await screen.findByRole('button', { name: /^memory/ })).toBeTruthy();
  });

  it('marks a removed server that stays listed for its history, and offers no remove for it', async () => {
    const host = renderServers([]);
    host.handlers.servers = () => [summary('old', false)];
    host.handlers.serverDetail = () => ({ ...detail('old'), summary: summary('old', false), command: null, commandLine: null, secretKeys: [], envKeys: [] });
    act(() => host.emit({ type: 'servers.changed', server: 'old', change: 'removed' }));
    await userEvent.click(await screen.findByRole('button', { name: /^old.*removed/ }));
    expect(await screen.findByText(/^Removed: Airlock no longer starts this server/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Remove server…' })).toBeNull();
  });
});
