import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Issue 16, under load: scripts/load-soak.mjs --quick drives five MCP clients at once (four
 * through `airlock connect`, one over the Host's HTTP endpoint with a token) to a real
 * `airlock serve` and server-everything, 50 sequential echo calls each after a warm-up. Every
 * call must come back with its own message, have exactly one call.decided ALLOW record in the
 * audit log, and the log must verify. The same script runs 50 clients × 1,000 calls
 * (`npm run soak:load`); memory is reported there, not asserted (tests assert no timing or size).
 */

const SCRIPT = fileURLToPath(new URL('../../scripts/load-soak.mjs', import.meta.url));

interface LoadFigures {
  clients: number;
  http: number;
  calls: { expected: number; sent: number; answered: number; mismatched: number; errors: number; lost: number; examples: string[]; clientFailures: string[] };
  audit: { expected: number; allowRecords: number; finished: number; missing: number; duplicated: number; decisions: Record<string, number>; via: Record<string, number> };
  verified: boolean;
  verifyOutput: string;
  sessionsLeft: number;
}

describe('the load soak, quick', () => {
  it('answers every call of five concurrent clients (stdio and HTTP) with its own message, records each decision once, and the log verifies', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--quick', '--json', '--settle', '5'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      encoding: 'utf8',
      timeout: 150_000,
    });
    const json = run.stdout.split('\n').find((line) => line.startsWith('{'));
    expect(json, `${run.stdout}\n${run.stderr}`).toBeDefined();
    const figures = JSON.parse(json ?? '') as LoadFigures;
    expect(figures.calls.examples).toEqual([]);
    expect(figures.calls.clientFailures).toEqual([]);
    expect(figures.calls).toMatchObject({ expected: 250, sent: 250, answered: 250, mismatched: 0, errors: 0, lost: 0 });
    // 250 calls plus the warm-up's 40 (one client of each kind, 20 calls each).
    expect(figures.audit).toMatchObject({ expected: 290, allowRecords: 290, finished: 290, missing: 0, duplicated: 0, decisions: { ALLOW: 290 } });
    expect(figures.audit.via).toEqual({ connect: 4 * 50 + 20, token: 50 + 20 });
    expect(figures.verified, figures.verifyOutput).toBe(true);
    expect(figures.sessionsLeft).toBe(0);
    expect(run.status, run.stderr).toBe(0);
  }, 180_000);
});
