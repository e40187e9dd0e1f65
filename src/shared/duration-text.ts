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
