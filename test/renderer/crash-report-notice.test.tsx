import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CrashReportNotice } from '../../src/renderer/components/CrashReportNotice.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { crashReportText, type CrashReport } from '../../src/shared/host-api/index.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

const realUrl = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
afterEach(() => {
  vi.restoreAllMocks();
  URL.createObjectURL = realUrl.create;
  URL.revokeObjectURL = realUrl.revoke;
});

function crashReport(overrides: Partial<CrashReport> = {}): CrashReport {
  return {
    format: 'airlock-crash-report/1',
    id: '0123456789abcdef',
    fingerprint: `sha256:0123456789abcdef${'0'.repeat(48)}`,
    airlockVersion: '0.1.0',
    runtime: { platform: 'linux', arch: 'x64', node: '20.20.2' },
    component: 'host',
    rule: null,
    error: { class: 'SyntaxError', message: 'Unexpected token in JSON at position 5: <value>', stack: [{ function: 'readFrame', at: 'dist/proxy/line-framer.js:40:12' }] },
    count: 2,
    firstSeen: '2026-11-01T10:00:00.000Z',
    lastSeen: '2026-11-03T10:00:00.000Z',
    ...overrides,
  };
}

function renderNotice(host: FakeHost) {
  render(
    <HostApiProvider api={host.api}>
      <CrashReportNotice />
    </HostApiProvider>,
  );
}

describe('the crash report notice', () => {
  it('says how often Airlock crashed and since when, and shows the exact report it would share', async () => {
    const report = crashReport();
    renderNotice(fakeHost({ crashReports: () => [report, crashReport({ id: 'fedcba9876543210', count: 1, firstSeen: '2026-10-30T08:00:00.000Z', component: 'app-main' })] }));
    expect((await screen.findByRole('heading')).textContent).toBe('Airlock crashed 3 times since 2026-10-30');
    expect(screen.getByText(/Airlock never sends it/)).toBeTruthy();
    const row = screen.getByRole('listitem', { name: `crash report ${report.id}` });
    expect(row.textContent).toContain('SyntaxError in host, 2 times, last on 2026-11-03');
    await userEvent.click(within(row).getByRole('button', { name: 'Show report' }));
    expect(within(row).getByLabelText(`the exact report ${report.id}`).textContent).toBe(crashReportText(report));
  });

  it('does not call a failure the process lived through a crash', async () => {
    const failure = crashReport({ component: 'audit-worker', kind: 'failure', count: 1 });
    renderNotice(fakeHost({ crashReports: () => [failure] }));
    expect((await screen.findByRole('heading')).textContent).toBe('A part of Airlock failed 1 time since 2026-11-01 while Airlock kept running');
    expect(screen.getByRole('listitem', { name: `crash report ${failure.id}` }).textContent).toContain('SyntaxError in audit-worker (Airlock kept running), once');
  });

  it('counts crashes and failures apart when there are both', async () => {
    renderNotice(fakeHost({ crashReports: () => [crashReport(), crashReport({ id: 'fedcba9876543210', component: 'audit-worker', kind: 'failure', count: 1 })] }));
    expect((await screen.findByRole('heading')).textContent).toBe('Airlock crashed 2 times, and a part of it failed 1 time while it kept running, since 2026-11-01');
  });

  it('copies the exact text, and saves it as a JSON download', async () => {
    const report = crashReport();
    const writeText = vi.fn(async () => undefined);
    // userEvent installs its own clipboard on setup; this one replaces it for the click.
    const user = userEvent.setup();
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const created: Blob[] = [];
    // jsdom has no object URLs.
    URL.createObjectURL = (blob: Blob) => (created.push(blob), 'blob:crash');
    URL.revokeObjectURL = () => undefined;
    const clicked: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download });
    });
    renderNotice(fakeHost({ crashReports: () => [report] }));
    await user.click(await screen.findByRole('button', { name: 'Copy' }));
    expect(writeText).toHaveBeenCalledWith(crashReportText(report));
    expect(screen.getByRole('status').textContent).toContain('Copied. Nothing was sent.');
    await user.click(screen.getByRole('button', { name: 'Save…' }));
    expect(clicked).toEqual([{ href: 'blob:crash', download: `airlock-crash-${report.id}.json` }]);
    expect(created[0]?.type).toBe('application/json');
    expect(created[0]?.size).toBe(new TextEncoder().encode(crashReportText(report)).length);
  });

  it('deletes a report through the Host and disappears when none is left', async () => {
    let reports = [crashReport()];
    const host = fakeHost({
      crashReports: () => reports,
      deleteCrashReport: ({ id }) => {
        reports = reports.filter((r) => r.id !== id);
        return { deleted: true };
      },
    });
    renderNotice(host);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(host.calls.filter((c) => c.method === 'deleteCrashReport').map((c) => c.params)).toEqual([{ id: '0123456789abcdef' }]);
    await waitFor(() => expect(screen.queryByRole('heading')).toBeNull());
  });

  it('shows nothing without reports, or when the Host cannot list them', async () => {
    const host = fakeHost({ crashReports: () => [] });
    renderNotice(host);
    await waitFor(() => expect(host.calls.map((c) => c.method)).toContain('crashReports'));
    expect(screen.queryByRole('heading')).toBeNull();
    renderNotice(fakeHost({}));
    expect(screen.queryByRole('heading')).toBeNull();
  });
});
