import type { CallRow, ItemKind } from '../../../shared/host-api/index.js';

const ITEM_OF_METHOD: Record<string, ItemKind> = { 'tools/call': 'tool', 'prompts/get': 'prompt', 'resources/read': 'resource' };

/**
 * Where the window shows the item a held or refused call was about (`#/review?server=…&kind=…&key=…`):
 * the user follows a link instead of typing the "Review it with: airlock review …" the client was told.
 * Null for a call no answer of the user's decides (allowed by rule, or refused for its shape).
 */
export function reviewHref(call: Pick<CallRow, 'server' | 'method' | 'key' | 'decision' | 'rule'>): string | null {
  const kind = ITEM_OF_METHOD[call.method];
  if (kind === undefined || call.key === '') return null;
  if (call.decision !== 'HOLD' && !(call.decision === 'DENY' && call.rule === 'R3')) return null;
  return `#/review?${new URLSearchParams({ server: call.server, kind, key: call.key }).toString()}`;
}
