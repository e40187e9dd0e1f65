import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ReviewItem } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { groupFirstSeen } from '../../src/shared/host-api/index.js';
import { ReviewView } from '../../src/renderer/views/review/ReviewView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';
import { finding, HASH_A, HASH_B, hold, reviewItem, SURFACE } from './fixtures/review-items.js';

/**
 * A server Airlock has never approved: the Host marks its items firstSeen (no baseline), each
 * with the server-wide "first seen" finding, and its own findings where a rule matched.
 */
const FIRST_SEEN = finding({ code: 'surface.first-seen', severity: 'medium', itemKind: null, itemKey: null, path: '', message: 'first time Airlock sees this server' });

function newServer(): ReviewItem[] {
  const base = { server: 'weather', state: 'AMBER' as const, status: 'added' as const, approved: null, firstSeen: true, surfaceHash: SURFACE };
  return [
    reviewItem({ ...base, kind: 'tool', key: 'forecast', hash: HASH_A, findings: [FIRST_SEEN], live: { name: 'forecast', description: 'The forecast for a city.' } }),
    reviewItem({ ...base, kind: 'tool', key: 'upload', hash: HASH_B, findings: [finding({ severity: 'critical', itemKey: 'upload', message: 'the description asks to send data out' })], pendingCalls: [hold({ server: 'weather', key: 'upload', client: 'Claude Desktop' })] }),
    reviewItem({ ...base, kind: 'prompt', key: 'daily', hash: `sha256:${'d'.repeat(64)}`, findings: [FIRST_SEEN] }),
  ];
}

function renderReview(handlers: Parameters<typeof fakeHost>[0]): FakeHost {
  const host = fakeHost(handlers);
  render(
    <HostApiProvider api={host.api}>
      <ReviewView />
    </HostApiProvider>,
  );
  return host;
}

const sent = (host: FakeHost, method: string) => host.calls.filter((c) => c.method === method).map((c) => c.params);
const detail = () => screen.getByRole('article', { name: 'Focused item' });

describe('Review: a first-seen server is one decision', () => {
  it('groups its items into one entry rated by its worst finding, apart from items of approved servers', () => {
    const entries = groupFirstSeen([...newServer(), reviewItem({ key: 'read_file' })]);
    expect(entries).toHaveLength(2);
    const group = entries.find((e) => e.members !== undefined);
    expect(group?.members?.map((m) => `${m.kind} ${m.key}`)).toEqual(['tool forecast', 'tool upload', 'prompt daily']);
    expect(group?.findings.map((f) => f.severity)).toEqual(['critical', 'medium']);
    expect(group).toMatchObject({ server: 'weather', hash: null, surfaceHash: SURFACE });
    expect(group?.pendingCalls).toHaveLength(1);
  });

  it('shows one row for the server with what it offers and its worst finding', async () => {
    renderReview({ review: newServer });
    const rows = await screen.findAllByRole('option');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.textContent).toContain('weather / new server: 2 tools, 1 prompt');
    expect(rows[0]?.textContent).toContain('critical');
    expect(rows[0]?.textContent).toContain('1 call waiting');
    const offers = within(detail()).getByRole('list', { name: 'What it offers' });
    expect(within(offers).getAllByRole('listitem').map((li) => li.textContent?.split(' ').slice(0, 2).join(' '))).toEqual(['tool forecast', 'tool upload', 'prompt daily']);
    expect(detail().textContent).toContain(SURFACE);
  });

  it('approves the whole server with y by the surface hash shown', async () => {
    const host = renderReview({ review: newServer, approve: () => ({ state: 'GREEN', generation: 1 }) });
    await screen.findByRole('option');
    await userEvent.keyboard('y');
    await waitFor(() => expect(sent(host, 'approve')).toEqual([{ server: 'weather', hash: SURFACE }]));
  });

  it('approves one tool by its own hash from its row', async () => {
    const host = renderReview({ review: newServer, approve: () => ({ state: 'AMBER', generation: 1 }) });
    await userEvent.click(await screen.findByRole('button', { name: 'Approve tool forecast' }));
    await waitFor(() => expect(sent(host, 'approve')).toEqual([{ server: 'weather', kind: 'tool', key: 'forecast', hash: HASH_A }]));
  });

  it('quarantines the whole server with n', async () => {
    const host = renderReview({ review: newServer, quarantine: () => ({ state: 'RED' }) });
    await screen.findByRole('option');
    await userEvent.keyboard('n');
    await waitFor(() => expect(sent(host, 'quarantine')).toEqual([{ server: 'weather', reason: 'answered n in the Airlock window' }]));
  });

  it('lets the waiting call through once with o, naming who asked', async () => {
    const host = renderReview({ review: newServer, allowOnce: ({ holdId }) => ({ allowed: hold({ id: holdId, server: 'weather', key: 'upload', client: 'Claude Desktop' }) }) });
    await screen.findByRole('option');
    expect(detail().textContent).toContain('call from Claude Desktop');
    await userEvent.keyboard('o');
    await waitFor(() => expect(sent(host, 'allowOnce')).toEqual([{ holdId: 'h1' }]));
  });
});
