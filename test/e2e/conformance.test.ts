import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The MCP conformance suite in client mode, through `npm run conformance`'s own script: Airlock,
 * reached by the SDK's client over `airlock connect`, is the client the suite judges. The first
 * run installs the suite and Node 22 into .cache/conformance/ from npm (about 15 s here); dist/
 * is already built by the global setup, hence --no-build.
 */

const SCRIPT = fileURLToPath(new URL('../../scripts/conformance.mjs', import.meta.url));

interface ScenarioResult {
  scenario: string;
  passed: boolean;
  checksPassed: number;
  checksJudged: number;
  notes: string[];
}

describe('MCP conformance suite, client mode', () => {
  it('passes the initialize and tools_call scenarios against a remote server registered with servers add --url', { timeout: 150_000 }, () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--no-build', '--json', '--scenario', 'initialize', '--scenario', 'tools_call'], { encoding: 'utf8', timeout: 140_000 });
    expect(run.status, run.stderr).toBe(0);
    const results = (JSON.parse(run.stdout) as { client: ScenarioResult[] }).client;
    expect(results.map((r) => ({ scenario: r.scenario, passed: r.passed, notes: r.notes }))).toEqual([
      { scenario: 'initialize', passed: true, notes: [] },
      { scenario: 'tools_call', passed: true, notes: [] },
    ]);
    expect(results.every((r) => r.checksJudged > 0 && r.checksPassed === r.checksJudged)).toBe(true);
  });
});
