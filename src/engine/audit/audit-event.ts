import { z } from 'zod';
import { DIGEST_PATTERN, type Digest } from '../canonical-json.js';
import { DecisionSchema } from '../decision.js';

/** prevHash of event 1: there is no predecessor to commit to. */
export const GENESIS_HASH = `sha256:${'0'.repeat(64)}` as Digest;

/** Canonical JSON of `detail` may not exceed this: it is for generation numbers and the like, never payloads. */
export const MAX_DETAIL_BYTES = 4096;

const DigestSchema = z.string().regex(DIGEST_PATTERN, 'must be "sha256:" and 64 lowercase hex digits').transform((s) => s as Digest);

export const AuditEventTypeSchema = z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'must look like "call.decided"');
/** Gate rules R0…R6 (DESIGN.md §3); any number is accepted so a later rule needs no format change. */
export const AuditRuleSchema = z.string().regex(/^R\d+$/, 'must look like "R3"');
export const FindingCodeSchema = z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/, 'must look like "tool.description-changed"');

const DetailSchema = z
  .record(z.string(), z.json())
  .refine((d) => Buffer.byteLength(JSON.stringify(d)) <= MAX_DETAIL_BYTES, `detail must stay under ${MAX_DETAIL_BYTES} bytes`);

/** The hashed part of an event: everything but its own hash. Strict, so a stray field cannot ride along unhashed-by-design. */
export const AuditEventBodySchema = z.strictObject({
  seq: z.number().int().positive(),
  ts: z.iso.datetime(),
  type: AuditEventTypeSchema,
  server: z.string().nullable(),
  tool: z.string().nullable(),
  decision: DecisionSchema.nullable(),
  rule: AuditRuleSchema.nullable(),
  findings: z.array(FindingCodeSchema),
  approvedHash: DigestSchema.nullable(),
  liveHash: DigestSchema.nullable(),
  argsHash: DigestSchema.nullable(),
  responseHash: DigestSchema.nullable(),
  detail: DetailSchema.nullable(),
  prevHash: DigestSchema,
});
export type AuditEventBody = z.infer<typeof AuditEventBodySchema>;

/** A stored event: `hash = canonicalDigest(body)`, and `prevHash` is the previous event's hash. */
export const AuditEventSchema = AuditEventBodySchema.extend({ hash: DigestSchema });
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/**
 * What a caller appends. seq and the hashes are the log's to assign. Raw `args` and `response`
 * are accepted only to be hashed: they are never stored (DESIGN.md §5). `argsHash` is for a
 * caller that hashed the arguments itself (the Host's journal keeps no raw arguments on disk);
 * `ts` is for a record made earlier than it is appended (journaled before its call was
 * forwarded): the log never lets it go back before the event it follows.
 */
export const AuditEventInputSchema = z.strictObject({
  type: AuditEventTypeSchema,
  server: z.string().nullish(),
  tool: z.string().nullish(),
  decision: DecisionSchema.nullish(),
  rule: AuditRuleSchema.nullish(),
  findings: z.array(FindingCodeSchema).optional(),
  approvedHash: DigestSchema.nullish(),
  liveHash: DigestSchema.nullish(),
  args: z.unknown().optional(),
  argsHash: DigestSchema.optional(),
  response: z.unknown().optional(),
  detail: DetailSchema.nullish(),
  ts: z.iso.datetime().optional(),
});
export type AuditEventInput = z.input<typeof AuditEventInputSchema>;
