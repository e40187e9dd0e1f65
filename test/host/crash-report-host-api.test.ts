import { EventEmitter } from 'node:events';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCrashReport, listCrashReports, recordCrash } from '../../src/host/crash-report/index.js';
import { HostApiService } from '../../src/host/host-api-service.js';
import type { Host } from '../../src/host/host.js';
import { makeTempDir } from '../support/temp-dir.js';

/** The window's view of crash reports: the HostApi lists them whole and deletes one by id. */

let tmp: ReturnType<typeof makeTempDir>;
let home: string;
beforeEach(() => {
  tmp = makeTempDir('airlock-crash-api-');
  home = path.join(tmp.dir, 'home');
});
afterEach(() => tmp.cleanup());

function service(): HostApiService {
  return new HostApiService({ host: new EventEmitter() as unknown as Host, store: {} as never, home, clientDirs: {} as never, env: {} });
}

describe('the crash reports over the HostApi', () => {
  it('lists each report exactly as kept, and deletes one by its id', async () => {
    const kept = recordCrash(home, buildCrashReport(new Error('boom'), { component: 'host' }));
    const api = service();
    expect(await api.invoke('crashReports', {})).toEqual([kept]);
    expect(await api.invoke('deleteCrashReport', { id: kept.id })).toEqual({ deleted: true });
    expect(await api.invoke('deleteCrashReport', { id: kept.id })).toEqual({ deleted: false });
    expect(listCrashReports(home)).toEqual([]);
  });

  it('refuses an id that is not one, so no path can be named', async () => {
    await expect(service().invoke('deleteCrashReport', { id: '../signing-key' })).rejects.toThrow(/invalid parameters for deleteCrashReport/);
  });
});
