import { randomBytes } from 'node:crypto';
import type { ClientDirs, Launcher } from '../clients/client-adapter.js';
import { scanClients } from '../clients/client-scan.js';
import { clientsListJson } from '../clients/clients-report.js';
import { displayCommand } from '../clients/command-display.js';
import { countAuditEvents, listAuditEvents, verifyAuditChainStep } from '../engine/audit/index.js';
import { getServerConfig, type Store } from '../engine/store/index.js';
import { listQuarantinedItems } from '../engine/store/quarantined-items.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../input/strict-json.js';
import {
  HostApiError,
  HostApiEventSchema,
  parseHostApiParams,
  parseHostApiResult,
  type HostApiEvent,
  type HostApiMethod,
  type HostApiParams,
} from '../shared/host-api/index.js';
import { carryOutInstall, carryOutRestore, proposeInstall, proposeRestore, withClientsLock, type InstallProposal, type RestoreProposal } from './client-changes.js';
import { REPLY_ENVELOPE_DEPTH, type ApproveTarget, type HostControl } from './control.js';
import type { Host } from './host.js';
import type { SecretCipher, SecretVault } from './secret-vault.js';
import { exportReceipts } from './receipts-export.js';
import { SecretStore } from './secret-store.js';
import { addServerFromWindow, removeServerFromWindow } from './server-edits.js';
import { SigningKey } from './signing-key.js';
import { ClientTokenError, createClientToken, listClientTokens, revokeClientToken } from './client-tokens.js';
import { deleteCrashReport, listCrashReports } from './crash-report/index.js';
import { pinServerFromWindow, serverProgram } from './provenance/server-program.js';
import { ClientPolicyError, clientPolicyView, setClientPolicy } from './client-policy.js';

/** A token refusal, in the window's words (the CLI's flags are not the window's buttons). */
function refusedForUser<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ClientTokenError) throw new HostApiError(error.message.replace(/: airlock clients token \S+ --replace$/, ': press Replace to make a new one'));
    throw error;
  }
}

/** A policy refusal (unknown token, tool…) as the window shows it. */
function policyForUser<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ClientPolicyError) throw new HostApiError(error.message);
    throw error;
  }
}

// Answers are typed loosely here and checked against the contract at runtime (parseHostApiResult):
// the Host's own types are wider (a state is a string) than the contract's enums.
type Handlers = { [M in HostApiMethod]: (params: HostApiParams<M>) => unknown };

/** A previewed change waits this long for its apply; after that the user previews again. */
const PROPOSAL_TTL_MS = 15 * 60_000;

export interface HostApiServiceOptions {
  host: Host;
  store: Store;
  home: string;
  /** Where the clients' files are (the Host's watched home, or the user's). */
  clientDirs: ClientDirs;
  env: NodeJS.ProcessEnv;
  /** Where imported servers' secrets go (default: the home's 0600 file). */
  secrets?: SecretVault;
  /** Opens the keychain-sealed signing key (the desktop app). */
  keyCipher?: SecretCipher;
  /** What routed client entries run (default: this Node and bin/airlock.js). */
  clientLauncher?: () => Launcher;
}

/**
 * The Host's side of the HostApi: every request's parameters are checked against the contract
 * before a handler runs, and every answer before it leaves, so neither carrier can pass
 * something the window was not built for.
 */
export class HostApiService {
  private readonly handlers: Handlers;
  private readonly proposals = new Map<string, { at: number; install?: InstallProposal; restore?: RestoreProposal }>();

  constructor(private readonly options: HostApiServiceOptions) {
    this.handlers = this.buildHandlers();
  }

