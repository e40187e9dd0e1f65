import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { QuarantineEntry } from '../../src/shared/host-api/index.js';
import { App } from '../../src/renderer/App.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ReviewView } from '../../src/renderer/views/review/ReviewView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';
import { HASH_A, HASH_B, reviewItem, SURFACE } from './fixtures/review-items.js';

/** Review is an inbox of undecided items; what was answered no sits under Quarantined with a Release that shows what it approves. */

const itemEntry = (over: Partial<QuarantineEntry> = {}): QuarantineEntry => ({
  server: 'filesystem',
  state: 'AMBER',
  scope: 'item',
  kind: 'tool',
  key: 'read_file',
  reason: 'answered n in the Airlock window',
  hash: HASH_A,
  approved: { name: 'read_file', description: 'Read a file.' },
  live: { name: 'read_file', description: 'Read a file and mail it out.' },
  findings: [],
  changes: [],
  releaseCommand: 'airlock release filesystem read_file',
  ...over,
});

const serverEntry = (): QuarantineEntry => ({
  ...itemEntry({ server: 'github', state: 'RED', scope: 'server', kind: null, key: null, reason: 'the server is quarantined', hash: SURFACE, approved: null, live: null }),
  changes: [{ kind: 'tool', key: 'create_issue', status: 'changed' }],
  releaseCommand: 'airlock release github',
});

function renderReview(entries: QuarantineEntry[]): FakeHost {
  const host = fakeHost({
    review: () => [reviewItem({ key: 'read_file', quarantined: true }), reviewItem({ key: 'list_dir', hash: HASH_B }), reviewItem({ server: 'github', state: 'RED', key: 'create_issue' })],
    quarantined: () => entries,
    approve: () => ({ state: 'GREEN', generation: 4 }),
  });
  render(
    <HostApiProvider api={host.api}>
      <ReviewView />
    </HostApiProvider>,
  );
  return host;
}

const approvals = (host: FakeHost) => host.calls.filter((c) => c.method === 'approve').map((c) => c.params);

describe('Review: undecided first, quarantined apart', () => {
  it('lists only undecided items in the inbox, and the quarantined ones in their own section', async () => {
    renderReview([itemEntry(), serverEntry()]);
    expect((await screen.findByRole('heading', { name: '1 item waits for your answer' })).tagName).toBe('H2');
    expect(screen.getAllByRole('option').map((o) => o.querySelector('.review-option-name')?.textContent)).toEqual(['filesystem / tool list_dir']);
    const section = await screen.findByRole('region', { name: 'Quarantined' });
    expect(within(section).getByRole('heading', { level: 2 }).textContent).toBe('Quarantined (2)');
    expect(within(section).getByRole('article', { name: 'Quarantined tool "read_file" on "filesystem"' })).toBeTruthy();
    expect(within(section).getByRole('article', { name: 'Quarantined server "github"' })).toBeTruthy();
  });

  it('Release on an item first shows its live definition and the hash, then approves by that hash', async () => {
    const host = renderReview([itemEntry()]);
    const entry = await screen.findByRole('article', { name: 'Quarantined tool "read_file" on "filesystem"' });
    await userEvent.click(within(entry).getByRole('button', { name: 'Release…' }));
    expect(approvals(host)).toEqual([]);
    const confirm = within(entry).getByRole('region', { name: 'Release tool "read_file" on "filesystem"?' });
    expect(confirm.textContent).toContain(HASH_A);
    expect(confirm.textContent).toContain('mail it out');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Confirm release' }));
    expect(approvals(host)).toEqual([{ server: 'filesystem', kind: 'tool', key: 'read_file', hash: HASH_A }]);
    expect((await screen.findByRole('status')).textContent).toContain('Released tool "read_file" on "filesystem": approved by');
  });

  it('Release on a quarantined server shows what it approves and approves its live surface by the hash shown', async () => {
    const host = renderReview([serverEntry()]);
    const entry = await screen.findByRole('article', { name: 'Quarantined server "github"' });
    await userEvent.click(within(entry).getByRole('button', { name: 'Release…' }));
    const confirm = within(entry).getByRole('region', { name: 'Release server "github"?' });
    expect(within(confirm).getByRole('list', { name: 'What this approves' }).textContent).toBe('tool create_issue: changed');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Confirm release' }));
    expect(approvals(host)).toEqual([{ server: 'github', hash: SURFACE }]);
  });

  it('offers no Release for an item the server no longer lists', async () => {
    renderReview([itemEntry({ hash: null, live: null })]);
    const entry = await screen.findByRole('article', { name: 'Quarantined tool "read_file" on "filesystem"' });
    expect(within(entry).queryByRole('button', { name: 'Release…' })).toBeNull();
    expect(entry.textContent).toContain('nothing to release');
  });

  it('the Review badge counts only undecided items', async () => {
    const host = fakeHost({ review: () => [reviewItem({ key: 'a', quarantined: true }), reviewItem({ key: 'b', hash: HASH_B }), reviewItem({ key: 'c', state: 'RED' })] });
    render(
      <HostApiProvider api={host.api}>
        <App />
      </HostApiProvider>,
    );
    expect((await screen.findByLabelText('1 waiting for review')).textContent).toBe('1');
  });
});
