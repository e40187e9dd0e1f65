import { describe, expect, it } from 'vitest';
import { createActionRunner } from '../../src/main/action-runner.js';
import { viewHash } from '../../src/main/tray-action.js';
import { digest } from './host-api-fixtures.js';

function setup(fail?: string) {
  const log: unknown[] = [];
  const run = createActionRunner({
    invoke: async (method, params) => {
      log.push({ invoke: method, params });
      if (fail) throw new Error(fail);
      return { state: 'GREEN', generation: 2 };
    },
    openWindow: (hash) => void log.push({ open: hash }),
    quit: () => void log.push('quit'),
    report: (message) => void log.push({ report: message }),
    toggleStartAtLogin: () => void log.push('toggle start at login'),
  });
  return { run, log };
}

describe('createActionRunner', () => {
  it('approves an item through the HostApi by the hash it carries', async () => {
    const t = setup();
    await t.run({ kind: 'approve', server: 'fs', itemKind: 'prompt', key: 'greet', hash: digest(1) });
    expect(t.log).toEqual([{ invoke: 'approve', params: { server: 'fs', kind: 'prompt', key: 'greet', hash: digest(1) } }]);
  });

  it('approves a whole server when no item is named', async () => {
    const t = setup();
    await t.run({ kind: 'approve', server: 'fs', hash: digest(9) });
    expect(t.log).toEqual([{ invoke: 'approve', params: { server: 'fs', hash: digest(9) } }]);
  });

  it('lets each held call through once, by its hold id', async () => {
    const t = setup();
    await t.run({ kind: 'allow-once', server: 'fs', key: 'read_file', holdIds: ['h1', 'h2'] });
    expect(t.log).toEqual([
      { invoke: 'allowOnce', params: { holdId: 'h1' } },
      { invoke: 'allowOnce', params: { holdId: 'h2' } },
    ]);
  });

  it('reports an allow once the Host refused (the call no longer waits), naming the tool', async () => {
    const t = setup('no held call h1 waits');
    await t.run({ kind: 'allow-once', server: 'fs', key: 'read_file', holdIds: ['h1'] });
    expect(t.log).toEqual([{ invoke: 'allowOnce', params: { holdId: 'h1' } }, { report: 'Airlock could not let through once the call to "read_file" on "fs": no held call h1 waits' }]);
  });

  it('signs in to a remote server through the HostApi (the Host opens the browser)', async () => {
    const t = setup();
    await t.run({ kind: 'sign-in', server: 'docs' });
    expect(t.log).toEqual([{ invoke: 'signIn', params: { server: 'docs' } }]);
  });

  it('reports a sign-in that failed, naming the server', async () => {
    const t = setup('the authorization server did not answer');
    await t.run({ kind: 'sign-in', server: 'docs' });
    expect(t.log.at(-1)).toEqual({ report: 'Airlock could not sign in to "docs": the authorization server did not answer' });
  });

  it('quarantines an item with a reason for the audit log', async () => {
    const t = setup();
    await t.run({ kind: 'quarantine', server: 'fs', itemKind: 'tool', key: 'read_file' });
    expect(t.log).toEqual([{ invoke: 'quarantine', params: { server: 'fs', kind: 'tool', key: 'read_file', reason: 'quarantined from the Airlock tray' } }]);
  });

  it('turns start at login on or off', async () => {
    const t = setup();
    await t.run({ kind: 'toggle-start-at-login' });
    expect(t.log).toEqual(['toggle start at login']);
  });

  it('opens the window at the view, or at one Review item', async () => {
    const t = setup();
    await t.run({ kind: 'open', view: 'clients' });
    await t.run({ kind: 'open', view: 'review', item: { server: 'file system', itemKind: 'tool', key: 'a&b' } });
    expect(t.log).toEqual([{ open: '#/clients' }, { open: '#/review?server=file+system&kind=tool&key=a%26b' }]);
    expect(viewHash({ kind: 'open', view: 'live' })).toBe('#/live');
  });

  it('quits', async () => {
    const t = setup();
    await t.run({ kind: 'quit' });
    expect(t.log).toEqual(['quit']);
  });

  it('reports a refused approval to the user instead of throwing', async () => {
    const t = setup('the item changed again since you reviewed it');
    await expect(t.run({ kind: 'approve', server: 'fs', itemKind: 'tool', key: 'read_file', hash: digest(1) })).resolves.toBeUndefined();
    expect(t.log.at(-1)).toEqual({ report: 'Airlock could not approve tool "read_file" on "fs": the item changed again since you reviewed it' });
  });
});