  async invoke(method: string, rawParams: unknown): Promise<unknown> {
    if (!Object.hasOwn(this.handlers, method)) throw new HostApiError(`unknown method ${JSON.stringify(method)}`);
    const name = method as HostApiMethod;
    const params = parseHostApiParams(name, rawParams);
    const result = parseHostApiResult(name, await (this.handlers[name] as (p: unknown) => unknown)(params));
    // Both carriers serialize recursively (JSON.stringify, structured clone): refuse an answer
    // deeper than the values Airlock accepts at its edges, rather than overflow the stack there.
    if (jsonDepthExceeds(result, MAX_JSON_DEPTH + REPLY_ENVELOPE_DEPTH)) throw new HostApiError(`the Host's answer to ${name} nests deeper than ${MAX_JSON_DEPTH} levels, so it is not sent`);
    return result;
  }

  /**
   * A whole-server approval releases exactly the quarantined items the user ticked. Checked
   * again here after the approval, so a Host that failed to release one says so instead of
   * reporting success while the item is still denied.
   */
  private approve(server: string, target: ApproveTarget): ReturnType<HostControl['approve']> {
    const control: HostControl = this.options.host;
    const release = target.release ?? [];
    const quarantined = (): Set<string> => new Set(listQuarantinedItems(this.options.store, server).map((q) => `${q.kind}\u0000${q.key}`));
    const before = quarantined();
    const stale = release.find((r) => !before.has(`${r.kind}\u0000${r.key}`));
    // What the user ticked must still be quarantined: otherwise they decided on an older picture.
    if (stale !== undefined) throw new HostApiError(`approval refused for "${server}": ${stale.kind} "${stale.key}" is not quarantined, so there is nothing to release. Look at the server again.`);
    const result = control.approve(server, target);
    if (release.length === 0) return result;
    const still = quarantined();
    const kept = release.filter((r) => still.has(`${r.kind}\u0000${r.key}`));
    if (kept.length > 0) {
      throw new HostApiError(`"${server}" was approved, but ${kept.map((r) => `${r.kind} "${r.key}"`).join(', ')} is still quarantined: this Host did not release it. Approve that item on its own from the Review view.`);
    }
    return result;
  }

  /** The Host's events as HostApi events; returns the unsubscribe. */
  subscribe(listener: (event: HostApiEvent) => void): () => void {
    const { host } = this.options;
    // Each Host event becomes the HostApi event of the same name; an event that does not fit the
    // contract is dropped (the window reloads from queries) rather than sent half-right.
    // The schema keeps only known, flat fields, so an event never carries a deep value to a
    // carrier's JSON.stringify; the depth check says so at the one place events leave.
    const send = (event: unknown): void => {
      const parsed = HostApiEventSchema.safeParse(event);
      if (parsed.success && !jsonDepthExceeds(parsed.data, MAX_JSON_DEPTH)) listener(parsed.data);
    };
    const handlers = {
      'call.started': (e: { call: unknown }) => send({ type: 'call.started', call: e.call }),
      'call.finished': (e: { call: unknown }) => send({ type: 'call.finished', call: e.call }),
      'hold.opened': (hold: unknown) => send({ type: 'hold.opened', hold }),
      'hold.resolved': (e: object) => send({ type: 'hold.resolved', ...e }),
      'state.changed': (e: object) => send({ type: 'state.changed', ...e }),
      'trust.changed': (e: object) => send({ type: 'trust.changed', ...e }),
      'surface.changed': (e: object) => send({ type: 'surface.changed', ...e }),
      'clients.bypassing': (e: object) => send({ type: 'clients.bypassing', ...e }),
      'servers.changed': (e: object) => send({ type: 'servers.changed', ...e }),
      'auth.required': (e: object) => send({ type: 'auth.required', ...e }),
      'auth.restored': (e: object) => send({ type: 'auth.restored', ...e }),
    } as const;
    const on = host.on.bind(host) as unknown as (name: string, fn: (e: never) => void) => void;
    const off = host.off.bind(host) as unknown as (name: string, fn: (e: never) => void) => void;
    for (const [name, fn] of Object.entries(handlers)) on(name, fn);
    return () => {
      for (const [name, fn] of Object.entries(handlers)) off(name, fn);
    };
  }

