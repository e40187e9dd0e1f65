import { canonicalDigest, canonicalJson, type Digest, type JsonValue } from './canonical-json.js';
import type { ServerState } from './decision.js';
import type { Finding } from './finding.js';
import { parseStrictJson } from '../input/strict-json.js';
import { StoreError } from './store/store-error.js';
import type { Store } from './store/store.js';

/**
 * Drift record v1 (resources/schemas/drift-record.v1.schema.json): what changed and what was
 * decided, with the definitions themselves, so a third party can recompute every hash. With
 * `tool` null the definitions are whole surfaces and the hashes surface hashes; with a tool,
 * that tool's definitions and item hashes. Its digest is sha256 over its RFC 8785 form.
 */
export interface DriftRecordV1 {
  version: 1;
  server: string;
  tool: string | null;
  generation: number;
  approved_hash: Digest | null;
  live_hash: Digest;
  approved: JsonValue | null;
  live: JsonValue;
  findings: Array<{ code: string; severity: Finding['severity']; tool: string | null; path: string; why?: string }>;
  decision: 'ALLOW' | 'HOLD' | 'DENY';
  state: ServerState;
}

export function driftRecordFindings(findings: readonly Finding[]): DriftRecordV1['findings'] {
  return findings.map((f) => ({ code: f.code, severity: f.severity, tool: f.itemKind === 'tool' ? f.itemKey : null, path: f.path, why: f.why }));
}

/** Stores a record once (records are immutable and keyed by their own digest) and returns its digest. */
export function putDriftRecord(store: Store, record: DriftRecordV1): Digest {
  const digest = canonicalDigest(record);
  store.db.prepare('INSERT OR IGNORE INTO drift_records (digest, record) VALUES (?, ?)').run(digest, canonicalJson(record));
  return digest;
}

export function getDriftRecord(store: Store, digest: string): DriftRecordV1 | undefined {
  const row = store.db.prepare<[string], { record: string }>('SELECT record FROM drift_records WHERE digest = ?').get(digest);
  if (!row) return undefined;
  // Strict: a record edited to carry a duplicate or "__proto__" key would be read one way here and another by a verifier.
  try {
    return parseStrictJson(row.record) as DriftRecordV1;
  } catch (error) {
    throw new StoreError(`the stored drift record ${digest} is unreadable (${(error as Error).message}): the database was changed outside Airlock. Keep ${store.path} as evidence and run: airlock audit verify`);
  }
}
