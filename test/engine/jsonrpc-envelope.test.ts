import { describe, expect, it } from 'vitest';
import { classifyJsonRpc, JsonRpcErrorSchema, JsonRpcNotificationSchema, JsonRpcRequestSchema, JsonRpcResultSchema } from '../../src/engine/gate/jsonrpc.js';
import { detectionForm } from '../../src/engine/drift/unicode-text.js';

/** What the schemas alone say of a value that already has "jsonrpc": "2.0" (the envelope checks before the hand-written fast path). */
function bySchemas(value: Record<string, unknown>): string {
  if ('method' in value) return ('id' in value ? JsonRpcRequestSchema : JsonRpcNotificationSchema).safeParse(value).success ? ('id' in value ? 'request' : 'notification') : 'invalid';
  if ('result' in value) return JsonRpcResultSchema.safeParse(value).success ? 'result' : 'invalid';
  return JsonRpcErrorSchema.safeParse(value).success ? 'error' : 'invalid';
}

const ENVELOPES: Record<string, unknown>[] = [
  { id: 1, method: 'tools/call', params: { name: 'x' } },
  { id: 'a', method: 'ping' },
  { id: -0, method: 'ping' },
  { id: 1.5, method: 'ping' },
  { id: 2 ** 53, method: 'ping' },
  { id: null, method: 'ping' },
  { id: true, method: 'ping' },
  { id: 1, method: '' },
  { id: 1, method: 7 },
  { id: 1, method: 'x', params: [] },
  { id: 1, method: 'x', params: null },
  { id: 1, method: 'x', params: 'p' },
  { method: 'notifications/initialized' },
  { method: 'n', params: {} },
  { method: 'n', params: [1] },
  { method: '' },
  { id: 1, result: {} },
  { id: 'x', result: null },
  { id: null, result: {} },
  { id: 1.5, result: {} },
  { id: 1, error: { code: -32001, message: 'no' } },
  { id: null, error: { code: 1, message: 'm', data: { a: 1 } } },
  { id: 1, error: { code: 1.5, message: 'm' } },
  { id: 1, error: { code: 1 } },
  { id: 1, error: [] },
  { id: 1, error: null },
  { id: {}, error: { code: 1, message: 'm' } },
];

describe('JSON-RPC envelopes: the hand-written checks', () => {
  it('classify every envelope as the zod schemas do, and hand on the same fields', () => {
    for (const fields of ENVELOPES) {
      // Through JSON, as the gate gets every value.
      const value = JSON.parse(JSON.stringify({ jsonrpc: '2.0', ...fields })) as Record<string, unknown>;
      const got = classifyJsonRpc(value);
      expect(got.kind, JSON.stringify(fields)).toBe(bySchemas(value));
      if (got.kind !== 'invalid') expect(got.message).toEqual(value);
    }
  });
});

describe('detection form of plain ASCII', () => {
  it('is what the general folding gives', () => {
    const alphabet = 'aZ 09\t\n\r"\'`~-_.:;!?/\\<>{}[]()';
    for (let i = 0; i < 500; i += 1) {
      let text = '';
      for (let n = (i * 7) % 40; n > 0; n -= 1) text += alphabet[(i * 31 + n * 17) % alphabet.length];
      // A trailing "é" sends the text down the general path; it folds to itself.
      expect(detectionForm(text)).toBe(detectionForm(`${text}\u00e9`).slice(0, -1));
    }
  });
});
