import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { LiveView } from '../../src/renderer/views/live/LiveView.js';
import { itemIdFromHash } from '../../src/renderer/views/review/review-order.js';
import { itemId } from '../../src/shared/host-api/index.js';
import { callRow } from './call-rows.js';
import { fakeHost } from './fake-host-api.js';

beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function openCall(row: ReturnType<typeof callRow>): Promise<HTMLElement> {
  const host = fakeHost({ recentCalls: () => [row], callDetail: ({ id }) => ({ id, available: false, arguments: null, result: null }) });
  render(
    <HostApiProvider api={host.api}>
      <LiveView />
    </HostApiProvider>,
  );
  await userEvent.click(await screen.findByText(row.key));
  return screen.findByRole('region', { name: row.key });
}

/**
 * A held or quarantined call tells its client "Review it with: airlock review …". In the window
 * the user follows a link to the item instead of going to a terminal.
 */
describe('a call in the Live view links to its item in Review', () => {
  it('links a held call to its item, by server, kind and key', async () => {
    const pane = await openCall(callRow({ id: 'h1', server: 'files & co', key: 'read file?', decision: 'HOLD', rule: 'R3', method: 'tools/call' }));
    const link = within(pane).getByRole('link', { name: 'Open it in Review' });
    const href = link.getAttribute('href') ?? '';
    expect(href.startsWith('#/review?')).toBe(true);
    // The Review view reads the same item back from the link, names with spaces and "&" included.
    expect(itemIdFromHash(href)).toBe(itemId({ server: 'files & co', kind: 'tool', key: 'read file?' }));
  });

  it('links a prompt denied as quarantined to the prompt', async () => {
    const pane = await openCall(callRow({ id: 'd1', key: 'summarize', decision: 'DENY', rule: 'R3', method: 'prompts/get' }));
    expect(itemIdFromHash(within(pane).getByRole('link', { name: 'Open it in Review' }).getAttribute('href') ?? '')).toBe(itemId({ server: 'filesystem', kind: 'prompt', key: 'summarize' }));
  });

  it('offers no link for a call no answer of yours decides: allowed, or refused for its arguments', async () => {
    const allowed = await openCall(callRow({ id: 'a1', key: 'list_dir', decision: 'ALLOW', rule: 'R3', method: 'tools/call' }));
    expect(within(allowed).queryByRole('link')).toBeNull();
  });

  it('offers no link for a call refused by the argument check', async () => {
    const refused = await openCall(callRow({ id: 'r4', key: 'write_file', decision: 'DENY', rule: 'R4', method: 'tools/call' }));
    expect(within(refused).queryByRole('link')).toBeNull();
  });
});
