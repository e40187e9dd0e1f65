/** The Electron IPC channels that carry the HostApi between the preload and the main process. */
export const HOST_API_IPC = Object.freeze({
  invoke: 'airlock:invoke',
  subscribe: 'airlock:subscribe',
  unsubscribe: 'airlock:unsubscribe',
  event: 'airlock:event',
});
