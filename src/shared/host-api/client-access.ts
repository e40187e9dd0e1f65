import { z } from 'zod';

/**
 * Which clients may use a server, or one of its tools (issue 17), as the window shows and edits
 * it. An entry is "token:NAME", "connect", "entry:CLIENT-ID" or "client:NAME"; the Host checks
 * each against what exists. `null` means every client.
 */
const Entries = z.array(z.string().min(1).max(120)).max(16);

export const ClientAccessSchema = z.object({
  server: z.string(),
  serverAllowed: Entries.nullable(),
  tools: z.array(z.object({ tool: z.string(), allowed: Entries })),
  /** Client names with a token of the MCP endpoint. */
  tokens: z.array(z.string()),
  /** AI client ids an installed connect entry can carry. */
  entries: z.array(z.string()),
});
export type ClientAccess = z.infer<typeof ClientAccessSchema>;

export const SetClientAccessParamsSchema = z.strictObject({
  server: z.string().min(1).max(64),
  /** A tool's own policy; absent for the server's. */
  tool: z.string().min(1).max(512).optional(),
  /** The entries allowed from now on; null: every client (for the server, its tools' policies go too). */
  allowed: Entries.nullable(),
});
