import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { unlinkSync } from 'node:fs';
import type { BypassWatch, BypassingServer } from '../clients/bypass-watch.js';
import type { ClientDirs, Launcher } from '../clients/client-adapter.js';
import type { AuditEventInput } from '../engine/audit/index.js';
import { ApprovalRefusedError } from '../engine/controller/server-controller.js';
import { TrustRegistry, type RevertPlan } from '../engine/controller/trust-registry.js';
import type { ServerState } from '../engine/decision.js';
import type { GateRules } from '../engine/gate/gate.js';
import { acquireHomeLock, getServerConfig, listServerConfigs, openStore, type HomeLock, type Store } from '../engine/store/index.js';
import type { ItemKind, Surface } from '../engine/surface.js';
import type { Duplex } from 'node:stream';
import os from 'node:os';
import { hostSocketPath, listenHostSocket, readHello, writeHelloReply, type Hello } from '../proxy/local-socket.js';
import { RelaySession } from '../proxy/relay-session.js';
import type { AuthorizationOpener, OAuthVault, SignInResult, SignInState, SignOutResult } from './oauth/index.js';
import { remoteUpstream } from './remote-upstream.js';
import { RemoteSignIns } from './remote-sign-in.js';
import { signInAgainText } from './sign-in-watch.js';
import { AuditBatcher } from './audit-batcher.js';
import { collectGarbage, idleRelease } from './idle-memory.js';
import type { CallLog } from './call-log.js';
import { callsFromAudit } from './call-audit.js';
import { CallTracker } from './call-tracker.js';
import { clientPolicySource, sessionHooks, stdioUpstream, type SessionHookDeps, type SessionOrigin } from './session-hooks.js';
import { watchClientFiles } from './client-watch.js';
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
import { reviewItems, toolStates, type ReviewItem } from './review-items.js';
import { quarantineEntries } from './quarantine-entries.js';
import { isUndecided, type QuarantineEntry } from '../shared/host-api/ways-back.js';
import { SecretStore } from './secret-store.js';
import type { SecretCipher, SecretVault } from './secret-vault.js';
import { signCheckpointIfDue } from './checkpoint-signing.js';
import { hostGateRules } from './gate-rules.js';
import type { ResponseCheckPolicy } from '../engine/gate/response-checks.js';

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
  private readonly idle = idleRelease(() => this.sessions.size, () => collectGarbage() && this.audit.collectGarbage());
  private server: net.Server | null = null;
  private http: ControlHttp | null = null;
  private endpoint: HostEndpoint | null = null;
  /** What every session's hooks reach here (session-hooks.ts). */
  private readonly hookDeps: SessionHookDeps;
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
    this.audit = new AuditBatcher(home, store, (error) => this.log(`audit log write failed, calls are now refused: ${error.message}`), () => this.servers().map((s) => s.name));
    const holdTimeoutMs = options.holdTimeoutMs ?? DEFAULT_HOLD_TIMEOUT_MS;
    this.tracker = new CallTracker({
      registry: this.registry,
      holds: () => this.holds,
      audit: this.audit,
      emit: this.emit.bind(this),
      log: (message) => this.log(message),
      lapse: (server) => this.remote.watch.lapse(server),
      holdTimeoutMs,
    });
    this.holds = new HoldBook(holdTimeoutMs, (view, final, by) => this.tracker.holdResolved(view, final, by));
    this.hookDeps = {
      registry: this.registry,
      gateRules: this.gateRules,
      audit: this.audit,
      remote: this.remote,
      tracker: this.tracker,
      // Each server's last listing observed, so an identical re-list is not judged again.
      lastListing: new Map(), clientPolicies: clientPolicySource(store),
      observe: (server, surface, approveOnFirstList) => this.observe(server, surface, approveOnFirstList),
      log: (message) => this.log(message),
    };
    // Sign a checkpoint every 256 events or 60 s (checked every few seconds), and at shutdown.
    this.checkpointTimer = setInterval(() => this.checkpoint(false), CHECKPOINT_CHECK_MS);
    this.checkpointTimer.unref();
  }

  static async start(options: HostOptions): Promise<Host> {
    const lock = acquireHomeLock(options.home, { kind: options.kind ?? 'airlock serve' });
    let store: Store | undefined;
    let host: Host | undefined;
    try {
      store = openStore(options.home);
      host = new Host(options.home, store, lock, options);
      // The Live view's rows from before this start, read back from the audit log.
      host.tracker.seed(() => callsFromAudit(host!.store));
      const started = host;
      if (options.listen !== false) host.server = await listenHostSocket(options.home, (socket) => void started.accept(socket));
      if (options.clients !== undefined) {
        const to = { log: (m: string) => started.log(m), audit: (e: AuditEventInput) => started.audit.append(e), emit: (appeared: BypassingServer[], gone: BypassingServer[]) => started.emit('clients.bypassing', { appeared, gone }) };
        host.bypassWatch = watchClientFiles(withAirlockEndpoint(options.clients, options.home), options.clientWatchMs, to);
      }
      if (options.port !== undefined) {
        const token = controlToken(options.home);
        host.http = await listenPreferring(options.preferredPort, options.port, (port) => startControlHttp(started, { port, token, log: (m) => started.log(m), api: started.api, rendererDir: options.rendererDir ?? defaultRendererDir() }));
        writeControlEndpoint(options.home, { url: host.http.url, pid: process.pid });
        rememberControlPort(options.home, Number(new URL(host.http.url).port));
      }
      if (options.mcpPort !== undefined) {
        const open = (server: string, client: string, relaySide: Duplex): RelaySession => {
          if (started.stopping) throw new Error('the Airlock host is stopping; try again in a moment');
          return started.openRelay(server, relaySide, { via: `token ${client}`, cwd: os.homedir() });
        };
        const preferred = options.preferredMcpPort === undefined ? {} : { preferred: options.preferredMcpPort };
        host.endpoint = await HostEndpoint.start({ home: options.home, store, port: options.mcpPort, ...preferred, ...(options.maxFrameBytes ? { maxBodyBytes: options.maxFrameBytes } : {}), open, log: (m) => started.log(m) });
      }
      return host;
    } catch (error) {
      await host?.abandon();
      store?.close();
      lock.release();
      throw error;
    }
  }

  /** After a failed start: nothing half-started stays behind (listeners, the watch, timers, the audit worker). */
  private async abandon(): Promise<void> {
    for (const stop of [() => this.server?.close(), () => this.http?.close(), () => this.bypassWatch?.stop(), () => clearInterval(this.checkpointTimer)]) stop();
    await this.audit.close();
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
    return names.flatMap((name) => toolStates(name, this.registry.controller(name)));
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
      this.openRelay(hello.server, socket, { via: 'connect', cwd: hello.cwd, ...(hello.path ? { path: hello.path } : {}), ...(hello.entry ? { entry: hello.entry } : {}) }, () => writeHelloReply(socket, { hello: 'ok' }));
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
    const frames = this.options.maxFrameBytes ? { maxFrameBytes: this.options.maxFrameBytes } : {};
    const hostEnv = this.options.env ?? process.env;
    const upstream = config.remote
      ? remoteUpstream(config, secrets, { oauthVault: this.oauthVault(), authRequired: (reason) => this.remote.watch.note(config.name, reason, signInAgainText(config.name, config.remote)), env: hostEnv, ...frames, log: (m) => this.log(m) })
      : stdioUpstream(config, secrets, origin, { hostEnv, ...frames });
    ready?.();
    const name = config.name;
    const session: RelaySession = new RelaySession(
      name,
      client,
      upstream,
      sessionHooks(this.hookDeps, config, origin, secretValues, () => session, upstream),
      this.options.maxFrameBytes,
    );
    this.sessions.add(session);
    void session.closedPromise.then(() => {
      this.sessions.delete(session);
      if (!this.stopping) this.idle.sessionEnded();
      this.holds.denyWhere((h) => h.sessionId === session.id, 'the client disconnected while its call was held');
    });
    session.start();
    this.log(`session ${session.id}: a client connected to "${name}" through ${origin.via === 'connect' ? 'airlock connect' : `the MCP endpoint (${origin.via})`} (${config.remote ? config.remote.url : config.command})`);
    return session;
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
