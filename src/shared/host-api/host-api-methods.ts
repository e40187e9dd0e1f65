import { z } from 'zod';
import { ReceiptBundleSchema } from '../receipt/receipt-format.js';
import {
  AuditPageSchema,
  AuditVerifyStepSchema,
  CallDetailSchema,
  CallRowSchema,
  ClientIdSchema,
  ClientsInstallPreviewSchema,
  ClientsInstallResultSchema,
  ClientsListSchema,
  ClientsRestorePreviewSchema,
  BypassingServerSchema,
  DecisionSchema,
  HoldAnswererSchema,
  HoldSchema,
  HostStatusSchema,
  ItemKindSchema,
  ItemRefSchema,
  ReviewItemSchema,
  ServerDetailSchema,
  ServerStateSchema,
  ServerSummarySchema,
  SignInStateSchema,
  ClientTokensSchema,
  ClientTokenNameSchema,
  CrashReportIdSchema,
  CrashReportSchema,
} from './host-api-values.js';
import { QuarantineEntrySchema, RevertPlanSchema } from './ways-back.js';
import { prototypeKeyPath } from './prototype-key.js';
import { AddedServerSchema, AddServerParamsSchema, RemovedServerSchema } from './server-edits.js';
import { ClientAccessSchema, SetClientAccessParamsSchema } from './client-access.js';
import { PinResultSchema, ServerProgramSchema } from './provenance.js';

/**
 * Every query and command the window may send to the Host: its parameters and its result.
 * Both carriers (the Electron preload's IPC and the headless Host's loopback HTTP) move
 * `{ method, params }` and check both sides against this table.
 */
const none = z.strictObject({});
const ServerName = z.string().min(1).max(64);

