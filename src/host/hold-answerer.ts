/** Who ended a hold, read from its verdict's code (see HoldBook): the window says "timed out" or "denied by you" from it. */
export type HoldAnswerer = 'you' | 'timeout' | 'client-left' | 'host-stopped' | 'server-quarantined' | 'server-changed';

export function holdAnswerer(code: string): HoldAnswerer {
  if (code.endsWith('.hold-timeout')) return 'timeout';
  if (code.endsWith('.hold-cancelled')) return 'client-left';
  if (code.endsWith('.hold-host-stopped')) return 'host-stopped';
  if (code === 'server.quarantined') return 'server-quarantined';
  // An item approved or quarantined, or one call allowed: only a person's answer does that.
  if (allowedOnce(code) || code.endsWith('.approved') || code.endsWith('.quarantined')) return 'you';
  // Removed or no longer part of the approved surface: the server's side changed.
  return 'server-changed';
}

/** Whether a hold's answer let that one call through without approving its item (the window says "allowed once by you"). */
export function allowedOnce(code: string): boolean {
  return code === 'hold.allowed-once';
}
