import { describe, expect, it } from 'vitest';
import { ApprovalRefusedError, ServerController } from '../../../src/engine/controller/server-controller.js';
import { parseSurface, surfaceHash, surfaceItems, type Surface } from '../../../src/engine/surface.js';
import { surfaceDigest } from '../../../src/shared/receipt/receipt-hashes.js';

/** The engine's side of provenance (issue 17): the program record is an item of the surface, and a new program holds every call. */

const NOW = '2026-12-03T12:00:00.000Z';
const INTEGRITY_1 = 'sha512-AAAA';
const INTEGRITY_2 = 'sha512-BBBB';

function surface(provenance?: Record<string, unknown>): Surface {
  return parseSurface({
    tools: [
      { name: 'read_file', description: 'Read a file', inputSchema: { type: 'object' } },
      { name: 'list_dir', description: 'List a folder', inputSchema: { type: 'object' } },
    ],
    ...(provenance ? { provenance } : {}),
  });
}

const npm = (version: string, integrity: string, extra: Record<string, unknown> = {}) => ({ kind: 'npm', runner: 'npx', package: '@vendor/server', version, integrity, source: 'npx-cache', note: 'read from disk', ...extra });

function approved(s: Surface): ServerController {
  const c = new ServerController({ name: 'fs', state: 'AMBER', generation: 0, liveSurface: null, liveHash: null, updatedAt: NOW }, null);
  c.observe(s, NOW);
  c.approve(surfaceHash(s), 'user', NOW);
  return c;
}

describe('provenance in the surface', () => {
  it('is an item of its own, hashed the same way by the engine and by the offline verifier', async () => {
    const s = surface(npm('1.4.2', INTEGRITY_1));
    expect(surfaceItems(s).map((i) => i.kind)).toContain('provenance');
    expect(await surfaceDigest(JSON.parse(JSON.stringify(s)))).toBe(surfaceHash(s));
    expect(surfaceHash(s)).not.toBe(surfaceHash(surface(npm('1.5.0', INTEGRITY_2))));
  });

  it('holds every call of the server, with a finding naming both versions, when the package version changed', () => {
    const c = approved(surface(npm('1.4.2', INTEGRITY_1)));
    const outcome = c.observe(surface(npm('1.5.0', INTEGRITY_2)), NOW);
    expect(outcome.verdict.decision).toBe('HOLD');
    expect(c.state).toBe('AMBER');
    expect(c.itemStatus('tool', 'read_file')).toBe('held');
    expect(c.itemStatus('tool', 'list_dir')).toBe('held');
    const finding = outcome.report.findings[0];
    expect(finding).toMatchObject({ code: 'provenance.changed', severity: 'high', itemKind: 'provenance' });
    expect(finding?.message).toContain('@vendor/server 1.4.2 → 1.5.0');
    const drift = outcome.events.find((e) => e.type === 'drift.detected');
    expect((drift?.driftRecord?.live as { provenance?: unknown }).provenance).toMatchObject({ version: '1.5.0' });
    // Nothing of the program reaches the client.
    expect(c.servedSurface()).not.toHaveProperty('provenance');
  });

  it('lets the calls through again once the new program is approved, alone, by its item hash', () => {
    const c = approved(surface(npm('1.4.2', INTEGRITY_1)));
    const live = surface(npm('1.5.0', INTEGRITY_2));
    c.observe(live, NOW);
    const item = surfaceItems(live).find((i) => i.kind === 'provenance');
    c.approveItem('provenance', 'provenance', item?.hash ?? '', 'user', NOW);
    expect(c.state).toBe('GREEN');
    expect(c.itemStatus('tool', 'read_file')).toBe('approved');
    expect(c.snapshot.baseline?.surface.provenance).toMatchObject({ version: '1.5.0' });
  });

  it('records without a hold the same program found elsewhere (a pinned spec installs into another folder)', () => {
    const c = approved(surface(npm('1.4.2', INTEGRITY_1)));
    const outcome = c.observe(surface(npm('1.4.2', INTEGRITY_1, { source: 'project', note: 'read from the project' })), NOW);
    expect(outcome.verdict).toMatchObject({ decision: 'ALLOW', autoApproved: true });
    expect(outcome.report.findings.map((f) => f.code)).toEqual(['provenance.detail']);
    expect(c.itemStatus('tool', 'read_file')).toBe('approved');
  });

  it('records the first program of a baseline approved before provenance existed, without a hold, and says so', () => {
    const c = approved(surface());
    const outcome = c.observe(surface(npm('1.4.2', INTEGRITY_1)), NOW);
    expect(outcome.verdict).toMatchObject({ decision: 'ALLOW', autoApproved: true });
    const approvedEvent = outcome.events.find((e) => e.type === 'surface.approved');
    expect(approvedEvent).toMatchObject({ findings: ['provenance.recorded'], detail: { approvedBy: 'auto-cosmetic' } });
    expect(c.snapshot.baseline?.surface.provenance).toMatchObject({ version: '1.4.2' });
    expect(c.state).toBe('GREEN');
  });

  it('holds a script whose SHA-256 changed, saying so with both digests', () => {
    const file = (sha256: string) => ({ kind: 'file', path: '~/servers/server.mjs', sha256, interpreter: { path: '/usr/bin/node', sha256: `sha256:${'1'.repeat(64)}` } });
    const c = approved(surface(file(`sha256:${'a'.repeat(64)}`)));
    const outcome = c.observe(surface(file(`sha256:${'b'.repeat(64)}`)), NOW);
    expect(outcome.report.findings[0]?.message).toBe(`program: script changed: sha256:${'a'.repeat(12)}… → sha256:${'b'.repeat(12)}… (~/servers/server.mjs); every call to this server waits until you approve the new program`);
    expect(c.itemStatus('tool', 'list_dir')).toBe('held');
  });

  it('holds every call when a start could not say which program ran, after one was approved', () => {
    const c = approved(surface(npm('1.4.2', INTEGRITY_1)));
    const outcome = c.observe(surface(), NOW);
    expect(outcome.report.findings[0]).toMatchObject({ code: 'provenance.removed', severity: 'high' });
    expect(c.itemStatus('tool', 'read_file')).toBe('held');
  });

  it('quarantines the whole server when the program is quarantined (n on its Review item)', () => {
    const c = approved(surface(npm('1.4.2', INTEGRITY_1)));
    c.observe(surface(npm('1.5.0', INTEGRITY_2)), NOW);
    expect(c.quarantineItem('provenance', 'provenance', 'not this version', NOW).map((e) => e.type)).toEqual(['server.quarantined']);
    expect(c.state).toBe('RED');
    expect(() => c.approveItem('provenance', 'provenance', 'sha256:x', 'user', NOW)).toThrow(ApprovalRefusedError);
  });
});