export const HOST_API_METHODS = {
  status: { params: none, result: HostStatusSchema },
  servers: { params: none, result: z.array(ServerSummarySchema) },
  serverDetail: { params: z.strictObject({ server: ServerName }), result: ServerDetailSchema },
  review: { params: z.strictObject({ server: ServerName.optional() }), result: z.array(ReviewItemSchema) },
  holds: { params: none, result: z.array(HoldSchema) },
  recentCalls: { params: none, result: z.array(CallRowSchema) },
  callDetail: { params: z.strictObject({ id: z.string().min(1).max(100) }), result: CallDetailSchema },
  /**
   * Approve a server's live surface, or one item, by the hash the user was shown. A whole-server
   * approval keeps every item the user quarantined quarantined, except those named in `release`.
   */
  approve: {
    params: z
      .strictObject({ server: ServerName, kind: ItemKindSchema.optional(), key: z.string().min(1).optional(), hash: z.string().min(1), release: z.array(ItemRefSchema).max(1000).optional() })
      .refine((p) => p.release === undefined || p.key === undefined, { message: 'release goes with a whole-server approval only (no key)', path: ['release'] }),
    result: z.object({ state: ServerStateSchema, generation: z.number().int().nonnegative() }),
  },
  quarantine: {
    params: z.strictObject({ server: ServerName, kind: ItemKindSchema.optional(), key: z.string().min(1).optional(), reason: z.string().max(500).optional() }),
    result: z.object({ state: ServerStateSchema }),
  },
  /** Quarantined servers and items, each with the hash its release (an approve) is bound to. */
  quarantined: { params: z.strictObject({ server: ServerName.optional() }), result: z.array(QuarantineEntrySchema) },
  /** What reverting to an earlier generation changes; `revert` approves it again as a new generation by its hash. */
  revertPlan: { params: z.strictObject({ server: ServerName, to: z.number().int().positive() }), result: RevertPlanSchema },
  revert: {
    params: z.strictObject({ server: ServerName, to: z.number().int().positive(), hash: z.string().min(1) }),
    result: z.object({ state: ServerStateSchema, generation: z.number().int().nonnegative() }),
  },
  /** Let one held call through, once; its item stays unapproved, so its next call is held again. */
  allowOnce: { params: z.strictObject({ holdId: z.string().min(1).max(100) }), result: z.object({ allowed: HoldSchema }) },
  bypassing: { params: none, result: z.array(BypassingServerSchema) },
  /** Register a server as `airlock servers add` does; secret values go to the secret store and are never sent back. */
  addServer: { params: AddServerParamsSchema, result: AddedServerSchema },
  /** Forget a server's config and secrets, as `airlock servers remove` does; its approved versions and audit events stay. */
  removeServer: { params: z.strictObject({ server: ServerName }), result: RemovedServerSchema },
  /** Which clients may use a server and its tools, as `airlock servers access NAME` shows it; `setClientAccess` changes one policy (audited). */
  clientAccess: { params: z.strictObject({ server: ServerName }), result: ClientAccessSchema },
  setClientAccess: { params: SetClientAccessParamsSchema, result: ClientAccessSchema },
  /** Sign in to a remote server: the Host opens the consent page in the browser and waits for it to come back. */
  signIn: { params: z.strictObject({ server: ServerName }), result: z.object({ outcome: z.enum(['signed-in', 'not-needed']), signInState: SignInStateSchema }) },
  /** Forget a remote server's tokens (revoked at the server where it offers that). */
  signOut: { params: z.strictObject({ server: ServerName }), result: z.object({ forgotten: z.boolean(), revocation: z.string(), signInState: SignInStateSchema }) },
  clientsList: { params: none, result: ClientsListSchema },
  /** The clients with a token for the MCP endpoint (never the tokens), and the endpoint's address when it runs. */
  clientTokens: { params: none, result: ClientTokensSchema },
  /** Makes (or with `replace`, replaces) a client's token: the only time the token itself is sent; the Host keeps its hash. */
  createClientToken: {
    params: z.strictObject({ name: ClientTokenNameSchema, replace: z.boolean().optional() }),
    result: z.object({ name: z.string(), token: z.string(), createdAt: z.string(), replaced: z.boolean() }),
  },
  /** Revokes a client's token: the endpoint refuses it from its next request and ends its sessions. */
  revokeClientToken: { params: z.strictObject({ name: ClientTokenNameSchema }), result: z.object({ revoked: z.literal(true) }) },
  clientsInstallPreview: { params: z.strictObject({ clients: z.array(ClientIdSchema).optional(), overHttp: z.boolean().optional() }), result: ClientsInstallPreviewSchema },
  clientsInstallApply: { params: z.strictObject({ planId: z.string().min(1), approveCurrent: z.boolean() }), result: ClientsInstallResultSchema },
  clientsRestorePreview: { params: z.strictObject({ clients: z.array(ClientIdSchema).optional() }), result: ClientsRestorePreviewSchema },
  clientsRestoreApply: { params: z.strictObject({ planId: z.string().min(1) }), result: z.object({ files: z.array(z.string()) }) },
  auditPage: {
    params: z.strictObject({ beforeSeq: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).optional(), server: ServerName.optional() }),
    result: AuditPageSchema,
  },
  /** One step of the chain check; pass back `checked` and `head` to continue. */
  auditVerifyStep: {
    params: z.strictObject({ checked: z.number().int().nonnegative(), head: z.string().regex(/^sha256:[0-9a-f]{64}$/).optional(), limit: z.number().int().min(1).max(100_000).optional() }),
    result: AuditVerifyStepSchema,
  },
  /** This machine's log key, as reviewers pin it (`airlock verify --trust`); null before the first checkpoint or export creates it. */
  logKey: { params: none, result: z.object({ fingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/).nullable() }) },
  receiptsExport: {
    params: z.strictObject({ server: ServerName.optional(), decision: DecisionSchema.optional(), limit: z.number().int().min(1).max(1000).optional() }),
    result: ReceiptBundleSchema,
  },
  /** The crash reports kept on this computer, each exactly as it would be shared (Airlock never sends one). */
  crashReports: { params: none, result: z.array(CrashReportSchema) },
  deleteCrashReport: { params: z.strictObject({ id: CrashReportIdSchema }), result: z.object({ deleted: z.boolean() }) },
  /** The program a server runs (issue 17): approved, last run, and whether its command pins the version. */
  serverProgram: { params: z.strictObject({ server: ServerName }), result: ServerProgramSchema },
  /** Rewrite a package command to the approved exact version, as `airlock servers pin` does (audited). */
  pinServer: { params: z.strictObject({ server: ServerName }), result: PinResultSchema },
} as const;

