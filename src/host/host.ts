import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { unlinkSync } from 'node:fs';
import { BypassWatch, type BypassingServer } from '../clients/bypass-watch.js';
import type { ClientDirs, Launcher } from '../clients/client-adapter.js';
import { ApprovalRefusedError } from '../engine/controller/server-controller.js';
import { TrustRegistry } from '../engine/controller/trust-registry.js';
import type { ServerState } from '../engine/decision.js';
import type { GateContext, GateRules, ItemStatus } from '../engine/gate/gate.js';
import { acquireHomeLock, openStore, type HomeLock, type Store } from '../engine/store/index.js';
import { getServerConfig, listServerConfigs } from '../engine/store/server-configs.js';
import type { ItemKind, Surface } from '../engine/surface.js';
import type { Duplex } from 'node:stream';
import os from 'node:os';
import { hostSocketPath, listenHostSocket, readHello, writeHelloReply, type Hello } from '../proxy/local-socket.js';
import { RelaySession } from '../proxy/relay-session.js';
import { UpstreamStdio } from '../proxy/upstream-stdio.js';
import type { Upstream } from '../proxy/upstream.js';
import type { ServerConfig } from '../engine/store/server-configs.js';
import type { AuthorizationOpener, OAuthVault, SignInResult, SignInState, SignOutResult } from './oauth/index.js';
import { remoteUpstream } from './remote-upstream.js';
import { RemoteSignIns } from './remote-sign-in.js';
import { signInAgainText } from './sign-in-watch.js';
import type { Secret } from './secret.js';
import { AuditBatcher } from './audit-batcher.js';
import type { CallLog } from './call-log.js';
import { callsFromAudit } from './call-audit.js';
import { CallTracker } from './call-tracker.js';
import { serveControl, type ApproveTarget, type CallArguments, type HostControl, type ServerSummary, type ToolState } from './control.js';
import { startControlHttp, type ControlHttp } from './control-http.js';
import { HostApiService } from './host-api-service.js';
import { clientDirs } from '../clients/client-dirs.js';
import { withAirlockEndpoint } from './client-changes.js';
import { writeControlEndpoint, removeControlEndpoint, defaultRendererDir } from './control-endpoint.js';
import { controlToken } from './control-token.js';
import { listenPreferring, rememberControlPort } from './control-port.js';
import { HostEndpoint } from './host-endpoint.js';
import { DEFAULT_HOLD_TIMEOUT_MS, HoldBook } from './hold-book.js';
import type { HostEvents, HoldView } from './host-events.js';
import { reviewItems, type ReviewItem } from './review-items.js';
import { quarantineEntries } from './quarantine-entries.js';
import { isUndecided, type QuarantineEntry } from '../shared/host-api/ways-back.js';
import type { RevertPlan } from '../engine/controller/trust-registry.js';
import { redactSecrets } from './secret.js';
import { SecretStore } from './secret-store.js';
import type { SecretCipher, SecretVault } from './secret-vault.js';
import { signCheckpointIfDue } from './checkpoint-signing.js';
import { hostGateRules } from './gate-rules.js';
import type { ResponseCheckPolicy } from '../engine/gate/response-checks.js';
import { buildServerEnv, describeMissingEnv } from './server-env.js';
import { worstSeverity } from '../engine/severity.js';

