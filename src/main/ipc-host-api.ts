import { HostApiRequestSchema, type HostApiEvent, type HostApiResponse } from '../shared/host-api/index.js';
import { HOST_API_IPC } from '../shared/host-api/ipc-channels.js';
import type { SenderEventLike } from './trusted-sender.js';

// The preload uses the same names; they belong in src/shared once the preload is written.
export const INVOKE_CHANNEL = HOST_API_IPC.invoke;
export const SUBSCRIBE_CHANNEL = HOST_API_IPC.subscribe;
export const UNSUBSCRIBE_CHANNEL = HOST_API_IPC.unsubscribe;
export const EVENT_CHANNEL = HOST_API_IPC.event;

/** The renderer's webContents, as far as event forwarding needs it. */
export interface RendererContentsLike {
  readonly id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export interface IpcEventLike extends SenderEventLike {
  readonly sender: RendererContentsLike;
}

/** The part of Electron's ipcMain used here: invoke for calls, send for (un)subscribing. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

/** The Host's side of the HostApi (HostApiService): it checks parameters and answers. */
export interface HostApiHandler {
  invoke(method: string, params: unknown): Promise<unknown>;
  subscribe(listener: (event: HostApiEvent) => void): () => void;
}

const refused = (error: string): HostApiResponse => ({ ok: false, error });
const NOT_OURS = 'refused: this message did not come from the Airlock window';

/**
 * Serves the HostApi to the window over IPC. Every handler checks the sender first, so a frame
 * that is not our window's main frame on app://airlock is refused and the Host never sees its
 * payload; the envelope is checked here and the parameters by the service. Events go only to
 * windows that subscribed, until they unsubscribe or are destroyed. Returns the undo.
 */
export function registerHostApiIpc(ipc: IpcMainLike, service: HostApiHandler, isTrustedSender: (event: IpcEventLike) => boolean): () => void {
  // Per window: how many of its listeners subscribed (the preload sends one subscribe per listener).
  const subscribers = new Map<number, { contents: RendererContentsLike; count: number }>();
  const watched = new Set<number>();

  ipc.handle(INVOKE_CHANNEL, async (event, request): Promise<HostApiResponse> => {
    if (!isTrustedSender(event)) return refused(NOT_OURS);
    const envelope = HostApiRequestSchema.safeParse(request);
    if (!envelope.success) return refused('refused: not a HostApi request ({ method, params } with a known method)');
    try {
      return { ok: true, result: await service.invoke(envelope.data.method, envelope.data.params) };
    } catch (error) {
      return refused((error as Error).message);
    }
  });

  // Fire-and-forget messages: an untrusted one is dropped, there is no one to answer.
  const onSubscribe = (event: IpcEventLike): void => {
    if (!isTrustedSender(event)) return;
    const contents = event.sender;
    const entry = subscribers.get(contents.id);
    subscribers.set(contents.id, { contents, count: (entry?.count ?? 0) + 1 });
    if (!watched.has(contents.id)) {
      watched.add(contents.id);
      contents.once('destroyed', () => {
        subscribers.delete(contents.id);
        watched.delete(contents.id);
      });
    }
  };
  const onUnsubscribe = (event: IpcEventLike): void => {
    if (!isTrustedSender(event)) return;
    const entry = subscribers.get(event.sender.id);
    if (entry === undefined) return;
    if (entry.count <= 1) subscribers.delete(event.sender.id);
    else entry.count--;
  };
  ipc.on(SUBSCRIBE_CHANNEL, onSubscribe);
  ipc.on(UNSUBSCRIBE_CHANNEL, onUnsubscribe);

  const unsubscribe = service.subscribe((hostEvent) => {
    for (const [id, { contents }] of subscribers) {
      if (contents.isDestroyed()) subscribers.delete(id);
      else contents.send(EVENT_CHANNEL, hostEvent);
    }
  });

  return () => {
    unsubscribe();
    subscribers.clear();
    ipc.removeHandler(INVOKE_CHANNEL);
    ipc.removeListener(SUBSCRIBE_CHANNEL, onSubscribe);
    ipc.removeListener(UNSUBSCRIBE_CHANNEL, onUnsubscribe);
  };
}
