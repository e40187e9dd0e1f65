import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ReviewItem } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ReviewView } from '../../src/renderer/views/review/ReviewView.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';
import { finding, HASH_A, HASH_B, hold, reviewItem } from './fixtures/review-items.js';

type Handlers = Parameters<typeof fakeHost>[0];

function renderReview(handlers: Handlers, guardMs?: number): FakeHost {
  const host = fakeHost(handlers);
  render(
    <HostApiProvider api={host.api}>
      <ReviewView {...(guardMs === undefined ? {} : { answerGuardMs: guardMs })} />
    </HostApiProvider>,
  );
  return host;
}

const sent = (host: FakeHost, method: string) => host.calls.filter((c) => c.method === method).map((c) => c.params);
const detail = () => screen.getByRole('article', { name: 'Focused item' });
const focusedKey = () => within(detail()).getByRole('heading', { level: 3 }).textContent;
const waitingHold = hold({ id: 'hold-1', client: 'Claude Desktop' });

describe('Review: allow once', () => {
  it('names the client that sent each waiting call', async () => {
    renderReview({ review: () => [reviewItem({ pendingCalls: [waitingHold, hold({ id: 'hold-2', client: null })] })] });
    const calls = await screen.findByText(/Claude Desktop/);
    expect(calls.closest('li')?.textContent).toMatch(/call from Claude Desktop \(session sess-1\)/);
    expect(screen.getByText('a client that gave no name')).toBeTruthy();
  });

  it('lets the waiting call through with o, by its hold id, and keeps the item focused and unapproved', async () => {
    let items = [reviewItem({ pendingCalls: [waitingHold] })];
    const host = renderReview({
      review: () => items,
      allowOnce: ({ holdId }) => {
        items = [reviewItem({ pendingCalls: [] })];
        return { allowed: { ...waitingHold, id: holdId } };
      },
    });
    await screen.findByRole('option');
    expect(screen.getByText(/allows a waiting call once/).textContent).toContain('o allows a waiting call once, y approves, n quarantines');
    await userEvent.keyboard('o');
    await waitFor(() => expect(sent(host, 'allowOnce')).toEqual([{ holdId: 'hold-1' }]));
    expect((await screen.findByText(/Allowed once: the call from Claude Desktop to tool "read_file" on "filesystem" went on\. It stays unapproved/)).getAttribute('role')).toBe('status');
    expect(sent(host, 'approve')).toEqual([]);
    expect(sent(host, 'quarantine')).toEqual([]);
    expect(focusedKey()).toContain('read_file');
    // Nothing waits any more: the button says so by being off.
    await waitFor(() => expect(screen.getByRole('button', { name: /Allow once/ }).hasAttribute('disabled')).toBe(true));
  });

  it('offers Allow once as a button with its key only while a call waits', async () => {
    const host = renderReview({ review: () => [reviewItem({ pendingCalls: [waitingHold] })], allowOnce: ({ holdId }) => ({ allowed: { ...waitingHold, id: holdId } }) });
    const button = await screen.findByRole('button', { name: 'Allow once' });
    expect(button.getAttribute('aria-keyshortcuts')).toBe('o');
    expect(screen.getByRole('button', { name: 'Approve' }).getAttribute('aria-keyshortcuts')).toBe('y');
    expect(screen.getByRole('button', { name: 'Quarantine' }).getAttribute('aria-keyshortcuts')).toBe('n');
    expect(screen.getByText(/Allow once \(o\) lets the waiting call through and nothing more/)).toBeTruthy();
    await userEvent.click(button);
    await waitFor(() => expect(sent(host, 'allowOnce')).toEqual([{ holdId: 'hold-1' }]));
  });

  it('does nothing on o when no call waits', async () => {
    const host = renderReview({ review: () => [reviewItem()], allowOnce: () => ({ allowed: waitingHold }) });
    await screen.findByRole('option');
    expect(screen.getByRole('button', { name: /Allow once/ }).hasAttribute('disabled')).toBe(true);
    await userEvent.keyboard('o');
    expect(sent(host, 'allowOnce')).toEqual([]);
  });

  it('shows the Host refusal when the call no longer waits', async () => {
    renderReview({
      review: () => [reviewItem({ pendingCalls: [waitingHold] })],
      allowOnce: () => {
        throw new Error('that held call (hold-1) is no longer waiting');
      },
    });
    await screen.findByRole('option');
    await userEvent.keyboard('o');
    expect((await screen.findByRole('alert')).textContent).toBe('that held call (hold-1) is no longer waiting');
  });
});

describe('Review: a keypress answers the focused item only', () => {
  const threeItems = (): ReviewItem[] => [
    reviewItem({ key: 'read_file', hash: HASH_A, findings: [finding({ severity: 'critical' })] }),
    reviewItem({ key: 'list_dir', hash: HASH_B, findings: [finding({ severity: 'high' })] }),
    reviewItem({ key: 'zz', findings: [] }),
  ];

  function answering(guardMs: number) {
    let items = threeItems();
    const host = renderReview(
      {
        review: () => items,
        approve: (p) => {
          items = items.filter((i) => i.key !== p.key);
          return { state: 'AMBER', generation: 1 };
        },
        quarantine: (p) => {
          items = items.filter((i) => i.key !== p.key);
          return { state: 'AMBER' };
        },
      },
      guardMs,
    );
    return host;
  }

  it('does not answer the next item when y is pressed twice', async () => {
    const host = answering(60_000);
    await screen.findAllByRole('option');
    await userEvent.keyboard('y');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    expect(focusedKey()).toContain('list_dir');
    await userEvent.keyboard('y');
    await userEvent.keyboard('n');
    expect(sent(host, 'approve')).toEqual([{ server: 'filesystem', kind: 'tool', key: 'read_file', hash: HASH_A }]);
    expect(sent(host, 'quarantine')).toEqual([]);
    expect(screen.getByText(/Not answered: tool "list_dir" on "filesystem" was just shown/)).toBeTruthy();
    expect(screen.getByRole('button', { name: /Approve/ }).hasAttribute('disabled')).toBe(true);
  });

  it('takes answers again once the user moves focus to the item', async () => {
    const host = answering(60_000);
    await screen.findAllByRole('option');
    await userEvent.keyboard('y');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    await userEvent.keyboard('j');
    await userEvent.keyboard('k');
    expect(focusedKey()).toContain('list_dir');
    await userEvent.keyboard('y');
    await waitFor(() => expect(sent(host, 'approve')).toHaveLength(2));
    expect(sent(host, 'approve')[1]).toEqual({ server: 'filesystem', kind: 'tool', key: 'list_dir', hash: HASH_B });
  });

  it('takes answers again once the item is clicked', async () => {
    const host = answering(60_000);
    await screen.findAllByRole('option');
    await userEvent.keyboard('n');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    await userEvent.click(screen.getAllByRole('option')[0]!);
    await userEvent.keyboard('n');
    await waitFor(() => expect(sent(host, 'quarantine')).toHaveLength(2));
  });

  it('takes answers again when the short guard has passed', async () => {
    const host = answering(20);
    await screen.findAllByRole('option');
    await userEvent.keyboard('y');
    await waitFor(() => expect(screen.getAllByRole('option')).toHaveLength(2));
    await waitFor(() => expect(screen.getByRole('button', { name: /Approve/ }).hasAttribute('disabled')).toBe(false));
    await act(async () => {
      await userEvent.keyboard('y');
    });
    await waitFor(() => expect(sent(host, 'approve')).toHaveLength(2));
  });
});
