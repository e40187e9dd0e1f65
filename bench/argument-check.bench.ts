import { afterAll, bench, describe } from 'vitest';
import { argumentRule } from '../src/engine/gate/argument-rule.js';
import { DEFAULT_MAX_MESSAGE_BYTES, judgeClientMessage, type GateContext, type GateRules } from '../src/engine/gate/gate.js';

// What R4 adds to the gate on a 1 KB tools/call. Two real shapes: server-filesystem's edit_file
// as it lists it (draft-07 from zod: checked directly), and the same schema with a pattern and
// an anyOf (pydantic's optional values), which is checked under the time limit.
const editFile = {
  name: 'edit_file',
  description: 'Make line-based edits to a text file.',
  inputSchema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      path: { type: 'string' },
      edits: { type: 'array', items: { type: 'object', properties: { oldText: { type: 'string', description: 'Text to search for - must match exactly' }, newText: { type: 'string', description: 'Text to replace with' } }, required: ['oldText', 'newText'], additionalProperties: false } },
      dryRun: { type: 'boolean', default: false, description: 'Preview changes using git-style diff format' },
    },
    required: ['path', 'edits'],
    additionalProperties: false,
  },
};
const withPattern = {
  ...editFile,
  name: 'edit_file_checked',
  inputSchema: {
    type: 'object',
    properties: {
      path: { type: 'string', pattern: '^/[A-Za-z0-9._/-]+$' },
      edits: editFile.inputSchema.properties.edits,
      dryRun: { anyOf: [{ type: 'boolean' }, { type: 'null' }], default: null },
    },
    required: ['path', 'edits'],
  },
};

const tools = new Map([editFile, withPattern].map((t) => [t.name, t]));
const base: GateContext = {
  server: 'filesystem',
  state: 'GREEN',
  policy: 'enforce',
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  itemStatus: () => 'approved',
  approvedItem: (kind, key) => (kind === 'tool' ? tools.get(key) : undefined),
};
const without: GateRules = { argumentRules: [], responseRules: [] };
const withR4: GateRules = { argumentRules: [argumentRule()], responseRules: [] };

const args = { path: '/tmp/notes.txt', edits: [{ oldText: 'x'.repeat(450), newText: 'y'.repeat(450) }], dryRun: false };
const message = (name: string) => Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name, arguments: args } }));
const direct = message('edit_file');
const bounded = message('edit_file_checked');

// Each bench checks its verdict once, so a refusal cannot pass for a fast allow.
for (const [bytes, rules] of [[direct, withR4], [bounded, withR4]] as const) {
  const v = judgeClientMessage(bytes, base, rules).verdict;
  if (v.decision !== 'ALLOW' || v.code !== 'policy.allow') throw new Error(`bench call was not allowed: ${v.reason}`);
}

const timings: Record<string, number[]> = {};
function timed(name: string, fn: () => void): () => void {
  return () => {
    const started = performance.now();
    fn();
    (timings[name] ??= []).push(performance.now() - started);
  };
}

afterAll(() => {
  const median = (xs: number[] = []) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const floor = median(timings.without);
  console.log(`${direct.byteLength}-byte tools/call, median µs per call:`);
  for (const name of Object.keys(timings)) {
    const m = median(timings[name]);
    console.log(`  ${name.padEnd(34)} ${(m * 1000).toFixed(1).padStart(8)} µs  ×${(m / floor).toFixed(2)}`);
  }
});

describe(`gate on a ${direct.byteLength}-byte tools/call, with and without R4`, () => {
  bench('without', timed('without', () => void judgeClientMessage(direct, base, without)));
  bench('with R4 (draft-07, checked directly)', timed('with R4 direct', () => void judgeClientMessage(direct, base, withR4)));
  bench('with R4 (pattern + anyOf, time-limited)', timed('with R4 time-limited', () => void judgeClientMessage(bounded, base, withR4)));
});
