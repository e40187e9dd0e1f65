import { z } from 'zod';
import { FindingSchema, ItemKindSchema, ServerStateSchema, type ReviewItem } from './host-api-values.js';
import { severityRank } from './review-entries.js';

/**
 * The ways back from a "no" and from an approval: what is quarantined and what releasing it
 * approves, and what reverting a server to an earlier generation changes. Each carries the hash
 * the user is shown, which is the one the command is bound to.
 */

const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

/** One thing the user (or the engine) said no to: a whole server (RED) or one item. */
export const QuarantineEntrySchema = z.object({
  server: z.string(),
  state: ServerStateSchema,
  /** `server`: every call is denied until a new baseline is approved; `item`: one item quarantined on its own. */
  scope: z.enum(['server', 'item']),
  kind: ItemKindSchema.nullable(),
  key: z.string().nullable(),
  reason: z.string(),
  /**
   * What a release approves, by this hash: the item's live definition, or for a server its live
   * surface (a new generation). Null when the server no longer lists the item.
   */
  hash: Digest.nullable(),
  approved: z.unknown(),
  live: z.unknown(),
  findings: z.array(FindingSchema),
  /** For a server: the items whose live form the release approves (changed, new, removed). */
  changes: z.array(z.object({ kind: ItemKindSchema, key: z.string(), status: z.string() })),
  /** The command that releases it from a terminal. */
  releaseCommand: z.string(),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntrySchema>;

/** What reverting a server to an earlier generation changes in what is approved. */
export const RevertPlanSchema = z.object({
  server: z.string(),
  from: z.number().int().nonnegative(),
  to: z.number().int().positive(),
  /** The earlier generation's surface hash: a revert is bound to it. */
  hash: Digest,
  approvedAt: z.string(),
  changes: z.array(z.object({ kind: ItemKindSchema, key: z.string(), status: z.string(), now: z.unknown(), then: z.unknown() })),
});
export type RevertPlan = z.infer<typeof RevertPlanSchema>;

/**
 * Review is an inbox of undecided items: a quarantined item, or any item of a quarantined (RED)
 * server, has had its answer and is listed among the quarantined instead.
 */
export function isUndecided(item: { quarantined: boolean; state: string }): boolean {
  return !item.quarantined && item.state !== 'RED';
}

/** The inbox's order: items with a call waiting on them first, then worst finding first, then by name. */
export function inboxOrder<T extends Pick<ReviewItem, 'server' | 'kind' | 'key' | 'findings' | 'pendingCalls'>>(items: readonly T[]): T[] {
  const worst = (i: T): number => Math.max(0, ...i.findings.map((f) => severityRank(f.severity)));
  const waiting = (i: T): number => (i.pendingCalls.length > 0 ? 1 : 0);
  const name = (i: T): string => `${i.server}\u0000${i.kind}\u0000${i.key}`;
  return [...items].sort((a, b) => waiting(b) - waiting(a) || worst(b) - worst(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
}
