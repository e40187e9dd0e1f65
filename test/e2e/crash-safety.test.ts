import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 16: no call is forwarded before its record survives a crash of the Host. A real
 * `airlock serve`, a real upstream that writes down every call it receives, four sessions through
 * `airlock connect` with four calls in flight each; the Host is killed with SIGKILL at a random
 * moment five times (scripts/crash-soak.mjs, which also runs the 10,000-call soak). After the
 * next start, which replays the journal, every call the upstream received has its call.decided
 * record, none twice, and `airlock audit verify` passes.
 */

const SCRIPT = fileURLToPath(new URL('../../scripts/crash-soak.mjs', import.meta.url));

interface SoakFigures {
  kills: number;
  answered: number;
  received: number;
  records: number;
  missing: number;
  missingExamples: string[];
  duplicated: number;
  verified: boolean;
  verifyOutput: string;
}

describe('crash safety under kill -9', () => {
  it('keeps the record of every call the upstream received, across five kills of the Host, and the log verifies', () => {
    const run = spawnSync(process.execPath, [SCRIPT], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CALLS: '1500', KILLS: '5', SESSIONS: '4', IN_FLIGHT: '4', JSON: '1' },
      encoding: 'utf8',
      timeout: 90_000,
    });
    const json = run.stdout.split('\n').find((line) => line.startsWith('{'));
    expect(json, `${run.stdout}\n${run.stderr}`).toBeDefined();
    const figures = JSON.parse(json ?? '') as SoakFigures;
    expect(figures.kills).toBe(5);
    expect(figures.received).toBeGreaterThan(0);
    expect(figures.missingExamples).toEqual([]);
    expect(figures.missing).toBe(0);
    expect(figures.duplicated).toBe(0);
    expect(figures.verified, figures.verifyOutput).toBe(true);
  }, 120_000);
});
