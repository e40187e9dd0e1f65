import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { App, viewFromHash } from '../../src/renderer/App.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { fakeHost } from './fake-host-api.js';
import { HASH_B, reviewItem } from './fixtures/review-items.js';

afterEach(() => {
  window.location.hash = '';
});

describe('the window shell', () => {
  it('opens the view the address names, Live by default', () => {
    expect(viewFromHash('')).toBe('live');
    expect(viewFromHash('#/review')).toBe('review');
    expect(viewFromHash('#/receipts?x=1')).toBe('receipts');
    expect(viewFromHash('#/nonsense')).toBe('live');
  });

  it('counts the items waiting for review on the Review tab and moves between views', async () => {
    const host = fakeHost({ review: () => [] });
    render(
      <HostApiProvider api={host.api}>
        <App />
      </HostApiProvider>,
    );
    const tabs = screen.getByRole('tablist');
    expect(within(tabs).getAllByRole('tab').map((t) => t.textContent)).toEqual(['Live', 'Review', 'Servers', 'Clients', 'Receipts']);
    await userEvent.click(within(tabs).getByRole('tab', { name: 'Servers' }));
    expect(within(tabs).getByRole('tab', { name: 'Servers' }).getAttribute('aria-selected')).toBe('true');
    expect(window.location.hash).toBe('#/servers');
  });

  it('counts a server seen for the first time as one decision, however many tools it has', async () => {
    const fresh = ['a', 'b', 'c'].map((key) => reviewItem({ server: 'newcomer', key, firstSeen: true }));
    const host = fakeHost({ review: () => [...fresh, reviewItem({ key: 'read_file' })] });
    render(
      <HostApiProvider api={host.api}>
        <App />
      </HostApiProvider>,
    );
    expect((await screen.findByLabelText('2 waiting for review')).textContent).toBe('2');
  });

  it('says when the event stream to the Host is lost', () => {
    const host = fakeHost({ review: () => [] });
    render(
      <HostApiProvider api={host.api}>
        <App />
      </HostApiProvider>,
    );
    expect(screen.getByText('connected to the Airlock host')).toBeTruthy();
    act(() => host.setConnected(false));
    expect(screen.getByText('reconnecting to the Airlock host…')).toBeTruthy();
  });

  it('says how to open the window again when the Host stays away, and reloads what it shows once it is back', async () => {
    let items = [reviewItem({ key: 'read_file' })];
    const host = fakeHost({ review: () => items });
    render(
      <HostApiProvider api={host.api}>
        <App />
      </HostApiProvider>,
    );
    expect((await screen.findByLabelText('1 waiting for review')).textContent).toBe('1');
    act(() => host.setConnected(false, 'the Airlock host is not answering at this address. If it restarted, open the window again with: airlock open'));
    expect(screen.getByRole('status').textContent).toBe('the Airlock host is not answering at this address. If it restarted, open the window again with: airlock open');
    // The Host restarted meanwhile and an item was answered in the terminal: no event tells of it.
    items = [items[0]!, reviewItem({ key: 'write_file', hash: HASH_B })];
    act(() => host.setConnected(true));
    expect(screen.getByText('connected to the Airlock host')).toBeTruthy();
    expect((await screen.findByLabelText('2 waiting for review')).textContent).toBe('2');
  });

  it('updates the Review badge when an answer given in the terminal changes what waits, even with no state change', async () => {
    let items = [reviewItem({ key: 'read_file' }), reviewItem({ key: 'write_file', hash: HASH_B })];
    const host = fakeHost({ review: () => items });
    render(
      <HostApiProvider api={host.api}>
        <App />
      </HostApiProvider>,
    );
    expect((await screen.findByLabelText('2 waiting for review')).textContent).toBe('2');
    items = [items[1]!];
    act(() => host.emit({ type: 'trust.changed', server: 'filesystem', state: 'AMBER', generation: 2 }));
    expect((await screen.findByLabelText('1 waiting for review')).textContent).toBe('1');
  });
});
