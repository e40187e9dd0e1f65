import { z } from 'zod';

/** The program a server runs (issue 17), as the Servers view shows it: approved, seen at the last start, and whether the command pins it. */
export const ServerProgramSchema = z.object({
  server: z.string(),
  /** The program the approved baseline names; null before one was approved with it. */
  approved: z.record(z.string(), z.unknown()).nullable(),
  /** The program its last start ran; null before it started. */
  live: z.record(z.string(), z.unknown()).nullable(),
  /** One line naming the approved program (or the live one when none is approved yet). */
  line: z.string(),
  pinned: z.enum(['pinned', 'unpinned', 'not-a-package']),
  /** What Pin would write (`pkg@1.4.2`), or null with why it cannot pin now. */
  pinTo: z.string().nullable(),
  cannotPin: z.string().nullable(),
});
export type ServerProgram = z.infer<typeof ServerProgramSchema>;

export const PinResultSchema = z.object({ server: z.string(), from: z.string(), to: z.string(), commandLine: z.string() });
export type PinResult = z.infer<typeof PinResultSchema>;
