import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendAuditEvent, MAX_DETAIL_BYTES, verifyAuditChain } from '../../src/engine/audit/index.js';
import { openStore } from '../../src/engine/store/index.js';
import { withCallFields } from '../../src/host/call-audit.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The call fields the Host adds to an event never make the append fail: a failed append makes the Host refuse every call. */

const temps: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of temps.splice(0)) cleanup();
});

function store() {
  const { dir, cleanup } = makeTempDir('airlock-call-fields-');
  temps.push(cleanup);
  return openStore(path.join(dir, 'home'));
}

describe('call fields in audit events', () => {
  it('appends a client name cut in the middle of a UTF-16 pair, which the canonical JSON would refuse as it is', () => {
    const s = store();
    const client = `${'x'.repeat(99)}😀`.slice(0, 100);
    const event = appendAuditEvent(s, { type: 'call.decided', server: 'files', decision: 'ALLOW', rule: 'R5', detail: withCallFields({ code: 'tool.approved' }, { callId: 'a1a1a1a1a1a1a1a1', client, sessionId: 's-1' }) });
    expect(event.detail?.client).toBe(`${'x'.repeat(99)}\uFFFD`);
    expect(verifyAuditChain(s).ok).toBe(true);
    s.close();
  });

  it('drops the reason rather than exceed the detail limit, and keeps the call id', () => {
    const s = store();
    const big = { driftRecord: 'd'.repeat(MAX_DETAIL_BYTES - 200) };
    const detail = withCallFields(big, { callId: 'b2b2b2b2b2b2b2b2', client: 'claude-code', reason: '\u0001'.repeat(400) });
    expect(detail).toMatchObject({ callId: 'b2b2b2b2b2b2b2b2', client: 'claude-code' });
    expect(detail).not.toHaveProperty('reason');
    expect(() => appendAuditEvent(s, { type: 'call.decided', server: 'files', decision: 'DENY', rule: 'R4', detail })).not.toThrow();
    s.close();
  });

  it('keeps a long reason, clipped, when it fits', () => {
    const detail = withCallFields({ code: 'arguments.invalid' }, { callId: 'c3c3c3c3c3c3c3c3', reason: 'r'.repeat(1_000) });
    expect(String(detail.reason)).toHaveLength(400);
    expect(String(detail.reason).endsWith('…')).toBe(true);
  });
});
