import type { Migration } from './migration.js';

/**
 * Drift records: the evidence behind a drift or a held call (approved and live definitions,
 * findings, decision), kept once by digest; audit events name them in `detail.driftRecord`.
 */
export const migration006: Migration = {
  version: 6,
  name: 'drift-records',
  sql: `
CREATE TABLE drift_records (
  digest TEXT PRIMARY KEY,
  record TEXT NOT NULL CHECK (json_valid(record))
) STRICT;
`,
};
