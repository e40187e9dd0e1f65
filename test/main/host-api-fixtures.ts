import { HoldSchema, ReviewItemSchema, ServerSummarySchema, type Finding, type Hold, type ReviewItem, type ServerSummary } from '../../src/shared/host-api/index.js';

/**
 * HostApi values as the Host answers them: the shapes are src/shared/host-api's schemas, and
 * every builder parses its result through them, so a fixture cannot drift from the contract.
 */

export const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

export function server(name: string, state: ServerSummary['state'], counts: { held?: number; pendingCalls?: number } = {}): ServerSummary {
  return ServerSummarySchema.parse({ name, state, generation: 1, held: counts.held ?? 0, pendingCalls: counts.pendingCalls ?? 0 });
}

export function finding(severity: Finding['severity'], message: string, key = 'read_file'): Finding {
  return { code: 'tool.description-changed', severity, itemKind: 'tool', itemKey: key, path: '/description', before: 'a', after: 'b', message, cosmetic: false };
}

let holdCount = 0;
export function hold(serverName: string, key: string, kind: Hold['kind'] = 'tool', client: string | null = null): Hold {
  holdCount++;
  return HoldSchema.parse({ id: `hold-${holdCount}`, server: serverName, kind, key, sessionId: 's1', client, openedAt: '2026-01-01T00:00:00Z', expiresAt: '2026-01-01T00:02:00Z' });
}

export function reviewItem(fields: Partial<ReviewItem> & Pick<ReviewItem, 'server' | 'key'>): ReviewItem {
  return ReviewItemSchema.parse({
    state: 'AMBER',
    kind: 'tool',
    status: 'changed',
    hash: digest(1),
    surfaceHash: digest(99),
    findings: [],
    approved: null,
    live: null,
    quarantined: false,
    pendingCalls: [],
    ...fields,
  });
}
