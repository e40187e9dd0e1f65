import { crashSummary } from './crash-store.js';

/** The one line a start prints while crash reports are kept; undefined when there are none. */
export function crashNoticeLine(home: string): string | undefined {
  const summary = crashSummary(home);
  if (summary === undefined) return undefined;
  const times = (n: number): string => (n === 1 ? '1 time' : `${n} times`);
  // A failure the process lived through is not a crash, and is not called one.
  const what =
    summary.failures === 0
      ? `Airlock crashed ${times(summary.crashes)} since ${summary.since.slice(0, 10)}`
      : summary.crashes === 0
        ? `A part of Airlock failed ${times(summary.failures)} since ${summary.since.slice(0, 10)} (Airlock kept running)`
        : `Airlock crashed ${times(summary.crashes)}, and a part of it failed ${times(summary.failures)} while it kept running, since ${summary.since.slice(0, 10)}`;
  return `${what}: see it with \`airlock crash-reports show\` (kept on this computer; nothing is sent unless you send it)`;
}
