import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ServerDetail, ServerProgram, ServerSummary } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ServersView } from '../../src/renderer/views/servers/ServersView.js';
import { fakeHost } from './fake-host-api.js';

/** The Servers view's Program row: the approved package version, whether the command pins it, and Pin. */

const summary: ServerSummary = { name: 'memory', state: 'GREEN', generation: 1, held: 0, pendingCalls: 0 };
const detail: ServerDetail = {
  summary,
  liveSurfaceHash: null,
  command: 'npx',
  commandLine: 'npx -y @vendor/server',
  envKeys: [],
  secretKeys: [],
  url: null,
  transport: 'stdio',
  signInState: 'not-needed',
  tools: [],
  quarantinedItems: [],
  generations: [],
};
const record = { kind: 'npm', package: '@vendor/server', version: '1.4.2', integrity: null };

describe('the program of a server in the Servers view', () => {
  it('shows the approved version, says it is not pinned, and pins it to that version with one button', async () => {
    let program: ServerProgram = { server: 'memory', approved: record, live: record, line: 'npm @vendor/server 1.4.2', pinned: 'unpinned', pinTo: '@vendor/server@1.4.2', cannotPin: null };
    const host = fakeHost({
      servers: () => [summary],
      serverDetail: () => detail,
      review: () => [],
      clientAccess: () => ({ server: 'memory', serverAllowed: null, tools: [], tokens: [], entries: [] }),
      serverProgram: () => program,
      pinServer: () => {
        program = { ...program, pinned: 'pinned', pinTo: null, cannotPin: 'already pinned' };
        return { server: 'memory', from: '@vendor/server', to: '@vendor/server@1.4.2', commandLine: 'npx -y @vendor/server@1.4.2' };
      },
    });
    render(
      <HostApiProvider api={host.api}>
        <ServersView />
      </HostApiProvider>,
    );
    await userEvent.click(await screen.findByRole('button', { name: /^memory/ }));
    const panel = await screen.findByRole('region', { name: /^memory/ });
    const row = (await within(panel).findByText('npm @vendor/server 1.4.2')).closest('dl');
    expect(row?.textContent).toContain('not pinned: the command may run another version next time');
    await userEvent.click(within(panel).getByRole('button', { name: 'Pin to @vendor/server@1.4.2' }));
    await within(panel).findByText('Pinned "memory": @vendor/server → @vendor/server@1.4.2. It runs exactly that version from its next start.');
    expect(host.calls.filter((c) => c.method === 'pinServer')).toEqual([{ method: 'pinServer', params: { server: 'memory' } }]);
    await within(panel).findByText('pinned: the command names this exact version');
    expect(within(panel).queryByRole('button', { name: /^Pin to/ })).toBeNull();
  });
});