export interface HostOptions {
  home: string;
  /** How long a held call waits for an answer before it is denied. */
  holdTimeoutMs?: number;
  /** Listen on the home's local socket (false: an in-process Host for one CLI command). */
  listen?: boolean;
  /** Who holds the home, for the lock's message ("airlock serve", "desktop app"…). */
  kind?: string;
  /** The environment servers' --env-from variables are read from. */
  env?: NodeJS.ProcessEnv;
  maxFrameBytes?: number;
  /** Also serve the control API on 127.0.0.1:port (0 picks a free port). */
  port?: number;
  /** Try this port first and fall back to `port` when it is taken (the port the home's last Host used). */
  preferredPort?: number;
  /** Watch these AI clients' config files for servers that bypass Airlock (off when absent). */
  clients?: ClientDirs;
  /** How often the client files are checked. */
  clientWatchMs?: number;
  /** The built window served at the control API's root (default: this package's out/renderer). */
  rendererDir?: string;
  /** Where upstream secrets live (default: the home's 0600 secrets file; the desktop app passes the keychain). */
  secrets?: SecretVault;
  /** Seals the receipt signing key with the OS keychain (the desktop app); without it the key is a 0600 file. */
  keyCipher?: SecretCipher;
  /** What rule R6 does with each finding in a server's answers (default: DEFAULT_RESPONSE_POLICY). */
  responseChecks?: ResponseCheckPolicy;
  /** What client entries routed through Airlock run (default: this Node and bin/airlock.js; the desktop app passes appLauncher). */
  clientLauncher?: () => Launcher;
  /** Seals remote servers' sign-ins (the desktop app passes the keychain's cipher); without it, the home's 0600 file key. */
  oauthCipher?: SecretCipher;
  /** Shows a sign-in's consent page: Electron's shell.openExternal in the app; default the system opener (or AIRLOCK_BROWSER). */
  openBrowser?: AuthorizationOpener;
  /** Serve the MCP endpoint for HTTP clients on http://127.0.0.1:port/mcp/NAME (0 picks a free port). */
  mcpPort?: number;
  /** Try this port first for the MCP endpoint (the one clients were given), falling back to `mcpPort`. */
  preferredMcpPort?: number;
}

/** Where a session came from, for the audit log and the window: `airlock connect`, or a client's token of the MCP endpoint. */
export type SessionVia = 'connect' | `token ${string}`;

/** Where a session's server starts (stdio) and what it is attributed to. */
interface SessionOrigin {
  via: SessionVia;
  cwd: string;
  /** The client's PATH, to find the server's command as the client would have (connect only). */
  path?: string;
}

const DRAIN_MS = 10_000;
const CHECKPOINT_CHECK_MS = 5_000;


/**
 * The Host of one Airlock home: owns the store and the trust registry, accepts `airlock
 * connect` sessions and control requests on the home's local socket, holds calls until the
 * user answers, and emits what happens for the UI and the CLI.
 */
export class Host extends EventEmitter<HostEvents> implements HostControl {
  private readonly registry: TrustRegistry;
  private readonly holds: HoldBook;
  private readonly audit: AuditBatcher;
  private readonly sessions = new Set<RelaySession>();
  private server: net.Server | null = null;
  private http: ControlHttp | null = null;
  private endpoint: HostEndpoint | null = null;
  /** Each server's last listing observed (its JSON's SHA-256), so an identical re-list is not judged again. */
  private readonly lastListing = new Map<string, string>();
  /** The HostApi the window uses (over the control API's HTTP, or Electron IPC). */
  readonly api: HostApiService;
  private stopping: Promise<void> | null = null;
  private readonly checkpointTimer: NodeJS.Timeout;
  private bypassWatch: BypassWatch | null = null;
  /** Each call's decision, hold, answer and finish: audited, and the window's recent calls. */
  private readonly tracker: CallTracker;
  private readonly gateRules: GateRules;
  /** Remote servers' sign-ins, and which of them wait for a person to sign in again. */
  private readonly remote: RemoteSignIns;

