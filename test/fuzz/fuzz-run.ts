import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * How many cases each property runs, and the figures of each run. `npm test` runs a small
 * number (FUZZ_RUNS unset: 200 per property); `npm run fuzz` sets FUZZ_RUNS high and
 * FUZZ_REPORT to a file where every property appends one line of figures.
 */
const DEFAULT_RUNS = 200;

export function baseRuns(): number {
  const fromEnv = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_RUNS;
}

/** A seed from FUZZ_SEED replays a failure that a report printed; otherwise fast-check picks one. */
function seedOption(): { seed?: number } {
  const seed = Number(process.env.FUZZ_SEED);
  return Number.isInteger(seed) ? { seed } : {};
}

export interface FuzzFigures {
  property: string;
  runs: number;
  ms: number;
  ok: boolean;
}

function record(figures: FuzzFigures): void {
  const file = process.env.FUZZ_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
}

/**
 * Runs one property `baseRuns() * weight` times (weight < 1 for the costly ones) and records
 * its figures, failed or not, so the fuzz report always says what ran.
 */
export function checkProperty<Ts extends [unknown, ...unknown[]]>(name: string, property: fc.IProperty<Ts>, weight = 1): void {
  const runs = Math.max(10, Math.round(baseRuns() * weight));
  const started = performance.now();
  let ok = false;
  try {
    fc.assert(property, { numRuns: runs, ...seedOption() });
    ok = true;
  } finally {
    record({ property: name, runs, ms: Math.round(performance.now() - started), ok });
  }
}

export async function checkAsyncProperty<Ts extends [unknown, ...unknown[]]>(name: string, property: fc.IAsyncProperty<Ts>, weight = 1): Promise<void> {
  const runs = Math.max(10, Math.round(baseRuns() * weight));
  const started = performance.now();
  let ok = false;
  try {
    await fc.assert(property, { numRuns: runs, ...seedOption() });
    ok = true;
  } finally {
    record({ property: name, runs, ms: Math.round(performance.now() - started), ok });
  }
}