export type HostApiMethod = keyof typeof HOST_API_METHODS;
export const HOST_API_METHOD_NAMES = Object.keys(HOST_API_METHODS) as HostApiMethod[];
export type HostApiParams<M extends HostApiMethod> = z.input<(typeof HOST_API_METHODS)[M]['params']>;
export type HostApiResult<M extends HostApiMethod> = z.output<(typeof HOST_API_METHODS)[M]['result']>;

/** What the Host tells the window as it happens. */
export const HostApiEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call.started'), call: CallRowSchema }),
  z.object({ type: z.literal('call.finished'), call: CallRowSchema }),
  z.object({ type: z.literal('hold.opened'), hold: HoldSchema }),
  z.object({ type: z.literal('hold.resolved'), hold: HoldSchema, decision: z.enum(['ALLOW', 'DENY']), reason: z.string(), answeredBy: HoldAnswererSchema.optional() }),
  z.object({ type: z.literal('state.changed'), server: z.string(), from: ServerStateSchema, to: ServerStateSchema, generation: z.number().int().nonnegative() }),
  /** An approval or quarantine from any source (window, terminal, API): the review list may have changed. */
  z.object({ type: z.literal('trust.changed'), server: z.string(), state: ServerStateSchema, generation: z.number().int().nonnegative() }),
  z.object({ type: z.literal('surface.changed'), server: z.string(), liveHash: z.string(), approvedHash: z.string().nullable(), severity: z.string(), decision: z.string() }),
  z.object({ type: z.literal('clients.bypassing'), appeared: z.array(BypassingServerSchema), gone: z.array(BypassingServerSchema) }),
  /** A server was added to or removed from the registry (from the window). */
  z.object({ type: z.literal('servers.changed'), server: z.string(), change: z.enum(['added', 'removed']) }),
  /** A remote server's sign-in lapsed: its calls are held until the user signs in again; `reason` says how. */
  z.object({ type: z.literal('auth.required'), server: z.string(), reason: z.string() }),
  /** A remote server is signed in again: its held calls went on. */
  z.object({ type: z.literal('auth.restored'), server: z.string() }),
]);
export type HostApiEvent = z.infer<typeof HostApiEventSchema>;

/** The envelope both carriers move. */
export const HostApiRequestSchema = z.strictObject({
  method: z.enum(HOST_API_METHOD_NAMES as [HostApiMethod, ...HostApiMethod[]]),
  params: z.unknown(),
});
export type HostApiRequest = z.infer<typeof HostApiRequestSchema>;
export const HostApiResponseSchema = z.union([z.strictObject({ ok: z.literal(true), result: z.unknown() }), z.strictObject({ ok: z.literal(false), error: z.string() })]);
export type HostApiResponse = z.infer<typeof HostApiResponseSchema>;

/** Parameters checked against the method's schema; the message names every problem. */
export function parseHostApiParams<M extends HostApiMethod>(method: M, params: unknown): z.output<(typeof HOST_API_METHODS)[M]['params']> {
  const proto = prototypeKeyPath(params);
  // zod would drop the key silently; refused instead, so nothing the user sent vanishes.
  if (proto !== null) throw new HostApiError(`invalid parameters for ${method}: ${proto}: "__proto__" cannot be a name or a key here; nothing was changed`);
  const parsed = HOST_API_METHODS[method].params.safeParse(params ?? {});
  if (!parsed.success) throw new HostApiError(`invalid parameters for ${method}: ${issuesText(parsed.error)}`);
  return parsed.data as z.output<(typeof HOST_API_METHODS)[M]['params']>;
}

export function parseHostApiResult<M extends HostApiMethod>(method: M, result: unknown): HostApiResult<M> {
  const parsed = HOST_API_METHODS[method].result.safeParse(result);
  if (!parsed.success) throw new HostApiError(`the Host's answer to ${method} has an unexpected shape: ${issuesText(parsed.error)}`);
  return parsed.data as HostApiResult<M>;
}

/** A refused or failed HostApi call; the message is for the user. */
export class HostApiError extends Error {
  override name = 'HostApiError';
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`)
    .join('; ');
}
