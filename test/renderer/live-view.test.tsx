import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { LiveView } from '../../src/renderer/views/live/LiveView.js';
import { callRow } from './call-rows.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

beforeEach(() => {
  // jsdom has no canvas; say so quietly instead of logging "not implemented" (the view then shows the text summary only).
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function renderLive(host: FakeHost) {
  render(
    <HostApiProvider api={host.api}>
      <LiveView />
    </HostApiProvider>,
  );
}

const callsTable = () => screen.getByRole('table', { name: /Recent calls/ });
const bodyRows = () => within(callsTable()).getAllByRole('row').slice(1) as HTMLTableRowElement[];

describe('the Live view', () => {
  it('lists the recent calls the Host remembers, newest first', async () => {
    const host = fakeHost({
      recentCalls: () => [
        callRow({ id: 'c2', key: 'write_file', server: 'filesystem', client: 'cursor', rule: 'R3', reason: 'the tool is quarantined', decision: 'DENY', startedAt: '2026-11-22T09:00:02.000Z', latencyMs: 3 }),
        callRow({ id: 'c1', key: 'search', server: 'github', client: null, startedAt: '2026-11-22T09:00:01.000Z', latencyMs: 41.6 }),
      ],
    });
    renderLive(host);
    await screen.findByRole('table', { name: /Recent calls/ });
    const [first, second] = bodyRows();
    expect(within(first as HTMLElement).getByText('write_file')).toBeTruthy();
    expect(first?.textContent).toContain('cursor');
    expect(first?.textContent).toContain('DENY');
    // The reason in words is the label; the rule id stays in the tooltip.
    expect(first?.textContent).toContain('the tool is quarantined');
    expect(first?.textContent).not.toContain('R3');
    expect(within(first as HTMLElement).getByTitle('R3: the tool is quarantined')).toBeTruthy();
    expect(second?.textContent).toContain('github');
    expect(second?.textContent).toContain('unknown');
    expect(second?.textContent).toContain('42 ms');
    expect(host.calls[0]).toEqual({ method: 'recentCalls', params: {} });
  });

  it('adds a call when it starts and replaces it with its finished row', async () => {
    const host = fakeHost({ recentCalls: () => [callRow({ id: 'old', key: 'list_dir', startedAt: '2026-11-22T09:00:00.000Z' })] });
    renderLive(host);
    await screen.findByRole('table', { name: /Recent calls/ });
    const started = callRow({ id: 'held', key: 'send_mail', decision: 'HOLD', startedAt: '2026-11-22T09:05:00.000Z', latencyMs: null });
    act(() => host.emit({ type: 'call.started', call: started }));
    expect(bodyRows()).toHaveLength(2);
    expect(bodyRows()[0]?.textContent).toContain('send_mail');
    expect(bodyRows()[0]?.textContent).toContain('HOLD waiting for you');
    expect(bodyRows()[0]?.textContent).toContain('running');

    act(() => host.emit({ type: 'call.finished', call: { ...started, finalDecision: 'DENY', latencyMs: 8000 } }));
    expect(bodyRows()).toHaveLength(2);
    expect(bodyRows()[0]?.textContent).toContain('HOLD → DENY');
    expect(bodyRows()[0]?.textContent).toContain('8 s');
  });

  it('shows calls that arrive while it first loads', async () => {
    let answer: (rows: never[]) => void = () => undefined;
    const host = fakeHost({ recentCalls: () => new Promise((resolve) => (answer = resolve)) });
    renderLive(host);
    act(() => host.emit({ type: 'call.started', call: callRow({ id: 'early', key: 'read_file' }) }));
    await act(async () => answer([]));
    expect(bodyRows()).toHaveLength(1);
  });

  it('filters the rows by server and by decision', async () => {
    const host = fakeHost({
      recentCalls: () => [
        callRow({ id: '1', server: 'filesystem', key: 'read_file', decision: 'ALLOW' }),
        callRow({ id: '2', server: 'github', key: 'search', decision: 'ALLOW' }),
        callRow({ id: '3', server: 'github', key: 'delete_repo', decision: 'DENY' }),
      ],
    });
    renderLive(host);
    await screen.findByRole('table', { name: /Recent calls/ });
    await userEvent.selectOptions(screen.getByLabelText('Server'), 'github');
    expect(bodyRows().map((r) => r.cells[3]?.textContent)).toEqual(['search', 'delete_repo']);
    await userEvent.selectOptions(screen.getByLabelText('Decision'), 'DENY');
    expect(bodyRows().map((r) => r.cells[3]?.textContent)).toEqual(['delete_repo']);
    expect(screen.getByText('1 of 3 calls')).toBeTruthy();
    await userEvent.selectOptions(screen.getByLabelText('Server'), 'filesystem');
    expect(screen.getByText('No calls match these filters.')).toBeTruthy();
  });

  it('opens a clicked call with its arguments and result as indented JSON', async () => {
    const host = fakeHost({
      recentCalls: () => [callRow({ id: 'c1', key: 'read_file' })],
      callDetail: ({ id }) => ({ id, available: true, arguments: { path: '/notes/a.txt' }, result: { content: [{ type: 'text', text: 'hello' }] } }),
    });
    renderLive(host);
    await userEvent.click(await screen.findByText('read_file'));
    const pane = await screen.findByRole('region', { name: 'read_file' });
    await within(pane).findByText(/"path": "\/notes\/a.txt"/);
    expect(within(pane).getByText(/"text": "hello"/).textContent).toContain('\n');
    expect(host.calls.filter((c) => c.method === 'callDetail')).toEqual([{ method: 'callDetail', params: { id: 'c1' } }]);
  });

  it('opens the focused row’s call with Enter', async () => {
    const host = fakeHost({
      recentCalls: () => [callRow({ id: 'c9', key: 'list_dir' })],
      callDetail: ({ id }) => ({ id, available: true, arguments: { path: '/' }, result: null }),
    });
    renderLive(host);
    await screen.findByRole('table', { name: /Recent calls/ });
    await userEvent.tab(); // Server filter
    await userEvent.tab(); // Decision filter
    await userEvent.tab();
    expect(document.activeElement).toBe(bodyRows()[0]);
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByRole('region', { name: 'list_dir' })).toBeTruthy();
    expect(host.calls).toContainEqual({ method: 'callDetail', params: { id: 'c9' } });
  });

  it('says when the Host no longer keeps a call’s contents', async () => {
    const host = fakeHost({
      recentCalls: () => [callRow({ id: 'c9', key: 'list_dir' })],
      callDetail: ({ id }) => ({ id, available: false, arguments: null, result: null }),
    });
    renderLive(host);
    await userEvent.click(await screen.findByText('list_dir'));
    expect(await screen.findByText(/not kept: Airlock keeps a call's contents in memory only, for recent calls since the Host last started/)).toBeTruthy();
    expect(screen.queryByText('Arguments')).toBeNull();
  });

  it('says how to get calls when there are none yet', async () => {
    renderLive(fakeHost({ recentCalls: () => [] }));
    expect(await screen.findByText('No calls yet. Calls appear here as your AI clients use their servers.')).toBeTruthy();
  });

  it('shows a failed load and loads again on retry', async () => {
    let fail = true;
    const host = fakeHost({
      recentCalls: () => {
        if (fail) throw new Error('the Host is starting');
        return [callRow({ id: 'c1' })];
      },
    });
    renderLive(host);
    expect((await screen.findByRole('alert')).textContent).toContain('the Host is starting');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('table', { name: /Recent calls/ });
    expect(host.calls.filter((c) => c.method === 'recentCalls')).toHaveLength(2);
  });

  it('states the calls-per-minute chart in words', async () => {
    const now = new Date().toISOString();
    renderLive(fakeHost({ recentCalls: () => [callRow({ id: '1', startedAt: now }), callRow({ id: '2', startedAt: now, decision: 'HOLD', finalDecision: 'ALLOW' })] }));
    const chart = await screen.findByRole('img', { name: /Calls per minute by decision/ });
    expect(chart.getAttribute('aria-label')).toContain('2 calls (1 ALLOW, 1 HOLD, 0 DENY, 0 DROPPED)');
    expect(screen.getByText('Last 30 minutes: 2 calls (1 ALLOW, 1 HOLD, 0 DENY, 0 DROPPED)')).toBeTruthy();
  });

  it('keeps a timed-out hold in the list, saying the timeout denied it and after how long', async () => {
    const reason = 'tool "send_mail" on "mail" was held for 120 s without an answer and was denied. Review it with: airlock review mail';
    const host = fakeHost({
      recentCalls: () => [callRow({ id: 't1', key: 'send_mail', server: 'mail', decision: 'HOLD', finalDecision: 'DENY', answeredBy: 'timeout', finalReason: reason, latencyMs: 120_004 })],
    });
    renderLive(host);
    await screen.findByRole('table', { name: /Recent calls/ });
    const [row] = bodyRows();
    expect(row?.textContent).toContain('HOLD → DENY');
    expect(row?.textContent).toContain('timed out after 2 min, denied');
    expect(within(row as HTMLElement).getByTitle(reason)).toBeTruthy();
  });

  it('says when a person, not the timeout, answered a hold', async () => {
    const host = fakeHost({
      recentCalls: () => [
        callRow({ id: 'p1', key: 'send_mail', decision: 'HOLD', finalDecision: 'DENY', answeredBy: 'you', finalReason: 'quarantined', latencyMs: 45_700, startedAt: '2026-11-22T09:00:02.000Z' }),
        callRow({ id: 'p2', key: 'read_file', decision: 'HOLD', finalDecision: 'ALLOW', answeredBy: 'you', finalReason: 'approved', latencyMs: 320, startedAt: '2026-11-22T09:00:01.000Z' }),
      ],
    });
    renderLive(host);
    await screen.findByRole('table', { name: /Recent calls/ });
    const [denied, allowed] = bodyRows();
    expect(denied?.textContent).toContain('denied by you');
    expect(denied?.textContent).not.toContain('timed out');
    expect(denied?.textContent).toContain('45.7 s');
    expect(allowed?.textContent).toContain('allowed by you');
    expect(allowed?.textContent).toContain('320 ms');
  });

  it('shows a denied call\'s latency and names a dropped message in the user\'s words', async () => {
    const host = fakeHost({
      recentCalls: () => [
        callRow({ id: 'd1', decision: 'DENY', latencyMs: 0.4, startedAt: '2026-11-22T09:00:02.000Z' }),
        callRow({ id: 's1', decision: 'SILENCE', latencyMs: null, startedAt: '2026-11-22T09:00:01.000Z' }),
      ],
    });
    renderLive(host);
    await screen.findByRole('table', { name: /Recent calls/ });
    const [denied, dropped] = bodyRows();
    expect(denied?.textContent).toContain('0 ms');
    expect(denied?.textContent).not.toContain('running');
    expect(dropped?.textContent).toContain('DROPPED');
    expect(dropped?.textContent).not.toContain('SILENCE');
    expect(dropped?.textContent).not.toContain('running');
  });
});
