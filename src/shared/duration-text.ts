/**
 * A duration as a person reads it: "320 ms", "45.7 s", "2 min 5 s", "1 h 4 min". The window and
 * the terminal both show latencies and waits this way, so one function says it for both.
 */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '0 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${trimZero((ms / 1000).toFixed(2))} s`;
  if (ms < 60_000) return `${trimZero((ms / 1000).toFixed(1))} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

/** "1.50" → "1.5", "45.0" → "45": no trailing zeros after the point. */
function trimZero(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** What a held call's timer says, counted in whole seconds: "denied in 1 min 42 s", or that it timed out. */
export function deniedInText(expiresAt: string, now: number): string {
  const left = Date.parse(expiresAt) - now;
  return left <= 0 ? 'denied: the wait timed out' : `denied in ${durationText(Math.ceil(left / 1000) * 1000)}`;
}
