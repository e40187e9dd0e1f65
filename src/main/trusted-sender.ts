import { isAppUrl } from './app-origin.js';

/** What an IPC event says about who sent it (Electron's IpcMainEvent / IpcMainInvokeEvent). */
export interface SenderEventLike {
  readonly sender: { readonly id: number };
  /** Null when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

/**
 * A sender is trusted only if it is the main frame of our window, showing our own page: a
 * subframe, another window's contents, or a page that is not app://airlock (file://, https://)
 * never reaches the Host, even if it somehow got a preload.
 */
export function trustedSender(windowContentsId: () => number | undefined): (event: SenderEventLike) => boolean {
  return (event) => {
    const frame = event.senderFrame;
    const ours = windowContentsId();
    return ours !== undefined && event.sender.id === ours && frame !== null && frame.parent === null && isAppUrl(frame.url);
  };
}
