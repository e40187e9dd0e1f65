import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditPage, AuditVerifyStep, ServerSummary } from '../../src/shared/host-api/index.js';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ReceiptsView } from '../../src/renderer/views/receipts/ReceiptsView.js';
import { fullBundle, makeSigner } from '../support/receipt-builder.js';
import { fakeHost, type FakeHost } from './fake-host-api.js';

/** jsdom's Blob has no text(); the view reads files with it as browsers do, so give jsdom one over its FileReader. */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error('unreadable blob'));
    reader.readAsText(blob);
  });
}
beforeAll(() => {
  if (typeof Blob.prototype.text !== 'function') Blob.prototype.text = function text(this: Blob) {
    return readBlob(this);
  };
});
afterEach(() => {
  vi.restoreAllMocks();
});

const servers: ServerSummary[] = [
  { name: 'filesystem', state: 'GREEN', generation: 1, held: 0, pendingCalls: 0 },
  { name: 'github', state: 'AMBER', generation: 2, held: 1, pendingCalls: 0 },
];

/** Events seq `total` down to 1, newest first, paged by beforeSeq as the Host does. */
function auditLog(total: number) {
  return ({ beforeSeq, limit = 50, server }: { beforeSeq?: number; limit?: number; server?: string }): AuditPage => {
    const top = Math.min(total, (beforeSeq ?? total + 1) - 1);
    const events = Array.from({ length: Math.max(0, Math.min(limit, top)) }, (_, i) => ({
      seq: top - i,
      ts: '2026-11-22T09:00:00.000Z',
      type: 'call.decided',
      server: server ?? 'filesystem',
      tool: 'read_file',
      decision: 'ALLOW' as const,
      rule: 'R5',
      findings: top - i === 7 ? ['tool.description-changed'] : [],
      hash: `sha256:${'c'.repeat(64)}`,
    }));
    return { events, total };
  };
}

function receiptsHost(overrides: Parameters<typeof fakeHost>[0] = {}): FakeHost {
  return fakeHost({ servers: () => servers, auditPage: auditLog(0), ...overrides });
}

function renderReceipts(host: FakeHost) {
  render(
    <HostApiProvider api={host.api}>
      <ReceiptsView />
    </HostApiProvider>,
  );
}

const section = (name: string) => screen.getByRole('region', { name });
const paramsOf = (host: FakeHost, method: string) => host.calls.filter((c) => c.method === method).map((c) => c.params);

describe('the audit log', () => {
  it('pages older and newer by the oldest seq shown', async () => {
    const host = receiptsHost({ auditPage: auditLog(120) });
    renderReceipts(host);
    const log = section('Audit log');
    expect(await within(log).findByText('Events 1–50 of 120, newest first')).toBeTruthy();
    expect((within(log).getAllByRole('row')[1] as HTMLTableRowElement).cells[0]?.textContent).toBe('120');

    await userEvent.click(within(log).getByRole('button', { name: 'Older' }));
    await within(log).findByText('Events 51–100 of 120, newest first');
    await userEvent.click(within(log).getByRole('button', { name: 'Older' }));
    await within(log).findByText('Events 101–120 of 120, newest first');
    expect(within(log).getByRole('button', { name: 'Older' })).toHaveProperty('disabled', true);
    expect(within(log).getByText('tool.description-changed')).toBeTruthy();

    await userEvent.click(within(log).getByRole('button', { name: 'Newer' }));
    await within(log).findByText('Events 51–100 of 120, newest first');
    expect(paramsOf(host, 'auditPage')).toEqual([{ limit: 50 }, { limit: 50, beforeSeq: 71 }, { limit: 50, beforeSeq: 21 }, { limit: 50, beforeSeq: 71 }]);
  });

  it('filters by server from the newest page', async () => {
    const host = receiptsHost({ auditPage: auditLog(120) });
    renderReceipts(host);
    const log = section('Audit log');
    await within(log).findByText('Events 1–50 of 120, newest first');
    await userEvent.click(within(log).getByRole('button', { name: 'Older' }));
    await within(log).findByText('Events 51–100 of 120, newest first');
    await userEvent.selectOptions(within(log).getByLabelText('Server'), 'github');
    await within(log).findByText('Events 1–50 of 120, newest first');
    expect(paramsOf(host, 'auditPage').at(-1)).toEqual({ limit: 50, server: 'github' });
  });

  it('says when the log has no events yet', async () => {
    renderReceipts(receiptsHost());
    expect(await within(section('Audit log')).findByText('No audit events yet.')).toBeTruthy();
  });
});

const head = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

