import { parseStrictJson } from '../../input/strict-json.js';
import { z } from 'zod';
import { canonicalJson, type Digest } from '../canonical-json.js';
import type { ServerState } from '../decision.js';
import { parseSurface, surfaceHash, type Surface } from '../surface.js';
import { StoreError, errorMessage } from './store-error.js';

/** Who approved a baseline; kept in code rather than a CHECK so a new kind needs no table rebuild. */
export const APPROVERS = Object.freeze(['user', 'auto-cosmetic', 'import', 'trust-on-first-use'] as const);
export const ApprovedBySchema = z.enum(APPROVERS);
export type ApprovedBy = z.infer<typeof ApprovedBySchema>;

/** One upstream server as the controller last left it (table `servers`). */
export interface ServerRecord {
  name: string;
  state: ServerState;
  /** Generation of the approved baseline in force; 0 while none has been approved. */
  generation: number;
  liveSurface: Surface | null;
  liveHash: Digest | null;
  updatedAt: string;
}

/** One approved surface of a server (table `baselines`); a new approval is a new generation. */
export interface BaselineRecord {
  server: string;
  generation: number;
  surface: Surface;
  surfaceHash: Digest;
  approvedAt: string;
  approvedBy: ApprovedBy;
}

export interface ServerRow {
  name: string;
  state: ServerState;
  generation: number;
  live_surface: string | null;
  live_hash: string | null;
  updated_at: string;
}

export interface BaselineRow {
  server: string;
  generation: number;
  surface: string;
  surface_hash: string;
  approved_at: string;
  approved_by: string;
}

export function serverToRow(record: ServerRecord): ServerRow {
  if ((record.liveSurface === null) !== (record.liveHash === null)) {
    throw new Error(`server "${record.name}": liveSurface and liveHash must both be set or both be null`);
  }
  if (record.liveSurface !== null) assertHashMatches(record.liveSurface, record.liveHash, `live surface of server "${record.name}"`);
  return {
    name: record.name,
    state: record.state,
    generation: record.generation,
    live_surface: record.liveSurface === null ? null : canonicalJson(record.liveSurface),
    live_hash: record.liveHash,
    updated_at: record.updatedAt,
  };
}

export function rowToServer(row: ServerRow): ServerRecord {
  const where = `live surface of server "${row.name}"`;
  const liveSurface = row.live_surface === null ? null : readSurface(row.live_surface, where);
  if (liveSurface !== null) assertStoredHash(liveSurface, row.live_hash, where);
  return {
    name: row.name,
    state: row.state,
    generation: row.generation,
    liveSurface,
    liveHash: row.live_hash as Digest | null,
    updatedAt: row.updated_at,
  };
}

export function baselineToRow(record: BaselineRecord): BaselineRow {
  ApprovedBySchema.parse(record.approvedBy);
  assertHashMatches(record.surface, record.surfaceHash, `baseline ${record.generation} of server "${record.server}"`);
  return {
    server: record.server,
    generation: record.generation,
    surface: canonicalJson(record.surface),
    surface_hash: record.surfaceHash,
    approved_at: record.approvedAt,
    approved_by: record.approvedBy,
  };
}

export function rowToBaseline(row: BaselineRow): BaselineRecord {
  const where = `baseline ${row.generation} of server "${row.server}"`;
  const surface = readSurface(row.surface, where);
  assertStoredHash(surface, row.surface_hash, where);
  const approvedBy = ApprovedBySchema.safeParse(row.approved_by);
  if (!approvedBy.success) throw new StoreError(`${where} has an unknown approver ${JSON.stringify(row.approved_by)}; the database was edited outside Airlock.`);
  return {
    server: row.server,
    generation: row.generation,
    surface,
    surfaceHash: row.surface_hash as Digest,
    approvedAt: row.approved_at,
    approvedBy: approvedBy.data,
  };
}

/** A caller bug: refuse to record a hash that does not describe the surface stored beside it. */
function assertHashMatches(surface: Surface, hash: Digest | null, where: string): void {
  const actual = surfaceHash(surface);
  if (actual !== hash) throw new Error(`${where}: hash ${hash} does not match the surface (its hash is ${actual})`);
}

/**
 * Read side: a stored surface that no longer matches its hash was changed outside Airlock, and
 * the engine must not judge calls against it (fail closed).
 */
function assertStoredHash(surface: Surface, hash: string | null, where: string): void {
  const actual = surfaceHash(surface);
  if (actual !== hash) {
    throw new StoreError(
      `the ${where} no longer matches its recorded hash (recorded ${hash}, contents hash to ${actual}): the database was changed outside Airlock. ` +
        'Review the server again (airlock review) or restore the database from a backup.',
    );
  }
}

function readSurface(json: string, where: string): Surface {
  try {
    return parseSurface(parseStrictJson(json));
  } catch (error) {
    throw new StoreError(`the stored ${where} is unreadable (${errorMessage(error)}): the database was changed outside Airlock. Review the server again or restore a backup.`);
  }
}
