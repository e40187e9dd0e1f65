import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkResponsePayload, DEFAULT_RESPONSE_POLICY, type ResponseFindingKind } from '../../src/engine/gate/response-checks.js';
// @ts-expect-error: a plain ESM script without types; its exports are checked by this test's use.
import { everythingAnswers, filesystemAnswers, tally } from '../../scripts/eval-responses.mjs';

interface Tally {
  answers: number;
  perKind: Partial<Record<ResponseFindingKind, number>>;
  acted: { record: number; redact: number; deny: number };
  listed: { call: string; kind: ResponseFindingKind; label: string; count: number }[];
}

/**
 * False positives of rule R6 on real outputs: the reference servers from npm reading this
 * repository and running their own tools. Every answer here is honest, so the default policy
 * must change none of them; the findings it records are listed and bounded, so a check that
 * grows louder fails here.
 */
describe('response checks on real outputs (reference servers)', () => {
  it('server-filesystem reading this repository and server-everything: nothing redacted or denied, recorded findings bounded', { timeout: 120_000 }, async () => {
    const answers = [...(await filesystemAnswers()), ...(await everythingAnswers())];
    const result = tally(answers, (p: unknown) => checkResponsePayload(p, ['fake-server-token-0123456789']).findings, (kind: ResponseFindingKind) => DEFAULT_RESPONSE_POLICY.actions[kind]) as Tally;
    console.log(JSON.stringify({ answers: result.answers, perKind: result.perKind, acted: result.acted, listed: result.listed }, null, 1));
    expect(result.answers).toBeGreaterThan(300);
    expect(result.acted.redact).toBe(0);
    expect(result.acted.deny).toBe(0);
    expect(result.perKind.credential ?? 0).toBe(0);
    expect(result.perKind.secret ?? 0).toBe(0);
    expect(result.perKind['too-large'] ?? 0).toBe(0);
    expect(result.perKind['invisible-chars'] ?? 0).toBe(0);
    // Recorded findings are true ones in content, never in ordinary code or prose: the demo's
    // poisoned tool descriptions ("do not tell the user…"), shipped on purpose to show a rug pull,
    // and the drift detectors' own sources, which quote the phrases they look for.
    const expected = (call: string): boolean => call.endsWith('/src/cli/demo/demo-surfaces.ts') || call.includes('/src/engine/drift/');
    expect(result.listed.filter((f) => f.kind !== 'instructions' || !expected(f.call))).toEqual([]);
    expect(result.listed.map((f) => path.basename(f.call))).toContain('demo-surfaces.ts');
  });
});