describe('verifying the chain', () => {
  it('runs the chain check step by step to the end, passing back where each step stopped', async () => {
    const steps: AuditVerifyStep[] = [
      { ok: true, done: false, checked: 2000, total: 5000, head: head(1), brokenSeq: null, reason: null },
      { ok: true, done: false, checked: 4000, total: 5000, head: head(2), brokenSeq: null, reason: null },
      { ok: true, done: true, checked: 5000, total: 5000, head: head(3), brokenSeq: null, reason: null },
    ];
    const waiting: Array<() => void> = [];
    const host = receiptsHost({ auditVerifyStep: () => new Promise((resolve) => waiting.push(() => resolve(steps.shift() as AuditVerifyStep))) });
    renderReceipts(host);
    const verify = section('Verify the chain');
    await userEvent.click(within(verify).getByRole('button', { name: 'Verify chain' }));

    await vi.waitFor(() => expect(waiting).toHaveLength(1));
    await act(async () => waiting.shift()?.());
    const progress = within(verify).getByRole('progressbar', { name: 'Checked 2000 of 5000 events' });
    expect([progress.getAttribute('value'), progress.getAttribute('max')]).toEqual(['2000', '5000']);

    await vi.waitFor(() => expect(waiting).toHaveLength(1));
    await act(async () => waiting.shift()?.());
    expect(within(verify).getByText('Checked 4000 of 5000 events')).toBeTruthy();

    await vi.waitFor(() => expect(waiting).toHaveLength(1));
    await act(async () => waiting.shift()?.());
    expect((await within(verify).findByText(/^Chain intact/)).textContent).toBe(`Chain intact: 5000 events, head ${head(3)}`);
    expect(paramsOf(host, 'auditVerifyStep')).toEqual([
      { checked: 0, limit: 2000 },
      { checked: 2000, head: head(1), limit: 2000 },
      { checked: 4000, head: head(2), limit: 2000 },
    ]);
  });

  it('says where the chain breaks, as an alert', async () => {
    const host = receiptsHost({
      auditVerifyStep: () => ({ ok: false, done: true, checked: 1233, total: 5000, head: head(4), brokenSeq: 1234, reason: 'event 1234: its hash does not match its fields: the event was changed' }),
    });
    renderReceipts(host);
    const verify = section('Verify the chain');
    await userEvent.click(within(verify).getByRole('button', { name: 'Verify chain' }));
    expect((await within(verify).findByRole('alert')).textContent).toBe('Chain broken at event 1234: its hash does not match its fields: the event was changed');
  });
});

describe('exporting receipts', () => {
  it('offers the exported bundle as a JSON download named with the time', async () => {
    const { bundle } = fullBundle();
    const create = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:airlock/1');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const host = receiptsHost({ receiptsExport: () => bundle });
    renderReceipts(host);
    const exporter = section('Export receipts');
    await within(exporter).findByRole('option', { name: 'github' });
    await userEvent.selectOptions(within(exporter).getByLabelText('Server'), 'github');
    await userEvent.selectOptions(within(exporter).getByLabelText('Decision'), 'DENY');
    await userEvent.click(within(exporter).getByRole('button', { name: 'Export receipts' }));

    const link = await within(exporter).findByRole('link', { name: /^Download airlock-receipts-/ });
    expect(link.getAttribute('href')).toBe('blob:airlock/1');
    expect(link.getAttribute('download')).toMatch(/^airlock-receipts-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.json$/);
    expect(within(exporter).getByText(/12 receipts ready/)).toBeTruthy();
    expect(paramsOf(host, 'receiptsExport')).toEqual([{ server: 'github', decision: 'DENY' }]);
    const blob = create.mock.calls[0]?.[0] as Blob;
    expect(blob.type).toBe('application/json');
    expect(JSON.parse(await readBlob(blob))).toEqual(bundle);
  });

  it('frees the download’s memory when the view closes', async () => {
    const { bundle } = fullBundle();
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:airlock/2');
    const revoke = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const host = receiptsHost({ receiptsExport: () => bundle });
    const view = render(
      <HostApiProvider api={host.api}>
        <ReceiptsView />
      </HostApiProvider>,
    );
    await userEvent.click(within(section('Export receipts')).getByRole('button', { name: 'Export receipts' }));
    await within(section('Export receipts')).findByRole('link');
    view.unmount();
    expect(revoke).toHaveBeenCalledWith('blob:airlock/2');
  });
});

