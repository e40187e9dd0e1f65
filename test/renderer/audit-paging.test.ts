import { describe, expect, it } from 'vitest';
import type { AuditPage } from '../../src/shared/host-api/index.js';
import { auditPageParams, hasOlder, newerCursors, olderCursors, pageRange } from '../../src/renderer/views/receipts/audit-paging.js';

function page(fromSeq: number, count: number, total: number): AuditPage {
  const events = Array.from({ length: count }, (_, i) => ({
    seq: fromSeq - i,
    ts: '2026-11-22T09:00:00.000Z',
    type: 'call.decided',
    server: 'filesystem',
    tool: 'read_file',
    decision: 'ALLOW' as const,
    rule: 'R5',
    findings: [],
    hash: `sha256:${'a'.repeat(64)}`,
  }));
  return { events, total };
}

describe('audit log paging', () => {
  it('asks for the newest page first and for events before the oldest shown when going older', () => {
    expect(auditPageParams([], '')).toEqual({ limit: 50 });
    const older = olderCursors([], page(120, 50, 120));
    expect(auditPageParams(older, 'github')).toEqual({ limit: 50, beforeSeq: 71, server: 'github' });
    expect(auditPageParams(newerCursors(older), '')).toEqual({ limit: 50 });
  });

  it('offers older events only while the log holds more than the pages shown', () => {
    const first = page(120, 50, 120);
    expect(pageRange([], first)).toEqual({ first: 1, last: 50 });
    expect(hasOlder([], first)).toBe(true);
    const third = page(20, 20, 120);
    expect(pageRange([71, 21], third)).toEqual({ first: 101, last: 120 });
    expect(hasOlder([71, 21], third)).toBe(false);
  });
});
