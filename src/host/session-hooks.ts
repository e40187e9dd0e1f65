import type { TrustRegistry } from '../engine/controller/trust-registry.js';
import type { GateContext, GateRules, ItemStatus } from '../engine/gate/gate.js';
import type { ServerConfig } from '../engine/store/server-configs.js';
import type { Surface } from '../engine/surface.js';
import type { RelayHooks, RelaySession } from '../proxy/relay-session.js';
import type { AuditBatcher } from './audit-batcher.js';
import type { CallTracker } from './call-tracker.js';
import { sessionClientAccess, type ClientPolicySource } from './client-policy-check.js';

/** For host.ts's hook deps (`clientPolicies: clientPolicySource(store)`). */
export { clientPolicySource } from './client-policy-check.js';
import type { RemoteSignIns } from './remote-sign-in.js';
import { UpstreamStdio } from '../proxy/upstream-stdio.js';
import type { Upstream } from '../proxy/upstream.js';
import { redactSecrets, type Secret } from './secret.js';
import { buildServerEnv, describeMissingEnv } from './server-env.js';
import { sessionProvenance, withProvenance } from './provenance/session-provenance.js';

/** How long after a listing failed on a fault of Airlock's own store the session lists again. */
const STORE_RETRY_MS = 1_000;

/** Where a session's server starts (stdio) and what it is attributed to. */
export interface SessionOrigin {
  via: SessionVia;
  /** connect only: the AI client whose installed entry started it (`airlock connect NAME --client=ID`), for client policies. */
  entry?: string;
  cwd: string;
  /** The client's PATH, to find the server's command as the client would have (connect only). */
  path?: string;
}

/** Where a session came from, for the audit log and the window: `airlock connect`, or a client's token of the MCP endpoint. */
export type SessionVia = 'connect' | `token ${string}`;

/** A stdio server's process for one session, with its environment and secrets (refused, naming them, when a variable is missing). */
export function stdioUpstream(config: ServerConfig, secrets: Record<string, Secret>, origin: SessionOrigin, options: { hostEnv: NodeJS.ProcessEnv; maxFrameBytes?: number }): Upstream {
  const { env, missing } = buildServerEnv({ config, secrets, hostEnv: options.hostEnv, ...(origin.path ? { clientPath: origin.path } : {}) });
  if (missing.length > 0) throw new Error(describeMissingEnv(config, missing));
  return new UpstreamStdio({
    command: config.command,
    args: config.args,
    env,
    cwd: origin.cwd,
    ...(options.maxFrameBytes ? { maxFrameBytes: options.maxFrameBytes } : {}),
    redact: (text) => redactSecrets(text, Object.values(secrets)),
  });
}

/** What a session's hooks reach in the Host. */
export interface SessionHookDeps {
  registry: TrustRegistry;
  gateRules: GateRules;
  audit: AuditBatcher;
  remote: RemoteSignIns;
  tracker: CallTracker;
  /** Each server's last listing observed (its JSON's SHA-256). */
  lastListing: Map<string, string>;
  observe(server: string, surface: Surface, approveOnFirstList: boolean): void;
  log(message: string): void;
  /** Which clients may use which server (issue 17). */
  clientPolicies: ClientPolicySource;
}

/**
 * What one relay session asks of the Host (RelayHooks): the gate's context, failing closed when
 * the log cannot be written or the server cannot be pinned; calls to the tracker; listings to
 * the registry. `session` is read when a hook runs, after the session exists; `upstream` is its
 * server, whose program (for a stdio server: resolved where and as it was started) is pinned
 * beside the surface.
 */
