import type { HostApi, HostApiEvent, HostApiMethod, HostApiParams, HostApiResult } from '../../src/shared/host-api/index.js';
import { createHostApi, parseHostApiParams } from '../../src/shared/host-api/index.js';

type Handlers = { [M in HostApiMethod]?: (params: HostApiParams<M>) => HostApiResult<M> | Promise<HostApiResult<M>> };

/**
 * A HostApi for component tests: answers come from `handlers` (checked against the contract's
 * schemas, exactly as the real carriers' answers are), calls are recorded, and a test pushes
 * events with `emit`. A method without a handler fails the call, like a Host that refused it.
 */
export interface FakeHost {
  api: HostApi;
  calls: { method: HostApiMethod; params: unknown }[];
  emit(event: HostApiEvent): void;
  setConnected(connected: boolean, hint?: string): void;
  handlers: Handlers;
}

export function fakeHost(handlers: Handlers = {}): FakeHost {
  const listeners = new Set<{ onEvent: (e: unknown) => void; onConnection?: (c: boolean, hint?: string) => void }>();
  const fake: FakeHost = {
    handlers,
    calls: [],
    api: createHostApi({
      async invoke(method, params) {
        const name = method as HostApiMethod;
        fake.calls.push({ method: name, params });
        parseHostApiParams(name, params);
        const handler = fake.handlers[name] as ((p: unknown) => unknown) | undefined;
        if (handler === undefined) throw new Error(`the fake Host has no answer for ${method}`);
        return handler(params);
      },
      subscribe(onEvent, onConnection) {
        const entry = { onEvent, ...(onConnection ? { onConnection } : {}) };
        listeners.add(entry);
        onConnection?.(true);
        return () => listeners.delete(entry);
      },
    }),
    emit(event) {
      for (const l of listeners) l.onEvent(event);
    },
    setConnected(connected, hint) {
      for (const l of listeners) l.onConnection?.(connected, hint);
    },
  };
  return fake;
}
