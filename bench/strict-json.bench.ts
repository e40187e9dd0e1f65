import { bench, describe } from 'vitest';
import { parseStrictJson } from '../src/input/strict-json.js';

// What strict reading (depth bound, duplicate and __proto__ keys refused) costs over JSON.parse,
// on shapes real MCP traffic has: a small call, a tools/list result, and a large text result.
const call = JSON.stringify({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/tmp/notes.txt', content: 'x'.repeat(1000) } } });
const tool = (i: number) => ({
  name: `tool_${i}`,
  description: `Does thing ${i} to the repository. `.repeat(8),
  inputSchema: { type: 'object', properties: { path: { type: 'string', description: 'A path' }, depth: { type: 'integer', minimum: 0 }, items: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } } }, required: ['path'] },
  annotations: { readOnlyHint: true },
});
const list = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { tools: Array.from({ length: 50 }, (_, i) => tool(i)) } });
const big = JSON.stringify({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'line of file content\n'.repeat(50_000) }] } });

for (const [label, text] of [['1 KB tools/call', call], [`${Math.round(list.length / 1024)} KB tools/list result (50 tools)`, list], [`${Math.round(big.length / 1024)} KB text result`, big]] as const) {
  describe(`strict JSON on a ${label}`, () => {
    bench('JSON.parse', () => {
      JSON.parse(text);
    });
    bench('parseStrictJson (refuse what parsers could read two ways; forward the bytes)', () => {
      parseStrictJson(text);
    });
    bench('JSON.parse + JSON.stringify (the other way: forward what was read)', () => {
      JSON.stringify(JSON.parse(text));
    });
  });
}
