import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ClientsView } from '../../src/renderer/views/clients/ClientsView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';
import { bypassing, clientsList, installPreview, restorePreview } from './fixtures/clients.js';

function renderClients(handlers: Parameters<typeof fakeHost>[0]): FakeHost {
  // The HTTP clients panel below the routing asks for the endpoint's tokens (tested in client-tokens.test.tsx).
  const host = fakeHost({ clientTokens: () => ({ endpoint: null, tokens: [] }), ...handlers });
  render(
    <HostApiProvider api={host.api}>
      <ClientsView />
    </HostApiProvider>,
  );
  return host;
}

const sent = (host: FakeHost, method: string) => host.calls.filter((c) => c.method === method).map((c) => c.params);
const rowOf = (name: string) => screen.getByRole('rowheader', { name }).closest('tr') as HTMLElement;

describe('the Clients view', () => {
  it('lists each server of each client as routed or bypassing, in words', async () => {
    renderClients({ clientsList });
    await screen.findByRole('region', { name: 'Cursor' });
    expect(rowOf('github').textContent).toContain('routed');
    expect(rowOf('github').textContent).toContain('through Airlock server "github"');
    expect(rowOf('sneaky').textContent).toContain('bypassing');
    expect(rowOf('sneaky').textContent).toContain('npx -y sneaky-server --token ***');
    expect(screen.getByText('2 servers bypass Airlock; 1 can be routed through it.')).toBeTruthy();
  });

  it('says why a bypassing server cannot be routed and that it is disabled', async () => {
    renderClients({ clientsList });
    await screen.findByRole('region', { name: 'Cursor' });
    expect(rowOf('remote-docs').textContent).toContain('cannot be routed: remote servers are not proxied yet');
    expect(rowOf('remote-docs').textContent).toContain('disabled in the client');
  });

  it('shows config files under the home as ~ paths, with the error of an unreadable one', async () => {
    renderClients({ clientsList });
    const claude = await screen.findByRole('region', { name: 'Claude Desktop' });
    expect(within(claude).getByText('~/.config/Claude/claude_desktop_config.json')).toBeTruthy();
    expect(within(claude).getByText('could not read this file: line 3: unexpected token')).toBeTruthy();
  });

  it('says which clients have no config file', async () => {
    renderClients({ clientsList });
    const missing = await screen.findByRole('list', { name: 'Clients without a config file' });
    expect(missing.textContent).toBe('Zed: no config file found');
  });

  it('shows a banner naming a newly bypassing server and loads the list again', async () => {
    const host = renderClients({ clientsList });
    await screen.findByRole('region', { name: 'Cursor' });
    act(() => host.emit({ type: 'clients.bypassing', appeared: [bypassing()], gone: [] }));
    expect((await screen.findByRole('alert')).textContent).toContain('Cursor starts "sneaky" without Airlock');
    await waitFor(() => expect(sent(host, 'clientsList')).toHaveLength(2));
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('drops a server from the banner when it is gone again', async () => {
    const host = renderClients({ clientsList });
    await screen.findByRole('region', { name: 'Cursor' });
    act(() => host.emit({ type: 'clients.bypassing', appeared: [bypassing(), bypassing({ id: 'x', name: 'other' })], gone: [] }));
    act(() => host.emit({ type: 'clients.bypassing', appeared: [], gone: [bypassing()] }));
    const banner = await screen.findByRole('alert');
    expect(banner.textContent).not.toContain('"sneaky"');
    expect(banner.textContent).toContain('Cursor starts "other" without Airlock');
  });

  it('previews routing with each file diff, the routes, skipped entries and unreadable files', async () => {
    const host = renderClients({ clientsList, clientsInstallPreview: installPreview });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview routing' }));
    const diff = await screen.findByLabelText('changes to ~/.cursor/mcp.json');
    expect([...diff.querySelectorAll('.diff-del')].map((l) => l.textContent)).toEqual(['-      "command": "npx",\n']);
    expect([...diff.querySelectorAll('.diff-add')].map((l) => l.textContent)).toEqual(['+      "command": "airlock",\n']);
    expect(screen.getByText(`route "sneaky" through Airlock server "sneaky"; moves GITHUB_TOKEN to Airlock's secret store`)).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Left as they are' }).textContent).toBe('"remote-docs" in ~/.cursor/mcp.json: remote servers are not proxied yet');
    expect(screen.getByRole('list', { name: 'Files that could not be read' }).textContent).toBe('~/.config/Claude/claude_desktop_config.json: line 3: unexpected token');
    expect(sent(host, 'clientsInstallPreview')).toEqual([{}]);
  });

  it('previews routing for the ticked clients only', async () => {
    const host = renderClients({ clientsList, clientsInstallPreview: installPreview });
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Claude Desktop' }));
    await userEvent.click(screen.getByRole('button', { name: 'Preview routing' }));
    await waitFor(() => expect(sent(host, 'clientsInstallPreview')).toEqual([{ clients: ['cursor'] }]));
  });

  it('applies the previewed plan without approving current tools unless ticked', async () => {
    const result = { files: ['/home/ada/.cursor/mcp.json'], added: ['sneaky'], reused: [], secretsMoved: { sneaky: ['GITHUB_TOKEN'] } };
    const host = renderClients({ clientsList, clientsInstallPreview: installPreview, clientsInstallApply: () => result });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview routing' }));
    const approveCurrent = await screen.findByRole('checkbox', { name: "Count each new server's current tools as approved" });
    expect((approveCurrent as HTMLInputElement).checked).toBe(false);
    expect(screen.getByText("Otherwise each new server's tools are held until you review and approve them in Review.")).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('Added to Airlock: sneaky')).toBeTruthy();
    expect(screen.getByText("Secrets moved out of client files into Airlock's secret store: sneaky: GITHUB_TOKEN")).toBeTruthy();
    expect(sent(host, 'clientsInstallApply')).toEqual([{ planId: 'plan-1', approveCurrent: false }]);
    await waitFor(() => expect(sent(host, 'clientsList')).toHaveLength(2));
  });

  it('sends approveCurrent when the box is ticked', async () => {
    const host = renderClients({ clientsList, clientsInstallPreview: installPreview, clientsInstallApply: () => ({ files: [], added: [], reused: ['github'], secretsMoved: {} }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview routing' }));
    await userEvent.click(await screen.findByRole('checkbox', { name: "Count each new server's current tools as approved" }));
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(sent(host, 'clientsInstallApply')).toEqual([{ planId: 'plan-1', approveCurrent: true }]));
  });

  it('cancels a routing preview without applying it', async () => {
    const host = renderClients({ clientsList, clientsInstallPreview: installPreview });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview routing' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(screen.getByRole('button', { name: 'Preview routing' })).toBeTruthy();
    expect(sent(host, 'clientsInstallApply')).toEqual([]);
  });

  it('shows the Host refusal of a routing apply', async () => {
    renderClients({
      clientsList,
      clientsInstallPreview: installPreview,
      clientsInstallApply: () => {
        throw new Error('~/.cursor/mcp.json changed since the preview; preview again');
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview routing' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Apply' }));
    expect((await screen.findByRole('alert')).textContent).toBe('~/.cursor/mcp.json changed since the preview; preview again');
    expect(screen.getByRole('button', { name: 'Preview routing' })).toBeTruthy();
  });

  it('previews a restore per file, exact or keeping the user edits, with each entry outcome and the problems', async () => {
    renderClients({ clientsList, clientsRestorePreview: restorePreview });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview restore' }));
    const cursor = await screen.findByRole('region', { name: 'Cursor: ~/.cursor/mcp.json' });
    expect(within(cursor).getByText('goes back byte for byte to how it was before Airlock changed it')).toBeTruthy();
    const claude = screen.getByRole('region', { name: 'Claude Desktop: ~/.config/Claude/claude_desktop_config.json' });
    expect(within(claude).getByText("was edited since Airlock changed it: only Airlock's entries are reverted, your edits stay")).toBeTruthy();
    expect(within(claude).getByText('"gh" no longer runs Airlock server "github" (you changed it); left as you made it')).toBeTruthy();
    expect(within(claude).getByText('"old" is no longer in the file; nothing to revert')).toBeTruthy();
    expect(within(cursor).getByLabelText('changes to ~/.cursor/mcp.json').querySelector('.diff-add')?.textContent).toBe('+      "command": "npx",\n');
    expect(screen.getByRole('list', { name: 'Problems' }).textContent).toBe('~/.codex/config.toml: the file is locked by another Airlock');
  });

  it('applies the previewed restore by its planId', async () => {
    const host = renderClients({ clientsList, clientsRestorePreview: restorePreview, clientsRestoreApply: () => ({ files: ['/home/ada/.cursor/mcp.json'] }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview restore' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Apply' }));
    expect(await screen.findByText('Restored 1 file:')).toBeTruthy();
    expect(sent(host, 'clientsRestorePreview')).toEqual([{}]);
    expect(sent(host, 'clientsRestoreApply')).toEqual([{ planId: 'restore-1' }]);
  });

  it('shows the Host refusal of a restore apply', async () => {
    renderClients({
      clientsList,
      clientsRestorePreview: restorePreview,
      clientsRestoreApply: () => {
        throw new Error('a client file changed since the preview; preview the restore again');
      },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Preview restore' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Apply' }));
    expect((await screen.findByRole('alert')).textContent).toBe('a client file changed since the preview; preview the restore again');
  });

  it('says when no AI client configuration is found', async () => {
    renderClients({ clientsList: () => ({ ...clientsList(), clients: [{ id: 'zed', name: 'Zed', found: false, files: [] }] }) });
    expect(await screen.findByText('No AI client configuration found on this machine.')).toBeTruthy();
  });

  it('shows the error when the clients cannot be listed', async () => {
    renderClients({
      clientsList: () => {
        throw new Error('the Host is not running');
      },
    });
    expect((await screen.findByRole('alert')).textContent).toContain('the Host is not running');
  });
});
