import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL, registerHostApiIpc, SUBSCRIBE_CHANNEL, UNSUBSCRIBE_CHANNEL, type IpcEventLike, type IpcMainLike, type RendererContentsLike } from '../../src/main/ipc-host-api.js';
import { trustedSender } from '../../src/main/trusted-sender.js';
import type { HostApiEvent } from '../../src/shared/host-api/index.js';
import { hold } from './host-api-fixtures.js';

const WINDOW_ID = 7;

/** ipcMain as Electron's: invoke handlers answer, send listeners do not. */
function fakeIpc() {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, Set<(event: IpcEventLike, ...args: unknown[]) => void>>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  return {
    ipc,
    invoke: async (event: IpcEventLike, ...args: unknown[]) => {
      const handler = handlers.get(INVOKE_CHANNEL);
      if (!handler) throw new Error('No handler registered for airlock:invoke');
      return handler(event, ...args);
    },
    send: (channel: string, event: IpcEventLike) => {
      for (const l of listeners.get(channel) ?? []) l(event);
    },
    registered: () => [...handlers.keys(), ...[...listeners].filter(([, set]) => set.size > 0).map(([c]) => c)],
  };
}

/** A webContents that records what it was sent and can be destroyed. */
function fakeContents(id: number) {
  let destroyed = false;
  const onDestroyed: (() => void)[] = [];
  const received: unknown[] = [];
  const contents: RendererContentsLike = {
    id,
    send: (channel, ...args) => void received.push({ channel, args }),
    isDestroyed: () => destroyed,
    once: (_event, listener) => onDestroyed.push(listener),
  };
  return {
    contents,
    received,
    destroy: () => {
      destroyed = true;
      for (const l of onDestroyed.splice(0)) l();
    },
  };
}

const mainFrame = (url = 'app://airlock/index.html') => ({ url, parent: null });
const eventFrom = (contents: RendererContentsLike, frame: { url: string; parent: unknown } | null = mainFrame()): IpcEventLike => ({ sender: contents, senderFrame: frame });

/** The HostApi service, recording what reached it. */
function fakeService() {
  const calls: { method: string; params: unknown }[] = [];
  const listeners = new Set<(e: HostApiEvent) => void>();
  return {
    calls,
    emit: (e: HostApiEvent) => listeners.forEach((l) => l(e)),
    listenerCount: () => listeners.size,
    service: {
      invoke: async (method: string, params: unknown) => {
        calls.push({ method, params });
        if (method === 'serverDetail') throw new Error('there is no server named "nope"');
        return [{ name: 'fs', state: 'GREEN', generation: 1, held: 0, pendingCalls: 0 }];
      },
      subscribe: (l: (e: HostApiEvent) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
  };
}

let dispose: (() => void) | undefined;
afterEach(() => dispose?.());

function setup() {
  const ipc = fakeIpc();
  const svc = fakeService();
  dispose = registerHostApiIpc(ipc.ipc, svc.service, trustedSender(() => WINDOW_ID));
  return { ...ipc, ...svc };
}

const holdEvent: HostApiEvent = { type: 'hold.opened', hold: hold('fs', 'read_file') };

describe('registerHostApiIpc: calls', () => {
  it('answers a good call from the window with the service\'s result', async () => {
    const t = setup();
    const window = fakeContents(WINDOW_ID);
    expect(await t.invoke(eventFrom(window.contents), { method: 'servers', params: {} })).toEqual({ ok: true, result: [{ name: 'fs', state: 'GREEN', generation: 1, held: 0, pendingCalls: 0 }] });
    expect(t.calls).toEqual([{ method: 'servers', params: {} }]);
  });

  it('answers a refusal by the service as { ok: false, error } with its message', async () => {
    const t = setup();
    expect(await t.invoke(eventFrom(fakeContents(WINDOW_ID).contents), { method: 'serverDetail', params: { server: 'nope' } })).toEqual({ ok: false, error: 'there is no server named "nope"' });
  });

  it.each([
    ['no envelope', undefined],
    ['a string', 'servers'],
    ['an unknown method', { method: 'shutdown', params: {} }],
    ['a method that is an object key', { method: 'constructor', params: {} }],
    ['an extra field', { method: 'servers', params: {}, sudo: true }],
    ['no method', { params: {} }],
  ])('refuses %s without reaching the service', async (_name, payload) => {
    const t = setup();
    const answer = await t.invoke(eventFrom(fakeContents(WINDOW_ID).contents), payload);
    expect(answer).toEqual({ ok: false, error: expect.stringMatching(/^refused: not a HostApi request/) });
    expect(t.calls).toEqual([]);
  });

  it.each([
    ['another webContents', eventFrom(fakeContents(WINDOW_ID + 1).contents)],
    ['a subframe of the window', eventFrom(fakeContents(WINDOW_ID).contents, { url: 'app://airlock/index.html', parent: mainFrame() })],
    ['a file:// page in the window', eventFrom(fakeContents(WINDOW_ID).contents, mainFrame('file:///tmp/index.html'))],
    ['an https:// page in the window', eventFrom(fakeContents(WINDOW_ID).contents, mainFrame('https://airlock/index.html'))],
    ['a frame that is gone', eventFrom(fakeContents(WINDOW_ID).contents, null)],
  ])('refuses a call from %s without reaching the service', async (_name, event) => {
    const t = setup();
    expect(await t.invoke(event, { method: 'servers', params: {} })).toEqual({ ok: false, error: 'refused: this message did not come from the Airlock window' });
    expect(t.calls).toEqual([]);
  });
});

describe('registerHostApiIpc: events', () => {
  it('forwards Host events only to windows that subscribed', () => {
    const t = setup();
    const subscribed = fakeContents(WINDOW_ID);
    const other = fakeContents(WINDOW_ID);
    t.send(SUBSCRIBE_CHANNEL, eventFrom(subscribed.contents));
    t.emit(holdEvent);
    expect(subscribed.received).toEqual([{ channel: EVENT_CHANNEL, args: [holdEvent] }]);
    expect(other.received).toEqual([]);
  });

  it('ignores a subscription from an untrusted sender', () => {
    const t = setup();
    const stranger = fakeContents(99);
    t.send(SUBSCRIBE_CHANNEL, eventFrom(stranger.contents));
    t.emit(holdEvent);
    expect(stranger.received).toEqual([]);
  });

  it('stops forwarding once the window is destroyed', () => {
    const t = setup();
    const window = fakeContents(WINDOW_ID);
    t.send(SUBSCRIBE_CHANNEL, eventFrom(window.contents));
    window.destroy();
    t.emit(holdEvent);
    expect(window.received).toEqual([]);
  });

  it('keeps forwarding until each of the window\'s subscriptions has unsubscribed', () => {
    const t = setup();
    const window = fakeContents(WINDOW_ID);
    t.send(SUBSCRIBE_CHANNEL, eventFrom(window.contents));
    t.send(SUBSCRIBE_CHANNEL, eventFrom(window.contents));
    t.send(UNSUBSCRIBE_CHANNEL, eventFrom(window.contents));
    t.emit(holdEvent);
    t.send(UNSUBSCRIBE_CHANNEL, eventFrom(window.contents));
    t.emit(holdEvent);
    expect(window.received).toHaveLength(1);
  });

  it('removes its handlers and its Host subscription when undone', () => {
    const t = setup();
    dispose?.();
    dispose = undefined;
    expect(t.registered()).toEqual([]);
    expect(t.listenerCount()).toBe(0);
  });
});
