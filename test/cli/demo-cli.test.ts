import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('airlock demo', () => {
  it('tells the whole story with real processes and ends with a verified audit chain', () => {
    const r = runCli(['demo']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('!! unexpected');
    expect(r.stdout).toMatch(/read_note\("groceries"\) → ALLOW/);
    expect(r.stdout).toMatch(/Airlock re-lists at once: HOLD, worst severity medium; the server is AMBER/);
    expect(r.stdout).toMatch(/The model still reads the APPROVED text: "Reads the note with the given name and returns its text\."/);
    expect(r.stdout).toMatch(/→ DENY: tool "read_note" on "notes" was denied: it is quarantined/);
    expect(r.stdout).toMatch(/the server is GREEN, generation 2/);
    expect(r.stdout).toMatch(/GREEN → RED/);
    expect(r.stdout).toMatch(/critical text\.exfiltration/);
    expect(r.stdout).toMatch(/airlock audit verify: intact, \d+ events, head sha256:[0-9a-f]{64}/);
  });
});
