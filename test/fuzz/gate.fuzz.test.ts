import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECISIONS } from '../../src/engine/decision.js';
import { judgeClientMessage, type GateContext } from '../../src/engine/gate/gate.js';
import { MAX_JSON_DEPTH } from '../../src/input/strict-json.js';
import { byteDamage, damage, hostileClientMessage, tokenSpace } from './arbitraries.js';
import { isJudgedNotification, isUnapprovedCall, itemStatus } from './fake-surface.js';
import { checkProperty } from './fuzz-run.js';
import { factsOf, render, valueOf } from './json-tree.js';

const gateContext: fc.Arbitrary<GateContext> = fc.record({
  server: fc.constant('fixture'),
  state: fc.constantFrom('GREEN' as const, 'AMBER' as const, 'RED' as const),
  itemStatus: fc.constant(itemStatus),
  policy: fc.constantFrom('enforce' as const, 'monitor' as const),
  // A small bound too, so that "too large" is reached without megabytes per case.
  maxMessageBytes: fc.constantFrom(64 * 1024, 8 * 1024 * 1024),
  unavailable: fc.option(fc.constant('the audit log cannot be written'), { nil: undefined }),
});

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Buffer): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('the gate under fuzzing', () => {
  it('gives every hostile client message exactly one decision, never throwing, and never ALLOWs what it must not', () => {
    checkProperty(
      'gate: one decision, nothing unapproved allowed',
      fc.property(hostileClientMessage, gateContext, tokenSpace, byteDamage, fc.boolean(), (frame, ctx, space, hurt, asString) => {
        const text = render(frame.tree, { session: 'abc', space });
        const bytes = damage(text, hurt);
        const input = asString && hurt.kind === 'none' ? text : bytes;
        const judgement = judgeClientMessage(input, ctx);
        expect(DECISIONS).toContain(judgement.verdict.decision);
        if (judgement.verdict.decision !== 'ALLOW') return;

        // Allowed: the bytes were a message the gate could stand behind.
        const facts = factsOf(frame.tree);
        expect(isUtf8(bytes), 'invalid UTF-8 was allowed').toBe(true);
        expect(bytes.length, 'an oversized message was allowed').toBeLessThanOrEqual(ctx.maxMessageBytes);
        if (hurt.kind !== 'none') return; // damaged bytes that still parse mean something else than the tree
        expect(facts.duplicateKey, `a message with a duplicate key was allowed (${frame.label})`).toBe(false);
        expect(facts.prototypeKey, `a message with a "__proto__" key was allowed (${frame.label})`).toBe(false);
        expect(facts.depth, `a message ${facts.depth} deep was allowed (${frame.label})`).toBeLessThanOrEqual(MAX_JSON_DEPTH);
        if (ctx.policy !== 'enforce') return;
        for (const wins of ['first', 'last'] as const) {
          const value = valueOf(frame.tree, wins, { session: 'abc' });
          expect(isUnapprovedCall(value) && (value as { id?: unknown }).id !== undefined, `an unapproved call was allowed (${frame.label})`).toBe(false);
          expect(isJudgedNotification(value), `a ${(value as { method: string }).method} notification was allowed (${frame.label})`).toBe(false);
          if (ctx.state === 'RED' || ctx.unavailable !== undefined) expect(judgement.call, 'a call was allowed while the server is quarantined or Airlock unavailable').toBeNull();
        }
      }),
    );
  });

  it('never ALLOWs a tools/call to an item that is not approved, in enforce mode', () => {
    checkProperty(
      'gate: tools/call to unapproved never ALLOW',
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom('write_file', 'exfiltrate', 'old_tool', 'unknown_tool', '__proto__', 'toString', 'read_file\u0000'), gateContext, (padding, name, ctx) => {
        const message = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { padding } } });
        const judgement = judgeClientMessage(message, { ...ctx, policy: 'enforce' });
        expect(judgement.verdict.decision).not.toBe('ALLOW');
      }),
    );
  });
});
