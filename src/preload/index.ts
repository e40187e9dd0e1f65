import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { HOST_API_IPC } from '../shared/host-api/ipc-channels.js';

/**
 * The window's only door to the app: the HostApi transport (invoke a method, subscribe to
 * events), nothing else. ipcRenderer itself is never exposed; the main process checks the
 * sender of every message and validates every payload against the HostApi's schemas, and the
 * window validates every answer (src/shared/host-api).
 */
const transport = Object.freeze({
  async invoke(method: string, params: unknown): Promise<unknown> {
    const answer = (await ipcRenderer.invoke(HOST_API_IPC.invoke, { method, params })) as { ok: boolean; result?: unknown; error?: string };
    if (!answer.ok) throw new Error(answer.error ?? 'the Airlock app refused the request');
    return answer.result;
  },
  subscribe(onEvent: (event: unknown) => void, onConnection?: (connected: boolean) => void): () => void {
    const listener = (_event: IpcRendererEvent, payload: unknown): void => onEvent(payload);
    ipcRenderer.on(HOST_API_IPC.event, listener);
    ipcRenderer.send(HOST_API_IPC.subscribe);
    // In the app the Host lives in the main process: the event channel is up as long as the window is.
    onConnection?.(true);
    return () => {
      ipcRenderer.removeListener(HOST_API_IPC.event, listener);
      ipcRenderer.send(HOST_API_IPC.unsubscribe);
    };
  },
});

contextBridge.exposeInMainWorld('airlockTransport', transport);