  private buildHandlers(): Handlers {
    const { host, store, home, clientDirs, env, secrets, clientLauncher } = this.options;
    // The same vault the Host starts servers with (host.ts): the keychain in the app, else the 0600 file.
    const openVault = (): SecretVault => secrets ?? SecretStore.open(home);
    return {
      status: () => host.status(),
      servers: () => host.servers(),
      serverDetail: ({ server }) => {
        const summary = host.servers().find((s) => s.name === server);
        if (summary === undefined) throw new HostApiError(`there is no server named "${server}"`);
        const config = getServerConfig(store, server);
        const generations = [];
        for (let g = 1; g <= summary.generation; g++) {
          const baseline = store.getBaseline(server, g);
          if (baseline) generations.push({ generation: g, surfaceHash: baseline.surfaceHash, approvedAt: baseline.approvedAt, approvedBy: baseline.approvedBy });
        }
        return {
          summary,
          liveSurfaceHash: host.liveSurfaceHash(server),
          command: config?.command ?? null,
          commandLine: config ? displayCommand(config.command, config.args) : null,
          envKeys: config ? [...Object.keys(config.env), ...Object.keys(config.envFrom)].sort() : [],
          secretKeys: config?.remote ? [...config.remote.secretHeaders].sort() : config ? [...config.secretKeys].sort() : [],
          url: config?.remote?.url ?? null,
          transport: config?.remote?.transport ?? 'stdio',
          signInState: host.signInState(server),
          tools: host.tools(server),
          quarantinedItems: listQuarantinedItems(store, server).map(({ kind, key, reason }) => ({ kind, key, reason })),
          generations,
        };
      },
      review: ({ server }) => host.review(server),
      holds: () => host.holdsList(),
      recentCalls: () => host.calls.recent(),
      callDetail: ({ id }) => host.calls.detail(id),
      approve: ({ server, release, ...target }) => this.approve(server, release === undefined ? target : { ...target, release }),
      quarantine: ({ server, ...target }) => host.quarantine(server, target),
      quarantined: ({ server }) => host.quarantined(server),
      revertPlan: ({ server, to }) => host.revertPlan(server, to),
      revert: ({ server, to, hash }) => host.revert(server, to, hash),
      allowOnce: ({ holdId }) => host.allowOnce(holdId, 'the Airlock window'),
      bypassing: () => host.bypassing(),
      addServer: (params) => {
        const added = addServerFromWindow(store, openVault, params);
        host.emit('servers.changed', { server: added.name, change: 'added' });
        return added;
      },
      removeServer: ({ server }) => {
        const removed = removeServerFromWindow(store, openVault, clientDirs, server, () => host.oauthVault());
        host.emit('servers.changed', { server, change: 'removed' });
        return removed;
      },
      clientAccess: ({ server }) => policyForUser(() => clientPolicyView(store, server)),
      setClientAccess: ({ server, tool, allowed }) =>
        policyForUser(() => setClientPolicy(store, { server, tool: tool ?? null, allowed, by: 'window', withTools: tool === undefined && allowed === null })),
      signIn: async ({ server }) => ({ outcome: (await host.signIn(server)).outcome, signInState: host.signInState(server) }),
      signOut: async ({ server }) => {
        const { forgotten, revocation } = await host.signOut(server);
        return { forgotten, revocation, signInState: host.signInState(server) };
      },
      clientsList: () => clientsListJson(scanClients(clientDirs), clientDirs),
      clientTokens: () => ({ endpoint: host.mcpUrl, tokens: listClientTokens(store).map(({ name, createdAt, lastUsedAt }) => ({ name, createdAt, lastUsedAt })) }),
      createClientToken: ({ name, replace }) => {
        const { token, record, replaced } = refusedForUser(() => createClientToken(store, name, { replace: replace === true }));
        return { name, token, createdAt: record.createdAt, replaced };
      },
      revokeClientToken: ({ name }) => {
        refusedForUser(() => revokeClientToken(store, name));
        return { revoked: true as const };
      },
      clientsInstallPreview: ({ clients, overHttp }) => {
        // The window never writes a token into a file as text (--token-in-file is the CLI's, with its warning).
        const proposal = proposeInstall(store, home, clientDirs, clients, env, secrets, clientLauncher, { overHttp: overHttp === true });
        const planId = this.remember({ install: proposal });
        return { planId, files: proposal.files, skipped: proposal.skipped, unreadable: proposal.unreadable };
      },
      clientsInstallApply: ({ planId, approveCurrent }) => {
        const proposal = this.take(planId).install;
        if (proposal === undefined) throw new HostApiError('that preview is not an install preview');
        return withClientsLock(home, () => carryOutInstall(store, home, proposal, approveCurrent, secrets));
      },
      clientsRestorePreview: ({ clients }) => {
        const proposal = proposeRestore(home, clients);
        const planId = this.remember({ restore: proposal });
        return { planId, files: proposal.files, problems: proposal.problems };
      },
      clientsRestoreApply: ({ planId }) => {
        const proposal = this.take(planId).restore;
        if (proposal === undefined) throw new HostApiError('that preview is not a restore preview');
        return withClientsLock(home, () => carryOutRestore(store, home, proposal));
      },
      auditPage: ({ beforeSeq, limit, server }) => ({
        events: listAuditEvents(store, { newestFirst: true, limit: limit ?? 50, ...(beforeSeq === undefined ? {} : { beforeSeq }), ...(server === undefined ? {} : { server }) }).map((e) => ({
          seq: e.seq,
          ts: e.ts,
          type: e.type,
          server: e.server,
          tool: e.tool,
          decision: e.decision,
          rule: e.rule,
          findings: e.findings,
          hash: e.hash,
        })),
        total: countAuditEvents(store, server),
      }),
      auditVerifyStep: ({ checked, head, limit }) => ({
        // The last step holds the log to its newest checkpoint, signed by this home's key (or one it rotated from).
        ...verifyAuditChainStep(store, { checked, ...(head === undefined ? {} : { head }) }, limit ?? 2_000, SigningKey.trustedFingerprints(home)),
        total: countAuditEvents(store),
      }),
      logKey: () => ({ fingerprint: SigningKey.publicInfo(home)?.fingerprint ?? null }),
      receiptsExport: ({ server, decision, limit }) => {
        const seqs = listAuditEvents(store, { newestFirst: true, limit: limit ?? 100, ...(server === undefined ? {} : { server }), ...(decision === undefined ? {} : { decision }) }).map((e) => e.seq);
        if (seqs.length === 0) throw new HostApiError('no event matches: nothing to export');
        const key = SigningKey.loadOrCreate(home, this.options.keyCipher);
        return exportReceipts(store, key, key.rotations, { seqs: seqs.sort((a, b) => a - b) });
      },
      crashReports: () => listCrashReports(home),
      deleteCrashReport: ({ id }) => ({ deleted: deleteCrashReport(home, id) }),
      serverProgram: ({ server }) => serverProgram(store, server),
      pinServer: ({ server }) => pinServerFromWindow(store, server),
    };
  }

  private remember(proposal: { install?: InstallProposal; restore?: RestoreProposal }): string {
    const now = Date.now();
    for (const [id, p] of this.proposals) if (now - p.at > PROPOSAL_TTL_MS) this.proposals.delete(id);
    const id = randomBytes(12).toString('hex');
    this.proposals.set(id, { at: now, ...proposal });
    return id;
  }

  /** A previewed change, used once. */
  private take(planId: string): { install?: InstallProposal; restore?: RestoreProposal } {
    const proposal = this.proposals.get(planId);
    this.proposals.delete(planId);
    if (proposal === undefined || Date.now() - proposal.at > PROPOSAL_TTL_MS) throw new HostApiError('that preview has expired or was already applied; preview the change again');
    return proposal;
  }
}
