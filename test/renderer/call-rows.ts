import type { CallRow } from '../../src/shared/host-api/index.js';

/** A call row as the Host sends it (shape: CallRowSchema in src/shared/host-api/host-api-values.ts). */
export function callRow(overrides: Partial<CallRow> & { id: string }): CallRow {
  return {
    server: 'filesystem',
    sessionId: 'session-1',
    client: 'claude-desktop',
    via: 'connect',
    method: 'tools/call',
    key: 'read_file',
    decision: 'ALLOW',
    rule: 'R5',
    reason: 'the tool is as you approved it',
    startedAt: '2026-11-22T09:00:00.000Z',
    finalDecision: null,
    answeredBy: null,
    allowedOnce: false,
    finalReason: null,
    latencyMs: 12,
    restored: false,
    ...overrides,
  };
}
