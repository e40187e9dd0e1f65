/** What the benchmarks' printed tables share: quantiles of sorted samples and how figures are written. */

/** The q-quantile (0–1) of ascending samples, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

export const ms = (x: number): string => `${x.toFixed(3)} ms`;

export const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