  private constructor(
    readonly home: string,
    private readonly store: Store,
    private readonly lock: HomeLock,
    private readonly options: HostOptions,
  ) {
    super();
    this.registry = new TrustRegistry(store);
    this.gateRules = hostGateRules(options.responseChecks);
    this.remote = new RemoteSignIns({
      home,
      store,
      ...(options.oauthCipher ? { oauthCipher: options.oauthCipher } : {}),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
      env: options.env ?? process.env,
      audit: (event) => this.audit.append(event),
      log: (message) => this.log(message),
      changed: (server, reason) => this.signInChanged(server, reason),
    });
    this.api = new HostApiService({
      host: this,
      store,
      home,
      // Entries pointing at this home's MCP endpoint count as routed.
      clientDirs: withAirlockEndpoint(options.clients ?? clientDirs(), home),
      env: options.env ?? process.env,
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.clientLauncher ? { clientLauncher: options.clientLauncher } : {}),
      ...(options.keyCipher ? { keyCipher: options.keyCipher } : {}),
    });
    this.audit = new AuditBatcher(home, (error) => this.log(`audit log write failed, calls are now refused: ${error.message}`));
    const holdTimeoutMs = options.holdTimeoutMs ?? DEFAULT_HOLD_TIMEOUT_MS;
    this.tracker = new CallTracker({
      registry: this.registry,
      holds: () => this.holds,
      append: (event) => this.audit.append(event),
      emit: this.emit.bind(this),
      log: (message) => this.log(message),
      lapse: (server) => this.remote.watch.lapse(server),
      holdTimeoutMs,
    });
    this.holds = new HoldBook(holdTimeoutMs, (view, final, by) => this.tracker.holdResolved(view, final, by));
    // Sign a checkpoint every 256 events or 60 s (checked every few seconds), and at shutdown.
    this.checkpointTimer = setInterval(() => this.checkpoint(false), CHECKPOINT_CHECK_MS);
    this.checkpointTimer.unref();
  }

  static async start(options: HostOptions): Promise<Host> {
    const lock = acquireHomeLock(options.home, { kind: options.kind ?? 'airlock serve' });
    let store: Store | undefined;
    try {
      store = openStore(options.home);
      const host = new Host(options.home, store, lock, options);
      host.seedCalls();
      if (options.listen !== false) host.server = await listenHostSocket(options.home, (socket) => void host.accept(socket));
      if (options.clients !== undefined) host.watchClients(withAirlockEndpoint(options.clients, options.home), options.clientWatchMs);
      if (options.port !== undefined) {
        const token = controlToken(options.home);
        host.http = await listenPreferring(options.preferredPort, options.port, (port) => startControlHttp(host, { port, token, log: (m) => host.log(m), api: host.api, rendererDir: options.rendererDir ?? defaultRendererDir() }));
        writeControlEndpoint(options.home, { url: host.http.url, pid: process.pid });
        rememberControlPort(options.home, Number(new URL(host.http.url).port));
      }
      if (options.mcpPort !== undefined) {
        host.endpoint = await HostEndpoint.start({
          home: options.home,
          store,
          port: options.mcpPort,
          ...(options.preferredMcpPort === undefined ? {} : { preferred: options.preferredMcpPort }),
          ...(options.maxFrameBytes ? { maxBodyBytes: options.maxFrameBytes } : {}),
          open: (server, client, relaySide) => {
            if (host.stopping) throw new Error('the Airlock host is stopping; try again in a moment');
            return host.openRelay(server, relaySide, { via: `token ${client}`, cwd: os.homedir() });
          },
          log: (message) => host.log(message),
        });
      }
      return host;
    } catch (error) {
      store?.close();
      lock.release();
      throw error;
    }
  }

  /** The Live view's rows from before this start, read back from the audit log; a log it cannot read leaves them empty. */
  private seedCalls(): void {
    try {
      this.calls.seed(callsFromAudit(this.store));
    } catch (error) {
      this.log(`could not read the recent calls back from the audit log (${(error as Error).message}); the Live view starts empty. Check the log with: airlock audit verify`);
    }
  }

  /** The MCP endpoint's base address (its servers are at /mcp/NAME), when it was started. */
  get mcpUrl(): string | null {
    return this.endpoint?.url ?? null;
  }

  /** Recent calls for the window: in memory, seeded at start from the audit log (without contents). */
  get calls(): CallLog {
    return this.tracker.calls;
  }

  /** The loopback control API's address, when started with a port. */
  get controlUrl(): string | null {
    return this.http?.url ?? null;
  }

  get socketPath(): string {
    return hostSocketPath(this.home);
  }

  /** Stops accepting, lets in-flight calls finish (up to 10 s), then ends every session. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.server?.close();
      this.http?.close();
      if (this.http) removeControlEndpoint(this.home);
      this.bypassWatch?.stop();
      this.remote.watch.stop();
      this.holds.denyWhere(() => true, 'the Airlock host is stopping; the held call was denied. Start it again and retry.', 'hold-host-stopped');
      const deadline = Date.now() + DRAIN_MS;
      while ([...this.sessions].some((s) => s.inFlight > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await Promise.all([...this.sessions].map((s) => s.close('the Airlock host stopped')));
      await this.endpoint?.close();
      clearInterval(this.checkpointTimer);
      await this.audit.close();
      this.checkpoint(true);
      this.store.close();
      if (this.server && process.platform !== 'win32') {
        try {
          unlinkSync(this.socketPath);
        } catch {
          // Already gone.
        }
      }
      this.lock.release();
    })();
    return this.stopping;
  }

  /**
   * Reports client entries that start a server without Airlock. The first scan only reports;
   * one that appears later (a server added by hand, or by a client's own UI) is also audited.
   */
  private watchClients(dirs: ClientDirs, intervalMs?: number): void {
    let first = true;
    this.bypassWatch = new BypassWatch(
      dirs,
      (appeared, gone) => {
        for (const b of appeared) {
          this.log(`${b.clientName} starts server "${b.name}" without Airlock (${b.file}); ${b.routable ? 'route it with: airlock clients install' : `it cannot be routed: ${b.reason ?? 'unknown reason'}`}`);
          if (!first) this.audit.append({ type: 'client.bypass-detected', detail: { client: b.client, file: b.file, entry: b.name, transport: b.transport, routable: b.routable } });
        }
        this.emit('clients.bypassing', { appeared, gone });
      },
      intervalMs,
    );
    this.bypassWatch.start();
    first = false;
  }

  /** Client entries that bypass Airlock now (empty when the Host does not watch client files). */
  bypassing(): BypassingServer[] {
    return this.bypassWatch?.current() ?? [];
  }

  // ---- control API (the same for the CLI over the socket and for in-process use) ----

  status(): { home: string; pid: number; sessions: number; servers: ServerSummary[] } {
    return { home: this.home, pid: process.pid, sessions: this.sessions.size, servers: this.servers() };
  }

  servers(): ServerSummary[] {
    const configured = new Set(listServerConfigs(this.store).map((c) => c.name));
    const names = new Set([...configured, ...this.registry.states().map((s) => s.name)]);
    return [...names].sort().map((name) => {
      const c = this.registry.controller(name);
      return { name, state: c.state, generation: c.generation, held: this.review(name).filter(isUndecided).length, pendingCalls: this.holds.list(name).length, configured: configured.has(name) };
    });
  }

  review(server?: string): ReviewItem[] {
    const names = server === undefined ? this.registry.states().map((s) => s.name) : [this.requireServer(server)];
    return names.flatMap((name) => reviewItems(this.registry.controller(name), this.holds.list(name)));
  }

  /** What is quarantined (whole servers and single items), each with what its release approves. */
  quarantined(server?: string): QuarantineEntry[] {
    const names = server === undefined ? this.registry.states().map((s) => s.name) : [this.requireServer(server)];
    return names.flatMap((name) => quarantineEntries(this.registry.controller(name)));
  }

  /** What reverting a server to an earlier generation would change in what is approved. */
  revertPlan(server: string, to: number): RevertPlan {
    return this.registry.revertPlan(this.requireServer(server), to);
  }

  /** Approves an earlier generation again as a new one, bound to that generation's hash as shown. */
  revert(server: string, to: number, hash: string): { state: ServerState; generation: number } {
    const name = this.requireServer(server);
    const before = this.registry.controller(name).state;
    this.registry.revert(name, to, hash, 'user');
    this.afterTrustChange(name, before);
    const c = this.registry.controller(name);
    this.log(`"${name}": reverted to generation ${to}, approved again as generation ${c.generation}`);
    return { state: c.state, generation: c.generation };
  }

  /** The hash of what the server lists now; null before its first listing. */
  liveSurfaceHash(server: string): string | null {
    return this.registry.controller(this.requireServer(server)).snapshot.record.liveHash ?? null;
  }

  holdsList(): HoldView[] {
    return this.holds.list();
  }

  tools(server?: string): ToolState[] {
    const names = server === undefined ? this.registry.states().map((s) => s.name) : [this.requireServer(server)];
    return names.flatMap((name) => {
      const c = this.registry.controller(name);
      const report = c.snapshot.report;
      if (!report) return [];
      return report.items
        .filter((i) => i.kind === 'tool')
        .map((i) => ({ server: name, tool: i.key, status: i.status, gate: c.state === 'RED' ? 'denied (server quarantined)' : c.itemStatus('tool', i.key), severity: worstSeverity(i.findings.map((f) => f.severity)) }));
    });
  }

  approve(server: string, target: ApproveTarget): { state: ServerState; generation: number } {
    const name = this.requireServer(server);
    const before = this.registry.controller(name).state;
    if (target.key !== undefined) this.registry.approveItem(name, target.kind ?? 'tool', target.key, target.hash, 'user');
    else this.registry.approve(name, target.hash, 'user', target.release ?? []);
    this.afterTrustChange(name, before);
    const c = this.registry.controller(name);
    return { state: c.state, generation: c.generation };
  }

  quarantine(server: string, target: { kind?: ItemKind; key?: string; reason?: string }): { state: ServerState } {
    const name = this.requireServer(server);
    const before = this.registry.controller(name).state;
    const reason = target.reason ?? 'quarantined by the user';
    if (target.key !== undefined) this.registry.quarantineItem(name, target.kind ?? 'tool', target.key, reason);
    else this.registry.quarantine(name, reason);
    this.afterTrustChange(name, before);
    return { state: this.registry.controller(name).state };
  }

  callArguments(callId: string): CallArguments {
    const detail = this.calls.detail(callId);
    return { available: detail.available, arguments: detail.arguments };
  }

  /**
   * Lets one held call through without approving its item: the next call to it is held again.
   * Bound to the hold id the user saw, so it can never release a different call.
   */
  allowOnce(holdId: string, by = 'the user'): { allowed: HoldView } {
    const allowed = this.holds.allowOnce(holdId, by);
    if (allowed === null) throw new ApprovalRefusedError(`that held call (${holdId}) is no longer waiting: it was answered, timed out or its client left. See what still waits with: airlock review`);
    return { allowed };
  }

  // ---- sessions ----

  private async accept(socket: net.Socket): Promise<void> {
    socket.on('error', () => undefined);
    let hello: Hello;
    try {
      hello = await readHello(socket);
    } catch (error) {
      socket.destroy();
      this.log(`a local connection sent no valid hello: ${(error as Error).message}`);
      return;
    }
    if (this.stopping) return void this.refuse(socket, 'the Airlock host is stopping; try again in a moment');
    if (hello.hello === 'control') {
      writeHelloReply(socket, { hello: 'ok' });
      serveControl(socket, this, (message) => this.log(message));
      return;
    }
    try {
      this.openRelay(hello.server, socket, { via: 'connect', cwd: hello.cwd, ...(hello.path ? { path: hello.path } : {}) }, () => writeHelloReply(socket, { hello: 'ok' }));
    } catch (error) {
      this.refuse(socket, (error as Error).message);
    }
  }

  /**
   * Starts a session of `server` for a client on `client` (the local socket of `airlock connect`,
   * or one side of an MCP endpoint session). Throws, before anything starts, when the server is
   * unknown or cannot be started; `ready` runs once the upstream exists, before any byte is relayed.
   */
  private openRelay(server: string, client: Duplex, origin: SessionOrigin, ready?: () => void): RelaySession {
    const config = getServerConfig(this.store, server);
    if (!config) throw new Error(`there is no server named "${server}" in ${this.home}. Add it with: airlock servers add ${server} -- COMMAND [ARGS…]`);
    const secrets = (this.options.secrets ?? SecretStore.open(this.home)).get(config.name);
    const secretValues = Object.values(secrets).map((secret) => secret.reveal());
    const upstream = config.remote
      ? remoteUpstream(config, secrets, {
          oauthVault: this.oauthVault(),
          authRequired: (reason) => this.remote.watch.note(config.name, reason, signInAgainText(config.name, config.remote)),
          env: this.options.env ?? process.env,
          ...(this.options.maxFrameBytes ? { maxFrameBytes: this.options.maxFrameBytes } : {}),
          log: (message) => this.log(message),
        })
      : this.stdioUpstream(config, secrets, origin);
    ready?.();
    const name = config.name;
    // Why this session's last listing could not be pinned (ambiguous, unparseable, no answer): calls wait for a clean one.
    let listingFailure: string | null = null;
    const session: RelaySession = new RelaySession(
      name,
      client,
      upstream,
      {
        gateContext: () => {
          // Added to the registry's fresh object, not spread into a new one: a spread followed by new keys costs ≈ 0.8 µs a key, on every message.
          const ctx: GateContext = Object.assign(this.registry.gateContext(name), { rules: this.gateRules, secrets: secretValues });
          // Fail closed: a Host that can no longer write its log, or a session whose server cannot be pinned, answers no call.
          if (this.audit.broken) return { ...ctx, unavailable: `Airlock cannot write its audit log (${this.audit.broken.message}). Check the disk and restart Airlock.` };
          // A lapsed sign-in holds calls until the user signs in: the server cannot be listed meanwhile, so an item
          // not seen yet waits too; after the sign-in each is judged again as usual (sign-in-watch.ts).
          if (config.remote && this.remote.watch.lapse(name) !== undefined) return { ...ctx, itemStatus: (kind, key) => heldForSignIn(ctx.itemStatus(kind, key)) };
          if (listingFailure) return { ...ctx, unavailable: `Airlock could not pin what "${name}" lists now (${listingFailure}); its calls are refused until it lists cleanly` };
          return ctx;
        },
        judged: (judgement) => this.tracker.judged(name, { id: session.id, clientName: session.clientName, via: origin.via }, judgement, secretValues),
        hold: (judgement) => this.tracker.hold(name, { id: session.id, clientName: session.clientName, via: origin.via }, judgement),
        finished: (call, v, response, latencyMs) => this.tracker.finished(name, session.id, call, v, response, latencyMs, secretValues),
        fromServer: ({ verdict: v, message }) => {
          const method = message && message.kind !== 'result' && message.kind !== 'error' ? message.message.method : null;
          this.audit.append({ type: 'server.message', server: name, decision: v.decision, rule: v.rule, detail: { code: v.code, method, kind: message?.kind ?? 'invalid' } });
          if (v.decision !== 'ALLOW') this.log(`${v.decision} ${name}: ${v.reason}`);
        },
        observe: (surface, listing) => {
          listingFailure = null;
          this.lastListing.delete(name);
          this.observe(name, surface, config.approveOnFirstList);
          this.lastListing.set(name, listing);
        },
        // An unchanged re-list (every tools/list a client sends) skips reading and diffing it again: 500 tools cost ≈ 100 ms of it.
        sameListing: (listing) => listingFailure === null && this.lastListing.get(name) === listing,
        observeFailed: (error) => {
          this.lastListing.delete(name);
          listingFailure = error.message;
          this.log(`could not list "${name}": ${error.message}; its calls are refused until it lists cleanly`);
        },
        served: () => this.registry.controller(name).servedSurface(),
        log: (message) => this.log(message),
      },
      this.options.maxFrameBytes,
    );
    this.sessions.add(session);
    void session.closedPromise.then(() => {
      this.sessions.delete(session);
      this.holds.denyWhere((h) => h.sessionId === session.id, 'the client disconnected while its call was held');
    });
    session.start();
    this.log(`session ${session.id}: a client connected to "${name}" through ${origin.via === 'connect' ? 'airlock connect' : `the MCP endpoint (${origin.via})`} (${config.remote ? config.remote.url : config.command})`);
    return session;
  }

  private stdioUpstream(config: ServerConfig, secrets: Record<string, Secret>, origin: SessionOrigin): Upstream {
    const { env, missing } = buildServerEnv({ config, secrets, hostEnv: this.options.env ?? process.env, ...(origin.path ? { clientPath: origin.path } : {}) });
    if (missing.length > 0) throw new Error(describeMissingEnv(config, missing));
    return new UpstreamStdio({
      command: config.command,
      args: config.args,
      env,
      cwd: origin.cwd,
      ...(this.options.maxFrameBytes ? { maxFrameBytes: this.options.maxFrameBytes } : {}),
      redact: (text) => redactSecrets(text, Object.values(secrets)),
    });
  }

  /** The sealed vault of remote servers' sign-ins, opened on first use. */
  oauthVault(): OAuthVault {
    return this.remote.oauthVault();
  }

  signInState(server: string): SignInState {
    return this.remote.state(server);
  }

  signIn(server: string): Promise<{ outcome: SignInResult['outcome'] }> {
    return this.remote.signIn(server);
  }

  signOut(server: string): Promise<SignOutResult> {
    return this.remote.signOut(server);
  }

  /** A lapse begins (reason) or ends (null): tell the window, and let held calls go on once signed in. */
  private signInChanged(server: string, reason: string | null): void {
    if (reason !== null) {
      this.log(`"${server}": calls are held: ${reason}`);
      this.emit('auth.required', { server, reason });
      return;
    }
    this.log(`"${server}": signed in again; held calls go on`);
    this.emit('auth.restored', { server });
    const c = this.registry.controller(server);
    this.holds.reevaluate(server, c.state, (kind, key) => c.itemStatus(kind, key));
  }

  private refuse(socket: net.Socket, message: string): void {
    writeHelloReply(socket, { hello: 'error', message });
    socket.end();
    this.log(`refused a connection: ${message}`);
  }

  private observe(server: string, surface: Surface, approveOnFirstList: boolean): void {
    const before = this.registry.controller(server).state;
    const generation = this.registry.controller(server).generation;
    const outcome = this.registry.observe(server, surface);
    if (outcome.report.changed && outcome.events.length > 0) {
      this.emit('surface.changed', { server, liveHash: outcome.report.liveHash, approvedHash: outcome.report.approvedHash, severity: outcome.report.severity, decision: outcome.verdict.decision });
      this.log(`"${server}" surface: ${outcome.verdict.decision} — ${outcome.verdict.reason}`);
    }
    const controller = this.registry.controller(server);
    if (approveOnFirstList && controller.generation === 0 && controller.state !== 'RED') {
      // Trust on first use, because the user asked for it with --approve.
      this.registry.approve(server, outcome.report.liveHash, 'trust-on-first-use');
      this.log(`"${server}": pinned its surface on first listing (--approve)`);
    }
    if (controller.state !== before || controller.generation !== generation) this.afterTrustChange(server, before);
  }

  /** After an approval or quarantine: resolve holds, tell clients their lists changed, emit. */
  private afterTrustChange(server: string, before: ServerState): void {
    const c = this.registry.controller(server);
    this.holds.reevaluate(server, c.state, (kind, key) => c.itemStatus(kind, key));
    for (const s of this.sessions) if (s.server === server) s.notifyListChanged();
    if (c.state !== before) this.emit('state.changed', { server, from: before, to: c.state, generation: c.generation });
    // Every answer, from any source, changes what waits for review even when the light stays the same.
    this.emit('trust.changed', { server, state: c.state, generation: c.generation });
  }

  private requireServer(name: string): string {
    const known = getServerConfig(this.store, name) !== undefined || this.store.getServer(name) !== undefined;
    if (!known) throw new ApprovalRefusedError(`there is no server named "${name}". See them with: airlock servers list`);
    return name;
  }

  private checkpoint(atShutdown: boolean): void {
    signCheckpointIfDue(this.store, this.home, this.options.keyCipher, atShutdown, (m) => this.log(m));
  }

  private log(message: string): void {
    this.emit('log', message);
  }
}

/** An item's status while its server waits for a sign-in: what would go through, or is not known yet, waits. */
function heldForSignIn(status: ItemStatus): ItemStatus {
  return status === 'approved' || status === 'unknown' ? 'held' : status;
}

