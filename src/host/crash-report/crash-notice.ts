import { crashSummary } from './crash-store.js';

/** The one line a start prints while crash reports are kept; undefined when there are none. */
export function crashNoticeLine(home: string): string | undefined {
  const summary = crashSummary(home);
  if (summary === undefined) return undefined;
  const times = summary.crashes === 1 ? '1 time' : `${summary.crashes} times`;
  return `Airlock crashed ${times} since ${summary.since.slice(0, 10)}: see it with \`airlock crash-reports show\` (kept on this computer; nothing is sent unless you send it)`;
}
