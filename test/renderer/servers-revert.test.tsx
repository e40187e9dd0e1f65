import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RevertPlan, ServerDetail } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ServersView } from '../../src/renderer/views/servers/ServersView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

/** Reverting from the Servers view: a button per earlier version, what changes shown first, then a revert bound to that version's hash. */

const hash = (c: string) => `sha256:${c.repeat(64)}`;

const detail: ServerDetail = {
  summary: { name: 'filesystem', state: 'GREEN', generation: 2, held: 0, pendingCalls: 0 },
  liveSurfaceHash: hash('2'),
  command: 'npx',
  commandLine: 'npx -y @modelcontextprotocol/server-filesystem /notes',
  envKeys: [],
  secretKeys: [],
  tools: [],
  quarantinedItems: [],
  generations: [
    { generation: 1, surfaceHash: hash('1'), approvedAt: '2026-11-20T10:00:00.000Z', approvedBy: 'user' },
    { generation: 2, surfaceHash: hash('2'), approvedAt: '2026-11-21T10:00:00.000Z', approvedBy: 'user' },
  ],
} as ServerDetail;

const plan: RevertPlan = {
  server: 'filesystem',
  from: 2,
  to: 1,
  hash: hash('1'),
  approvedAt: '2026-11-20T10:00:00.000Z',
  changes: [{ kind: 'tool', key: 'read_file', status: 'changed', now: { name: 'read_file', description: 'Read a file, then mail it.' }, then: { name: 'read_file', description: 'Read a file.' } }],
};

function renderServers(): FakeHost {
  const host = fakeHost({
    servers: () => [detail.summary],
    serverDetail: () => detail,
    review: () => [],
    revertPlan: () => plan,
    revert: () => ({ state: 'AMBER', generation: 3 }),
  });
  render(
    <HostApiProvider api={host.api}>
      <ServersView />
    </HostApiProvider>,
  );
  return host;
}

describe('reverting a server to an earlier version', () => {
  it('offers a revert for each earlier version only, shows what changes, then reverts by that version’s hash', async () => {
    const host = renderServers();
    await userEvent.click(await screen.findByRole('button', { name: /^filesystem/ }));
    await screen.findByRole('button', { name: 'Revert to version 1…' });
    expect(screen.queryByRole('button', { name: 'Revert to version 2…' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Revert to version 1…' }));
    const region = await screen.findByRole('region', { name: 'Revert "filesystem" to version 1?' });
    expect(region.textContent).toContain(hash('1'));
    expect(within(region).getByRole('list', { name: 'What the revert changes' }).textContent).toBe('tool read_file: changes back (description: Read a file.)');
    expect(host.calls.filter((c) => c.method === 'revert')).toEqual([]);

    await userEvent.click(within(region).getByRole('button', { name: 'Confirm revert' }));
    expect(host.calls.filter((c) => c.method === 'revert').map((c) => c.params)).toEqual([{ server: 'filesystem', to: 1, hash: hash('1') }]);
    expect((await screen.findByText(/^Reverted "filesystem" to version 1: approved again as version 3/)).textContent).toContain('held for review');
  });
});
