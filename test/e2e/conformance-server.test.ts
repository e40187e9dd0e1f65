import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { AIRLOCK_BIN } from '../support/run-cli.js';

/**
 * The MCP conformance suite in server mode, through `npm run conformance -- --server`'s own script:
 * the suite's scenarios against test/fixtures/conformance-reference-server.mjs directly, then
 * through Airlock's MCP endpoint (the reference as a stdio upstream and as a remote one), behind
 * the script's header-adding shim (the harness standing in for a client configured with a token).
 * A scenario that passes directly must pass through Airlock. The subset: the handshake, a tool
 * call, a tool that sends the client a request of its own (sampling), and DNS-rebinding refusal.
 * The first run installs the suite and Node 22 into .cache/conformance/; dist/ is already built
 * by the global setup, hence --no-build.
 */

const SCRIPT = fileURLToPath(new URL('../../scripts/conformance.mjs', import.meta.url));
const SCENARIOS = ['server-initialize', 'tools-call-simple-text', 'tools-call-sampling', 'dns-rebinding-protection'];
const AIRLOCK_COLUMNS = ['airlock-stdio', 'airlock-http'] as const;

interface Verdict {
  passed: boolean;
  checksPassed: number;
  checksJudged: number;
  notes: string[];
}
type Row = { scenario: string; direct: Verdict } & Partial<Record<(typeof AIRLOCK_COLUMNS)[number], Verdict>>;
interface ServerReport {
  columns: string[];
  airlockMissing?: string;
  results: Row[];
  regressions: Array<{ scenario: string; column: string; notes: string[] }>;
}

// The Airlock columns exist once this build's Host serves the MCP endpoint (`serve --mcp-port`).
const endpointServed = /--mcp-port/.test(spawnSync(process.execPath, [AIRLOCK_BIN, 'serve', '--help'], { encoding: 'utf8' }).stdout ?? '');

let report: ServerReport;
let runError = '';

beforeAll(async () => {
  const args = [SCRIPT, '--server', '--no-build', '--json', ...SCENARIOS.flatMap((name) => ['--scenario', name])];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('close', (exit) => resolve({ code: exit, stdout: out, stderr: err }));
  });
  runError = stderr;
  expect(code, stderr).toBe(0);
  report = (JSON.parse(stdout) as { server: ServerReport }).server;
}, 300_000);

describe('MCP conformance suite, server mode', () => {
  it('passes the subset directly against the reference server', () => {
    expect(report.results.map((row) => row.scenario)).toEqual(SCENARIOS);
    for (const row of report.results) {
      expect(row.direct, `${row.scenario}: ${row.direct.notes.join('; ')}`).toMatchObject({ passed: true, notes: [] });
      expect(row.direct.checksJudged).toBeGreaterThan(0);
    }
  });

  it.skipIf(!endpointServed)('passes the same scenarios through Airlock\'s MCP endpoint, stdio and HTTP upstreams alike, and refuses a rebound Host', () => {
    expect(report.airlockMissing, runError).toBeUndefined();
    expect(report.columns).toEqual(['direct', ...AIRLOCK_COLUMNS]);
    expect(report.regressions).toEqual([]);
    for (const row of report.results) {
      for (const column of AIRLOCK_COLUMNS) {
        expect(row[column], `${row.scenario} through ${column}: ${row[column]?.notes.join('; ')}`).toMatchObject({ passed: true, checksPassed: row.direct.checksPassed });
      }
    }
  });
});
