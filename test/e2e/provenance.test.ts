import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { auditEvents, DEMO_TOOLS, nextEvent, startAirlockHome } from './airlock-harness.js';
import { connectIn as connectWith, installVersion, makeProject, PACKAGE, wrapperText } from './provenance-fixture.js';

/**
 * Provenance (issue 17) with real processes: the program behind a server is pinned beside its
 * tools. A script that changes while its tools stay the same, and a package whose installed
 * version changes between two starts (two versions packed with `npm pack` and installed offline
 * into a project, run with `npx -y`), are both held until the user answers; pinning the
 * command to the approved version changes nothing at the next start; receipts carry it.
 */

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const connectIn = (airlock: Parameters<typeof connectWith>[0], name: string, cwd: string) => connectWith(airlock, name, cwd, cleanups);

describe('provenance: the program is part of what was approved', () => {
  it('holds every call of a server whose script changed while its tools stayed the same, until the new program is approved', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 20_000 });
    cleanups.push(() => airlock.close());
    const script = path.join(airlock.dir, 'server.mjs');
    writeFileSync(script, wrapperText());
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('scripted', { command: process.execPath, args: [script, '--tools', tools.file] }, { approve: true });
    const first = await connectIn(airlock, 'scripted', airlock.dir);
    expect(await first.callTool({ name: 'echo', arguments: { message: 'before' } })).toMatchObject({ content: [{ text: expect.stringContaining('before') }] });
    const approved = airlock.host.review('scripted');
    expect(approved).toEqual([]);
    await first.close();

    writeFileSync(script, wrapperText('// the program changed, its tools did not\n'));
    const second = await connectIn(airlock, 'scripted', airlock.dir);
    const [item] = airlock.host.review('scripted');
    expect(item).toMatchObject({ kind: 'provenance', key: 'provenance', status: 'changed' });
    expect(item?.findings[0]).toMatchObject({ code: 'provenance.changed', severity: 'high' });
    expect(item?.findings[0]?.message).toMatch(/^program: script changed: sha256:[0-9a-f]{12}… → sha256:[0-9a-f]{12}…/);
    // The tools the client sees are the approved ones; a call to one waits for the answer.
    expect((await second.listTools()).tools.map((t) => t.name).sort()).toEqual(DEMO_TOOLS.map((t) => (t as { name: string }).name).sort());
    const opened = nextEvent(airlock.host, 'hold.opened');
    const held = second.callTool({ name: 'echo', arguments: { message: 'after' } });
    expect(await opened).toMatchObject({ server: 'scripted', key: 'echo' });
    airlock.host.approve('scripted', { kind: 'provenance', key: 'provenance', hash: item?.hash ?? '' });
    expect(await held).toMatchObject({ content: [{ text: expect.stringContaining('after') }] });
    expect(airlock.host.review('scripted')).toEqual([]);

    const drift = auditEvents(airlock.home).find((e) => e.type === 'drift.detected' && e.findings.includes('provenance.changed'));
    expect(drift?.detail?.program).toMatch(/^file .*server\.mjs sha256:[0-9a-f]{12}…$/);
  });

  it('holds a package whose installed version changed between two starts; pinning then keeps the next start unchanged; receipts verify', async () => {
    const airlock = await startAirlockHome({ holdTimeoutMs: 20_000 });
    cleanups.push(() => airlock.close());
    const project = makeProject(airlock.dir);
    installVersion(airlock.dir, project, '1.0.0');
    const tools = airlock.toolsFile({ tools: DEMO_TOOLS });
    airlock.addServer('pkg', { command: 'npx', args: ['-y', PACKAGE, '--tools', tools.file] }, { approve: true });

    const first = await connectIn(airlock, 'pkg', project);
    await first.callTool({ name: 'echo', arguments: { message: 'v1' } });
    const listed = JSON.parse(runCli(['servers', 'list', '--json', '--home', airlock.home]).stdout) as Array<Record<string, unknown>>;
    expect(listed[0]).toMatchObject({ name: 'pkg', pinned: 'unpinned', provenance: { kind: 'npm', package: PACKAGE, version: '1.0.0', integrity: expect.stringMatching(/^sha512-/) } });
    await first.close();

    installVersion(airlock.dir, project, '1.1.0');
    const second = await connectIn(airlock, 'pkg', project);
    const [item] = airlock.host.review('pkg');
    expect(item?.findings[0]).toMatchObject({ code: 'provenance.changed', message: expect.stringContaining(`${PACKAGE} 1.0.0 → 1.1.0`) });
    const opened = nextEvent(airlock.host, 'hold.opened');
    const held = second.callTool({ name: 'echo', arguments: { message: 'v1.1' } });
    await opened;
    // Approving the whole server records the new program; the held call goes on.
    airlock.host.approve('pkg', { hash: item?.surfaceHash ?? '' });
    await held;
    await second.close();

    const pinned = runCli(['servers', 'pin', 'pkg', '--home', airlock.home]);
    expect(pinned.stderr).toBe('');
    expect(pinned.stdout).toContain(`${PACKAGE} → ${PACKAGE}@1.1.0`);
    const after = JSON.parse(runCli(['servers', 'list', '--json', '--home', airlock.home]).stdout) as Array<Record<string, unknown>>;
    expect(after[0]).toMatchObject({ args: ['-y', `${PACKAGE}@1.1.0`, '--tools', tools.file], pinned: 'pinned' });
    const generation = airlock.host.servers()[0]?.generation;
    const before = auditEvents(airlock.home).length;

    const third = await connectIn(airlock, 'pkg', project);
    expect(await third.callTool({ name: 'echo', arguments: { message: 'pinned' } })).toMatchObject({ content: [{ text: expect.stringContaining('pinned') }] });
    expect(airlock.host.review('pkg')).toEqual([]);
    expect(airlock.host.servers()[0]).toMatchObject({ state: 'GREEN', generation });
    const later = auditEvents(airlock.home).slice(before);
    expect(later.filter((e) => e.type === 'surface.observed' || e.type === 'drift.detected' || e.type === 'surface.approved')).toEqual([]);
    expect(auditEvents(airlock.home).filter((e) => e.type === 'surface.approved').map((e) => e.detail?.program)).toEqual([`npm ${PACKAGE} 1.0.0`, `npm ${PACKAGE} 1.1.0`]);
    expect(auditEvents(airlock.home).find((e) => e.type === 'server.pinned')?.detail).toMatchObject({ from: PACKAGE, to: `${PACKAGE}@1.1.0`, version: '1.1.0' });
    await third.close();
    await airlock.host.stop();

    const out = path.join(airlock.dir, 'receipts.json');
    const exported = runCli(['receipts', 'export', '--home', airlock.home, '--out', out, '--server', 'pkg']);
    expect(exported.status, exported.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as { receipts: Array<{ event: { type: string; findings: string[] }; drift_record: { approved: { provenance?: unknown }; live: { provenance?: unknown } } | null }> };
    const receipt = bundle.receipts.find((r) => r.event.type === 'drift.detected' && r.event.findings.includes('provenance.changed'));
    expect(receipt?.drift_record?.approved.provenance).toMatchObject({ kind: 'npm', version: '1.0.0' });
    expect(receipt?.drift_record?.live.provenance).toMatchObject({ kind: 'npm', version: '1.1.0' });
    const verified = runCli(['verify', out]);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
  });
});
