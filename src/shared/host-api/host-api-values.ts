import { z } from 'zod';

/**
 * The values the window shows, as zod schemas: the Host's answers are checked against them on
 * both sides of the boundary (the Host before sending, the window after receiving), so a shape
 * drift fails loudly instead of rendering something wrong. Types are inferred, never restated.
 */

export const DecisionSchema = z.enum(['ALLOW', 'HOLD', 'DENY', 'SILENCE']);
export type Decision = z.infer<typeof DecisionSchema>;
export const ServerStateSchema = z.enum(['GREEN', 'AMBER', 'RED']);
export type ServerState = z.infer<typeof ServerStateSchema>;
export const SeveritySchema = z.enum(['info', 'low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;
export const ItemKindSchema = z.enum(['server-info', 'instructions', 'tool', 'prompt', 'resource', 'resource-template', 'provenance']);
export type ItemKind = z.infer<typeof ItemKindSchema>;
export const CLIENT_IDS = ['claude-desktop', 'claude-code', 'cursor', 'vscode', 'windsurf', 'zed', 'cline', 'gemini-cli', 'codex', 'continue'] as const;
export const ClientIdSchema = z.enum(CLIENT_IDS);

const Iso = z.iso.datetime({ offset: true });
const Digest = z.string().regex(/^sha256:[0-9a-f]{64}$/);

export const FindingSchema = z.object({
  code: z.string(),
  severity: SeveritySchema,
  itemKind: ItemKindSchema.nullable(),
  itemKey: z.string().nullable(),
  /** JSON Pointer inside the item's definition. */
  path: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  message: z.string(),
  /** Why it matters: what the model could now be led to do. */
  why: z.string().optional(),
  cosmetic: z.boolean(),
});
export type Finding = z.infer<typeof FindingSchema>;

export const HoldSchema = z.object({
  id: z.string(),
  server: z.string(),
  kind: z.enum(['tool', 'prompt', 'resource']),
  key: z.string(),
  sessionId: z.string(),
  /** The AI client that sent the call (its clientInfo.name); null when it gave none. */
  client: z.string().nullable().default(null),
  /** The held call, for its arguments (callDetail); null when the Host has no record of it. */
  callId: z.string().nullable().default(null),
  /** Why it waits when not for your review: a remote server's lapsed sign-in, and how to sign in again. */
  reason: z.string().optional(),
  openedAt: Iso,
  expiresAt: Iso,
});
export type Hold = z.infer<typeof HoldSchema>;

/** One item waiting for the user's answer, with all it takes to decide it. */
export const ReviewItemSchema = z.object({
  server: z.string(),
  state: ServerStateSchema,
  kind: ItemKindSchema,
  key: z.string(),
  status: z.enum(['changed', 'added', 'removed']),
  /** The item hash an approval of this item is bound to: what the user was shown. Null for a removal. */
  hash: Digest.nullable(),
  /** The server's live surface hash, for approving the whole server. */
  surfaceHash: Digest.nullable(),
  findings: z.array(FindingSchema),
  approved: z.unknown(),
  live: z.unknown(),
  quarantined: z.boolean(),
  pendingCalls: z.array(HoldSchema),
  /** The server has no approved baseline yet: its items are one decision (approve the whole surface, or item by item). */
  firstSeen: z.boolean().optional(),
});
export type ReviewItem = z.infer<typeof ReviewItemSchema>;

export const ServerSummarySchema = z.object({
  name: z.string(),
  state: ServerStateSchema,
  generation: z.number().int().nonnegative(),
  held: z.number().int().nonnegative(),
  pendingCalls: z.number().int().nonnegative(),
  /** False once the server was removed: Airlock no longer starts it, but keeps its approvals and history. */
  configured: z.boolean().optional(),
});
export type ServerSummary = z.infer<typeof ServerSummarySchema>;

export const HostStatusSchema = z.object({
  home: z.string(),
  pid: z.number().int(),
  sessions: z.number().int().nonnegative(),
  servers: z.array(ServerSummarySchema),
});
export type HostStatus = z.infer<typeof HostStatusSchema>;

/** A client's name for a token of the MCP endpoint: as a server name. */
export const ClientTokenNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');

export const ClientTokensSchema = z.object({
  /** The MCP endpoint's base address (servers at `${endpoint}/NAME`); null when this Host does not serve it. */
  endpoint: z.string().nullable(),
  tokens: z.array(z.object({ name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })),
});
export type ClientTokens = z.infer<typeof ClientTokensSchema>;

export const ToolStateSchema = z.object({
  server: z.string(),
  tool: z.string(),
  status: z.string(),
  gate: z.string(),
  severity: z.string(),
});
export type ToolState = z.infer<typeof ToolStateSchema>;

export const GenerationSchema = z.object({
  generation: z.number().int().nonnegative(),
  surfaceHash: Digest,
  approvedAt: Iso,
  approvedBy: z.string(),
});

/** One item of a server's surface, by kind and key: what a whole-server approval names to release from quarantine. */
export const ItemRefSchema = z.strictObject({ kind: ItemKindSchema, key: z.string().min(1).max(2048) });
export type ItemRef = z.infer<typeof ItemRefSchema>;

/** An item the user quarantined on its own: its calls are denied and it is not served. */
export const QuarantinedItemSchema = z.object({ kind: ItemKindSchema, key: z.string(), reason: z.string() });
export type QuarantinedItem = z.infer<typeof QuarantinedItemSchema>;

/** A server as the Servers view shows it: no argument or variable values (they may hold secrets). */
/** A remote server's sign-in: 'not-needed' for a local server or one that never asked for one. */
export const SignInStateSchema = z.enum(['signed-in', 'expired', 'signed-out', 'not-needed']);
export type SignInStateValue = z.infer<typeof SignInStateSchema>;

export const ServerDetailSchema = z.object({
  summary: ServerSummarySchema,
  /** The surface the server lists now: what "approve as new baseline" is bound to. Null before it first lists. */
  liveSurfaceHash: Digest.nullable(),
  command: z.string().nullable(),
  /** The command with its arguments as one line, secret-looking argument values as ***; null for a remote server. */
  commandLine: z.string().nullable().default(null),
  envKeys: z.array(z.string()),
  secretKeys: z.array(z.string()),
  /** A remote server's address; absent or null for a local one. */
  url: z.string().nullable().optional(),
  /** How the server is reached; absent means stdio (a Host from before remote servers). */
  transport: z.enum(['stdio', 'streamable-http', 'sse']).optional(),
  /** A remote server's sign-in; absent means 'not-needed'. */
  signInState: SignInStateSchema.optional(),
  tools: z.array(ToolStateSchema),
  /** Items quarantined one by one; a whole-server approval keeps them quarantined unless it releases them. */
  quarantinedItems: z.array(QuarantinedItemSchema),
  generations: z.array(GenerationSchema),
});
export type ServerDetail = z.infer<typeof ServerDetailSchema>;

/** Who ended a hold: you (an answer in the window, terminal or API), its timeout, its client leaving, the Host stopping, or a change on the server's side. */
export const HoldAnswererSchema = z.enum(['you', 'timeout', 'client-left', 'host-stopped', 'server-quarantined', 'server-changed']);
export type HoldAnswerer = z.infer<typeof HoldAnswererSchema>;

/** One call through Airlock, as the Live view lists it. */
export const CallRowSchema = z.object({
  id: z.string(),
  server: z.string(),
  sessionId: z.string(),
  /** The AI client's name from its initialize/discover, when it said. */
  client: z.string().nullable(),
  /** How the session came in: "connect", or "token NAME" for a client of the MCP endpoint; null for a row from an older log. */
  via: z.string().nullable().default(null),
  method: z.string(),
  key: z.string(),
  /** The gate's first decision (HOLD for a held call). */
  decision: DecisionSchema,
  rule: z.string(),
  reason: z.string(),
  startedAt: Iso,
  /** After a hold: the user's (or the timeout's) answer. */
  finalDecision: z.enum(['ALLOW', 'DENY']).nullable(),
  /** After a hold: who or what answered it, so the window can say "timed out" or "denied by you". Null until then. */
  answeredBy: HoldAnswererSchema.nullable().default(null),
  /** After a hold: the answer let this one call through, its item still unapproved ("allowed once by you"). */
  allowedOnce: z.boolean().default(false),
  /** After a hold: the Host's words for its answer. */
  finalReason: z.string().nullable().default(null),
  latencyMs: z.number().nonnegative().nullable(),
  /** Read back from the audit log when the Host started: made before that, so its contents were not kept. */
  restored: z.boolean().default(false),
});
export type CallRow = z.infer<typeof CallRowSchema>;

/** What a call carried, redacted of known secrets, kept only in the Host's memory for recent calls. */
export const CallDetailSchema = z.object({
  id: z.string(),
  available: z.boolean(),
  arguments: z.unknown(),
  result: z.unknown(),
});
export type CallDetail = z.infer<typeof CallDetailSchema>;

export const AuditEventViewSchema = z.object({
  seq: z.number().int().positive(),
  ts: Iso,
  type: z.string(),
  server: z.string().nullable(),
  tool: z.string().nullable(),
  decision: DecisionSchema.nullable(),
  rule: z.string().nullable(),
  findings: z.array(z.string()),
  hash: Digest,
});
export type AuditEventView = z.infer<typeof AuditEventViewSchema>;

export const AuditPageSchema = z.object({
  events: z.array(AuditEventViewSchema),
  total: z.number().int().nonnegative(),
});
export type AuditPage = z.infer<typeof AuditPageSchema>;

/** One step of a resumable chain check: the window calls again with `checked` and `head` until done. */
export const AuditVerifyStepSchema = z.object({
  ok: z.boolean(),
  done: z.boolean(),
  checked: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  head: Digest,
  brokenSeq: z.number().int().positive().nullable(),
  reason: z.string().nullable(),
});
export type AuditVerifyStep = z.infer<typeof AuditVerifyStepSchema>;

const ListedServerSchema = z.object({
  name: z.string(),
  status: z.enum(['routed', 'bypassing']),
  transport: z.enum(['stdio', 'remote']),
  command: z.string().optional(),
  /** The command with its arguments, secret-looking values as ***. */
  commandLine: z.string().optional(),
  url: z.string().optional(),
  airlockServer: z.string().optional(),
  routable: z.boolean().optional(),
  reason: z.string().optional(),
  disabled: z.boolean().optional(),
});
export const ClientsListSchema = z.object({
  userHome: z.string(),
  platform: z.enum(['darwin', 'win32', 'linux']),
  clients: z.array(
    z.object({
      id: ClientIdSchema,
      name: z.string(),
      found: z.boolean(),
      files: z.array(z.object({ path: z.string(), scope: z.enum(['user', 'project']), project: z.string().optional(), error: z.string().optional(), servers: z.array(ListedServerSchema) })),
    }),
  ),
});
export type ClientsList = z.infer<typeof ClientsListSchema>;

/** A change to client files, shown before it is made; `planId` binds the later apply to exactly these bytes. */
export const ClientsInstallPreviewSchema = z.object({
  planId: z.string(),
  files: z.array(
    z.object({
      client: ClientIdSchema,
      clientName: z.string(),
      path: z.string(),
      /** Unified diff with secrets shown as ***. */
      diff: z.string(),
      routes: z.array(z.object({ name: z.string(), server: z.string(), secretKeys: z.array(z.string()) })),
    }),
  ),
  skipped: z.array(z.object({ client: ClientIdSchema, path: z.string(), name: z.string(), reason: z.string() })),
  unreadable: z.array(z.object({ path: z.string(), error: z.string() })),
});
export type ClientsInstallPreview = z.infer<typeof ClientsInstallPreviewSchema>;

export const ClientsInstallResultSchema = z.object({
  files: z.array(z.string()),
  added: z.array(z.string()),
  reused: z.array(z.string()),
  secretsMoved: z.record(z.string(), z.array(z.string())),
});
export type ClientsInstallResult = z.infer<typeof ClientsInstallResultSchema>;

export const ClientsRestorePreviewSchema = z.object({
  planId: z.string(),
  files: z.array(
    z.object({
      client: ClientIdSchema,
      path: z.string(),
      exact: z.boolean(),
      diff: z.string(),
      entries: z.array(z.object({ name: z.string(), server: z.string(), outcome: z.enum(['reverted', 'gone', 'changed-by-user']) })),
    }),
  ),
  problems: z.array(z.object({ path: z.string(), problem: z.string() })),
});
export type ClientsRestorePreview = z.infer<typeof ClientsRestorePreviewSchema>;

export const BypassingServerSchema = z.object({
  client: ClientIdSchema,
  clientName: z.string(),
  file: z.string(),
  id: z.string(),
  name: z.string(),
  transport: z.enum(['stdio', 'remote']),
  routable: z.boolean(),
  reason: z.string().optional(),
});
export type BypassingServer = z.infer<typeof BypassingServerSchema>;

/**
 * A crash report as Airlock keeps it (`<home>/crash-reports/<id>.json`) and as the user may share
 * it: an allow-list, strict, so a field that could carry a value (an argument, a path, a name) has
 * no place to go. Nothing sends it: the user copies or saves it.
 */
export const CRASH_COMPONENTS = ['host', 'audit-worker', 'relay-session', 'cli', 'app-main', 'connect', 'connect-relay'] as const;
/** `crash`: the process died. `failure`: a part of it failed (the audit worker) while the process lived on. */
export const CRASH_KINDS = ['crash', 'failure'] as const;
export const CrashReportIdSchema = z.string().regex(/^[0-9a-f]{16}$/);
export const CrashFrameSchema = z.strictObject({
  /** The function, as V8 names it (`Host.openRelay`, `async Promise.all`); null when it has no name or an unsafe one. */
  function: z.string().regex(/^[A-Za-z0-9_$.<>[\] -]{1,120}$/).nullable(),
  /** A file of Airlock's package, relative to it, with line and column; `<node>`, `<native>` or `<external>` otherwise. */
  at: z.string().regex(/^(?:<node>|<native>|<external>|[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*:\d{1,7}:\d{1,7})$/).max(200),
});
export const CrashReportSchema = z.strictObject({
  format: z.literal('airlock-crash-report/1'),
  id: CrashReportIdSchema,
  /** SHA-256 of the component, the error's class and its top frames: the same crash has the same one. */
  fingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  airlockVersion: z.string().regex(/^[0-9A-Za-z.+-]{1,40}$/),
  runtime: z.strictObject({
    platform: z.string().regex(/^[a-z0-9]{1,20}$/),
    arch: z.string().regex(/^[a-z0-9_]{1,20}$/),
    node: z.string().regex(/^[0-9A-Za-z.+-]{1,40}$/),
  }),
  component: z.enum(CRASH_COMPONENTS),
  /** Absent in a crash (reports written before the field existed are crashes too); `failure` when the process lived on. */
  kind: z.enum(CRASH_KINDS).optional(),
  /** The gate rule that was running, when known: its code, never a value. */
  rule: z.enum(['R0', 'R1', 'R2', 'R3', 'R4', 'R5', 'R6']).nullable(),
  error: z.strictObject({
    class: z.string().regex(/^[A-Z][A-Za-z0-9_]{0,63}$/).nullable(),
    /** With paths, names, secrets and values replaced by markers such as `<path>` and `<value>`. */
    message: z.string().max(1000),
    stack: z.array(CrashFrameSchema).max(30),
  }),
  count: z.number().int().positive(),
  firstSeen: Iso,
  lastSeen: Iso,
});
export type CrashReport = z.infer<typeof CrashReportSchema>;
export type CrashComponent = (typeof CRASH_COMPONENTS)[number];
export type CrashKind = (typeof CRASH_KINDS)[number];

/** The exact text a crash report is kept, shown, copied and saved as: the same bytes everywhere. */
export function crashReportText(report: CrashReport): string {
  return `${JSON.stringify(CrashReportSchema.parse(report), null, 2)}\n`;
}