describe('checking a receipt file with no Host', () => {
  const upload = async (content: string, name = 'airlock-receipts.json') => {
    const check = section('Check a receipt file');
    await userEvent.upload(within(check).getByLabelText('Receipt file'), new File([content], name, { type: 'application/json' }));
    return check;
  };

  it('passes every receipt of a real bundle, checked in the window without asking the Host', async () => {
    const host = receiptsHost();
    renderReceipts(host);
    const check = await upload(JSON.stringify(fullBundle().bundle));
    expect(await within(check).findByText('Pass: airlock-receipts.json holds 12 receipts, and every check passed.')).toBeTruthy();
    expect(within(check).getAllByText('pass')).toHaveLength(12);
    expect(within(check).getByText(/No trusted key given/)).toBeTruthy();
    expect(within(check).queryByRole('alert')).toBeNull();
    // The Host is asked for this machine's key only (it has none here): the check itself runs in the window.
    expect(new Set(host.calls.map((c) => c.method).filter((m) => m !== 'servers' && m !== 'auditPage'))).toEqual(new Set(['logKey']));
  });

  it("fills in this machine's log key, so a file it exported is checked against it with no typing", async () => {
    const { bundle, original } = fullBundle();
    renderReceipts(receiptsHost({ logKey: () => ({ fingerprint: original.fingerprint }) }));
    const check = await upload(JSON.stringify(bundle));
    const field = within(check).getByLabelText('Trusted key fingerprint (optional)') as HTMLInputElement;
    await waitFor(() => expect(field.value).toBe(original.fingerprint));
    expect(within(check).getByText(/This machine's log key, filled in for you/)).toBeTruthy();
    expect(await within(check).findByText(/Signed by the key you trust/)).toBeTruthy();
  });

  it("fails a file from another machine against this machine's key, and checks it without a pin once the field is cleared", async () => {
    renderReceipts(receiptsHost({ logKey: () => ({ fingerprint: makeSigner().fingerprint }) }));
    const check = await upload(JSON.stringify(fullBundle().bundle));
    expect((await within(check).findByRole('alert')).textContent).toMatch(/^Fail/);
    await userEvent.clear(within(check).getByLabelText('Trusted key fingerprint (optional)'));
    expect(await within(check).findByText(/^Pass/)).toBeTruthy();
    expect(within(check).getByText(/checked without a trusted key/)).toBeTruthy();
  });

  it('says the file is signed by the key the user trusts', async () => {
    const { bundle, original } = fullBundle();
    renderReceipts(receiptsHost());
    const check = await upload(JSON.stringify(bundle));
    await userEvent.type(within(check).getByLabelText('Trusted key fingerprint (optional)'), original.fingerprint);
    expect(await within(check).findByText(/Signed by the key you trust/)).toBeTruthy();
  });

  it('fails a tampered receipt and names the checks that caught it', async () => {
    const { bundle } = fullBundle();
    const tampered = structuredClone(bundle);
    const event = tampered.receipts[2]?.event;
    if (event) event.decision = 'DENY';
    renderReceipts(receiptsHost());
    const check = await upload(JSON.stringify(tampered));
    expect((await within(check).findByRole('alert')).textContent).toMatch(/^Fail: airlock-receipts.json does not check out. 1 of 12 receipts failed/);
    const row = within(check).getAllByText('fail')[0]?.closest('tr') as HTMLTableRowElement;
    expect(row.cells[0]?.textContent).toBe('3');
    expect(within(row).getByText('event-hash')).toBeTruthy();
    expect(within(row).getByText('leaf-inclusion')).toBeTruthy();
  });

  it('fails a bundle signed by a key other than the trusted one', async () => {
    renderReceipts(receiptsHost());
    const check = await upload(JSON.stringify(fullBundle().bundle));
    await within(check).findByText(/^Pass/);
    await userEvent.type(within(check).getByLabelText('Trusted key fingerprint (optional)'), makeSigner().fingerprint);
    expect((await within(check).findByRole('alert')).textContent).toMatch(/^Fail/);
    expect(within(check).getAllByText('checkpoint-trust').length).toBeGreaterThan(0);
  });

  it('says plainly when a file is not JSON', async () => {
    renderReceipts(receiptsHost());
    const check = await upload('{ not json', 'notes.json');
    expect((await within(check).findByRole('alert')).textContent).toMatch(/^notes.json: This file is not JSON/);
  });

  it('says plainly when a JSON file is not a receipt file', async () => {
    renderReceipts(receiptsHost());
    const check = await upload(JSON.stringify({ mcpServers: {} }), 'claude_desktop_config.json');
    expect((await within(check).findByRole('alert')).textContent).toContain('not an Airlock receipt file');
  });
});