export function sessionHooks(deps: SessionHookDeps, config: ServerConfig, origin: string | Pick<SessionOrigin, 'via' | 'entry'>, secretValues: readonly string[], session: () => RelaySession, upstream: Upstream): RelayHooks {
  const name = config.name;
  const { via, entry = null } = typeof origin === 'string' ? { via: origin } : origin;
  // Which clients may use this server: checked by the gate on each call (R5), and applied to the lists it serves.
  const access = sessionClientAccess(deps.clientPolicies, name, () => ({ via, entry, clientName: session().clientName }));
  // Why this session's last listing could not be pinned (ambiguous, unparseable, no answer): calls wait for a clean one.
  let listingFailure: string | null = null;
  // The program this session runs (issue 17), pinned beside its surface; each session lists once at least, since its program may differ.
  const program = sessionProvenance(config, upstream instanceof UpstreamStdio ? { cwd: upstream.launch.cwd ?? process.cwd(), env: upstream.launch.env } : null);
  let listedOnce = false;
  const caller = () => ({ id: session().id, clientName: session().clientName, via });
  return {
    gateContext: () => {
      // Added to the registry's fresh object, not spread into a new one: a spread followed by new keys costs ≈ 0.8 µs a key, on every message.
      const ctx: GateContext = Object.assign(deps.registry.gateContext(name), { rules: deps.gateRules, secrets: secretValues, clientAccess: access.refusal });
      // Fail closed: a Host that can no longer write its log, or a session whose server cannot be pinned, answers no call.
      const refusal = deps.audit.refusal;
      if (refusal !== null) return { ...ctx, unavailable: refusal };
      // A lapsed sign-in holds calls until the user signs in: the server cannot be listed meanwhile, so an item
      // not seen yet waits too; after the sign-in each is judged again as usual (sign-in-watch.ts).
      if (config.remote && deps.remote.watch.lapse(name) !== undefined) return { ...ctx, itemStatus: (kind, key) => heldForSignIn(ctx.itemStatus(kind, key)) };
      if (listingFailure) return { ...ctx, unavailable: `Airlock could not pin what "${name}" lists now (${listingFailure}); its calls are refused until it lists cleanly` };
      return ctx;
    },
    judged: (judgement) => deps.tracker.judged(name, caller(), judgement, secretValues),
    hold: (judgement, cancelled) => deps.tracker.hold(name, caller(), judgement, cancelled),
    finished: (call, v, response, latencyMs) => deps.tracker.finished(name, session().id, call, v, response, latencyMs, secretValues),
    fromServer: ({ verdict: v, message }) => {
      const method = message && message.kind !== 'result' && message.kind !== 'error' ? message.message.method : null;
      deps.audit.append({ type: 'server.message', server: name, decision: v.decision, rule: v.rule, detail: { code: v.code, method, kind: message?.kind ?? 'invalid' } });
      if (v.decision !== 'ALLOW') deps.log(`${v.decision} ${name}: ${v.reason}`);
    },
    observe: (surface, listing) => {
      listingFailure = null;
      deps.lastListing.delete(name);
      deps.observe(name, withProvenance(surface, program()), config.approveOnFirstList);
      listedOnce = true;
      deps.lastListing.set(name, listing);
    },
    // An unchanged re-list (every tools/list a client sends) skips reading and diffing it again: 500 tools cost ≈ 100 ms of it.
    sameListing: (listing) => listingFailure === null && listedOnce && deps.lastListing.get(name) === listing,
    observeFailed: (error) => {
      deps.lastListing.delete(name);
      listingFailure = error.message;
      deps.log(`could not list "${name}": ${error.message}; its calls are refused until it lists cleanly`);
      // Airlock's own store failed (full, read-only, locked), not the server: list again once it may have recovered.
      if (/^SQLITE_/.test(String((error as { code?: unknown }).code))) return STORE_RETRY_MS;
    },
    served: () => access.served(deps.registry.controller(name).servedSurface()),
    log: (message) => deps.log(message),
  };
}

/** An item's status while its server waits for a sign-in: what would go through, or is not known yet, waits. */
function heldForSignIn(status: ItemStatus): ItemStatus {
  return status === 'approved' || status === 'unknown' ? 'held' : status;
}
