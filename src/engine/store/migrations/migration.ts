/** One numbered schema step. Kept as TS modules (not .sql files) so tsc's output carries them. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
