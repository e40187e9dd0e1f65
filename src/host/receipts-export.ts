import { createCheckpoint, getLogId, latestCheckpoint, listCheckpoints, type Checkpoint, type CheckpointSigner } from '../engine/checkpoints/index.js';
import { getDriftRecord } from '../engine/drift-records.js';
import { consistencyProof, inclusionProof, LogIntegrityError, merkleTreeSize } from '../engine/merkle/index.js';
import type { Store } from '../engine/store/index.js';
import { ReceiptBundleSchema, type Receipt, type ReceiptBundle, type ReceiptEvent } from '../shared/receipt/receipt-format.js';
import { parseStrictJson } from '../input/strict-json.js';
import type { KeyRotationStatement } from './signing-key.js';

export interface ReceiptFilter {
  since?: string;
  until?: string;
  server?: string;
  decision?: string;
  /** Only these sequence numbers (receipts show). */
  seqs?: readonly number[];
}

interface EventRow {
  seq: number;
  body: string;
  hash: string;
}

/**
 * Builds a receipt bundle: the chosen events, each with its drift record, an inclusion proof to
 * a checkpoint signed now (so the newest events are covered), every checkpoint the log holds
 * (and `earlier`, one from a previous export) with the consistency proofs that bind them, and
 * the key rotations a reviewer needs to follow a pinned key. Receipts carry hashes of
 * arguments and responses, never the values.
 */
export function exportReceipts(store: Store, signer: CheckpointSigner, rotations: readonly KeyRotationStatement[], filter: ReceiptFilter = {}, earlier: readonly Checkpoint[] = []): ReceiptBundle {
  const logId = getLogId(store);
  const size = merkleTreeSize(store);
  const latest = size === 0 ? undefined : (createCheckpoint(store, signer) ?? latestCheckpoint(store));
  const events = selectEvents(store, filter);
  if (events.length > 0 && !latest) throw new Error('the log has events but no checkpoint could be made');
  const receipts: Receipt[] = events.map((row) => {
    const event = { ...(parseStrictJson(row.body) as Omit<ReceiptEvent, 'hash'>), hash: row.hash } as ReceiptEvent;
    const digest = event.detail?.driftRecord;
    const record = typeof digest === 'string' ? (getDriftRecord(store, digest) ?? null) : null;
    return {
      id: `${logId}:${event.seq}`,
      event,
      drift_record: record as Receipt['drift_record'],
      inclusion: inclusionProof(store, event.seq - 1, (latest as Checkpoint).tree_size),
      checkpoint: latest as Checkpoint,
    };
  });
  // Every checkpoint, oldest first: the proofs between them show the log only ever grew. Two
  // checkpoints of one size with different roots are both kept, so a verifier sees the fork.
  const unique = new Map<string, Checkpoint>();
  for (const c of [...earlier, ...listCheckpoints(store)]) unique.set(`${c.tree_size}:${c.root_hash}`, c);
  const checkpoints = [...unique.values()].sort((a, b) => a.tree_size - b.tree_size || (a.root_hash < b.root_hash ? -1 : 1));
  const beyond = checkpoints.find((c) => c.tree_size > size);
  if (beyond) {
    throw new LogIntegrityError(`a checkpoint covers ${beyond.tree_size} events but the log now holds ${size}: the log was truncated. Nothing was exported; keep ${store.path} as evidence and run: airlock audit verify`);
  }
  const consistency = checkpoints.slice(1).map((c, i) => consistencyProof(store, (checkpoints[i] as Checkpoint).tree_size, c.tree_size));
  return ReceiptBundleSchema.parse({
    format: 'airlock-receipts',
    version: 1,
    log_id: logId,
    exported_at: new Date().toISOString(),
    receipts,
    checkpoints,
    consistency,
    key_rotations: rotations,
  });
}

function selectEvents(store: Store, filter: ReceiptFilter): EventRow[] {
  const conditions: Array<[string, Array<string | number>]> = [];
  if (filter.since) conditions.push(['ts >= ?', [filter.since]]);
  if (filter.until) conditions.push(['ts <= ?', [filter.until]]);
  if (filter.server) conditions.push(['server = ?', [filter.server]]);
  if (filter.decision) conditions.push(['decision = ?', [filter.decision]]);
  if (filter.seqs) conditions.push([`seq IN (${filter.seqs.map(() => '?').join(',')})`, [...filter.seqs]]);
  const where = conditions.map(([sql]) => sql);
  const params = conditions.flatMap(([, values]) => values);
  const sql = `SELECT seq, body, hash FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
  return store.db.prepare<Array<string | number>, EventRow>(sql).all(...params);
}
