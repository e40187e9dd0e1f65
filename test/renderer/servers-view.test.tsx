import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ReviewItem, ServerDetail, ServerSummary } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ServersView } from '../../src/renderer/views/servers/ServersView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

const LIVE_HASH = `sha256:${'4b'.repeat(32)}`;
const GEN1_HASH = `sha256:${'0f'.repeat(32)}`;

const summaries: ServerSummary[] = [
  { name: 'filesystem', state: 'AMBER', generation: 1, held: 2, pendingCalls: 1 },
  { name: 'github', state: 'GREEN', generation: 3, held: 0, pendingCalls: 0 },
];

function detailOf(summary: ServerSummary): ServerDetail {
  return {
    summary,
    liveSurfaceHash: summary.state === 'GREEN' ? GEN1_HASH : LIVE_HASH,
    command: 'npx',
    commandLine: 'npx -y @modelcontextprotocol/server-filesystem /notes --api-key=***',
    envKeys: ['NOTES_DIR'],
    secretKeys: ['API_TOKEN'],
    tools: [{ server: summary.name, tool: 'read_file', status: 'changed', gate: 'HOLD', severity: 'high' }],
    quarantinedItems: [],
    generations: [{ generation: 1, surfaceHash: GEN1_HASH, approvedAt: '2026-11-20T10:00:00.000Z', approvedBy: 'cli' }],
  };
}

const reviewItem: ReviewItem = {
  server: 'filesystem',
  state: 'AMBER',
  kind: 'tool',
  key: 'read_file',
  status: 'changed',
  hash: `sha256:${'aa'.repeat(32)}`,
  surfaceHash: LIVE_HASH,
  findings: [],
  approved: {},
  live: {},
  quarantined: false,
  pendingCalls: [],
};

function serversHost(overrides: Parameters<typeof fakeHost>[0] = {}): FakeHost {
  return fakeHost({
    servers: () => summaries,
    serverDetail: ({ server }) => detailOf(summaries.find((s) => s.name === server) as ServerSummary),
    review: ({ server }) => (server === 'filesystem' ? [reviewItem] : []),
    ...overrides,
  });
}

function renderServers(host: FakeHost) {
  render(
    <HostApiProvider api={host.api}>
      <ServersView />
    </HostApiProvider>,
  );
}

const openServer = async (name: string) => {
  await userEvent.click(await screen.findByRole('button', { name: new RegExp(`^${name}`) }));
  return screen.findByRole('region', { name: new RegExp(`^${name}`) });
};

describe('the Servers view', () => {
  it('lists each server with its state in words, generation and held count', async () => {
    renderServers(serversHost());
    const list = await screen.findByRole('list', { name: 'Servers' });
    const [fs, gh] = within(list).getAllByRole('button');
    expect(within(fs as HTMLElement).getByRole('img', { name: 'AMBER: changes wait for your review' })).toBeTruthy();
    expect(fs?.textContent).toContain('approved version 1');
    expect(fs?.textContent).toContain('2 held');
    expect(gh?.textContent).toContain('approved version 3');
    expect(gh?.textContent).not.toContain('held');
  });

  it('shows a selected server’s full command with its arguments (secrets as ***), variable names, tools and approved generations', async () => {
    const host = serversHost();
    renderServers(host);
    const panel = await openServer('filesystem');
    expect(await within(panel).findByText('npx -y @modelcontextprotocol/server-filesystem /notes --api-key=***')).toBeTruthy();
    const vars = within(panel).getByRole('list', { name: 'Environment variable names' });
    expect(within(vars).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['API_TOKEN secret (kept in Airlock\'s secret store, value never shown)', 'NOTES_DIR']);
    const toolRow = within(panel).getByRole('cell', { name: 'read_file' }).closest('tr') as HTMLElement;
    expect(within(toolRow).getAllByRole('cell').map((c) => c.textContent)).toEqual(['read_file', 'changed', 'HOLD', 'high']);
    const shortened = within(panel).getByTitle(GEN1_HASH);
    expect(shortened.textContent).toBe('sha256:0f0f0f0f0f0f…');
    expect(host.calls).toContainEqual({ method: 'serverDetail', params: { server: 'filesystem' } });
  });

  it('labels versions and what a server offers in the user\'s words, keeping generation and surface for tooltips', async () => {
    renderServers(serversHost());
    const panel = await openServer('filesystem');
    await within(panel).findByText(/Approved version 1/);
    expect(panel.textContent?.match(/.{40}(generation|surface|baseline).{40}/i)?.[0] ?? null).toBeNull();
    expect(within(panel).getByTitle('generation 1')).toBeTruthy();
  });

  it('quarantines a server only after the second, confirming click', async () => {
    const host = serversHost({ quarantine: () => ({ state: 'RED' }) });
    renderServers(host);
    const panel = await openServer('github');
    await userEvent.click(await within(panel).findByRole('button', { name: 'Quarantine server' }));
    await userEvent.click(within(panel).getByRole('button', { name: 'Cancel' }));
    expect(host.calls.some((c) => c.method === 'quarantine')).toBe(false);

    await userEvent.click(within(panel).getByRole('button', { name: 'Quarantine server' }));
    await userEvent.click(within(panel).getByRole('button', { name: 'Confirm quarantine' }));
    expect(await within(panel).findByText(/Quarantined "github" \(RED\)/)).toBeTruthy();
    expect(host.calls.filter((c) => c.method === 'quarantine')).toEqual([{ method: 'quarantine', params: { server: 'github' } }]);
  });

  it('offers no approval for a server serving what was approved', async () => {
    renderServers(serversHost());
    const panel = await openServer('github');
    await within(panel).findByRole('button', { name: 'Quarantine server' });
    expect(within(panel).queryByRole('button', { name: /Review and approve/ })).toBeNull();
  });

  it('reloads the list when a server changes state', async () => {
    const host = serversHost();
    renderServers(host);
    await screen.findByRole('list', { name: 'Servers' });
    host.handlers.servers = () => [{ ...summaries[0], state: 'RED' } as ServerSummary, summaries[1] as ServerSummary];
    act(() => host.emit({ type: 'state.changed', server: 'filesystem', from: 'AMBER', to: 'RED', generation: 1 }));
    expect(await screen.findByRole('img', { name: 'RED: quarantined: every call denied' })).toBeTruthy();
  });

  it('says how servers get here when there are none', async () => {
    renderServers(fakeHost({ servers: () => [] }));
    expect(await screen.findByText('No servers yet.')).toBeTruthy();
  });

  it('shows a failed load and loads again on retry', async () => {
    let fail = true;
    const host = serversHost({
      servers: () => {
        if (fail) throw new Error('the Host is not running');
        return summaries;
      },
    });
    renderServers(host);
    expect((await screen.findByRole('alert')).textContent).toContain('the Host is not running');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('list', { name: 'Servers' })).toBeTruthy();
  });
});
