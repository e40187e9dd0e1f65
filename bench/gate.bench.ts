import { bench, describe } from 'vitest';
import { DEFAULT_MAX_MESSAGE_BYTES, judgeClientMessage, type GateContext } from '../src/engine/gate/gate.js';

// What the gate adds to a call, against the floor of parsing the same message once.
const ctx: GateContext = {
  server: 'filesystem',
  state: 'GREEN',
  policy: 'enforce',
  maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
  itemStatus: () => 'approved',
};
const call = JSON.stringify({ jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'write_file', arguments: { path: '/tmp/notes.txt', content: 'x'.repeat(1000) } } });
const bytes = Buffer.from(call);

describe('gate on a 1 KB tools/call', () => {
  bench('JSON.parse alone (floor)', () => {
    JSON.parse(bytes.toString('utf8'));
  });
  bench('judgeClientMessage R0–R5', () => {
    judgeClientMessage(bytes, ctx);
  });
});
