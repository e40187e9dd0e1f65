import { z } from 'zod';
import { SeveritySchema } from './severity.js';
import { ITEM_KINDS } from './surface.js';

/**
 * One thing that changed between the approved and the live surface, or one thing wrong with it.
 * `code` is stable (tests, policy and receipts key on it); `message` is for people.
 */
export const FindingSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/),
  severity: SeveritySchema,
  /** The item the finding is about: kind "tool" and key "read_file"; both null for the whole server. */
  itemKind: z.enum(ITEM_KINDS).nullable(),
  itemKey: z.string().nullable(),
  /** RFC 6901 JSON Pointer inside the item's definition ("" is the whole item). */
  path: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  message: z.string(),
  /** Why it matters, in one plain sentence: what the model could now be led to do. */
  why: z.string(),
  /** True when the change only alters whitespace or Unicode compatibility forms. */
  cosmetic: z.boolean().default(false),
});
export type Finding = z.infer<typeof FindingSchema>;
