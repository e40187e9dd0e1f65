import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { HostApiService } from '../../src/host/host-api-service.js';
import type { Host } from '../../src/host/host.js';
import type { HostApiEvent } from '../../src/shared/host-api/index.js';

/** Nothing the HostApi hands a carrier (HTTP's JSON.stringify, Electron's structured clone) nests deep enough to overflow its stack. */

function deep(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
}

function serviceWith(detailArguments: unknown): { service: HostApiService; host: EventEmitter } {
  const host = Object.assign(new EventEmitter(), { calls: { detail: (id: string) => ({ id, available: true, arguments: detailArguments, result: null }) } });
  const service = new HostApiService({ host: host as unknown as Host, store: {} as never, home: '/nowhere', clientDirs: {} as never, env: {} });
  return { service, host };
}

describe('the HostApi service and deep values', () => {
  it('refuses to hand over an answer nested 10,000 levels deep, with a reason', async () => {
    const { service } = serviceWith(deep(10_000));
    await expect(service.invoke('callDetail', { id: 'c1' })).rejects.toThrow(/answer to callDetail nests deeper than 128 levels/);
  });

  it('hands over an answer as deep as the JSON bound', async () => {
    const { service } = serviceWith(deep(128));
    const answer = (await service.invoke('callDetail', { id: 'c1' })) as { arguments: unknown };
    expect(() => JSON.stringify(answer)).not.toThrow();
  });

  it('sends events without any deep field a Host event carried, so they always serialize', () => {
    const { service, host } = serviceWith(null);
    const sent: HostApiEvent[] = [];
    service.subscribe((e) => sent.push(e));
    host.emit('state.changed', { server: 'demo', from: 'AMBER', to: 'GREEN', generation: 2, extra: deep(10_000) });
    expect(sent).toEqual([{ type: 'state.changed', server: 'demo', from: 'AMBER', to: 'GREEN', generation: 2 }]);
    expect(() => JSON.stringify(sent)).not.toThrow();
  });
});
