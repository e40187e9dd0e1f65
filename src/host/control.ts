import type { SignOutResult } from './oauth/index.js';
import net from 'node:net';
import { z } from 'zod';
import type { BypassingServer } from '../clients/bypass-watch.js';
import type { ServerState } from '../engine/decision.js';
import { ITEM_KINDS, type ItemKind } from '../engine/surface.js';
import { JsonRefusal, MAX_JSON_DEPTH, parseStrictJson } from '../input/strict-json.js';
import { LineFramer } from '../proxy/line-framer.js';
import { hostSocketPath, readHelloReply, writeHello } from '../proxy/local-socket.js';
import type { HoldView } from './host-events.js';
import type { ReviewItem } from './review-items.js';
import type { RevertPlan } from '../engine/controller/trust-registry.js';
import type { QuarantineEntry } from '../shared/host-api/ways-back.js';
import { ApprovalRefusedError } from '../engine/controller/server-controller.js';

export interface ServerSummary {
  name: string;
  state: ServerState;
  generation: number;
  held: number;
  pendingCalls: number;
  /** False once the server was removed: its approvals and history stay, nothing starts it. */
  configured?: boolean;
}

export interface ToolState {
  server: string;
  tool: string;
  status: string;
  gate: string;
  severity: string;
}

/** What an approval is bound to: the item (or, without a key, the whole server), the hash shown, and the quarantined items to release. */
export interface ApproveTarget {
  kind?: ItemKind;
  key?: string;
  hash: string;
  release?: ReadonlyArray<{ kind: ItemKind; key: string }>;
}

/** What the CLI (and later the UI) asks of a Host, whether it runs in this process or behind the socket. */
export interface HostControl {
  status(): { home: string; pid: number; sessions: number; servers: ServerSummary[] } | Promise<{ home: string; pid: number; sessions: number; servers: ServerSummary[] }>;
  servers(): ServerSummary[] | Promise<ServerSummary[]>;
  review(server?: string): ReviewItem[] | Promise<ReviewItem[]>;
  holdsList(): HoldView[] | Promise<HoldView[]>;
  tools(server?: string): ToolState[] | Promise<ToolState[]>;
  /** A whole-server approval (no key) keeps items quarantined unless `release` names them. */
  approve(server: string, target: ApproveTarget): { state: ServerState; generation: number } | Promise<{ state: ServerState; generation: number }>;
  quarantine(server: string, target: { kind?: ItemKind; key?: string; reason?: string }): { state: ServerState } | Promise<{ state: ServerState }>;
  bypassing(): BypassingServer[] | Promise<BypassingServer[]>;
  /** What is quarantined, each with the hash its release approves. */
  quarantined(server?: string): QuarantineEntry[] | Promise<QuarantineEntry[]>;
  revertPlan(server: string, to: number): RevertPlan | Promise<RevertPlan>;
  /** Approves generation `to` again as a new generation, bound to its hash as shown. */
  revert(server: string, to: number, hash: string): { state: ServerState; generation: number } | Promise<{ state: ServerState; generation: number }>;
  /** Lets one held call through without approving its item; `by` names who answered, for the audit log. */
  allowOnce(holdId: string, by?: string): { allowed: HoldView } | Promise<{ allowed: HoldView }>;
  /** A recent call's arguments as the window shows them (redacted of the server's secrets), for `airlock review`. */
  callArguments(callId: string): CallArguments | Promise<CallArguments>;
  /** Signs the Host in to a remote server (`servers login` while a Host runs): it opens the browser, and its calls held for a sign-in go on. */
  signIn(server: string): Promise<{ outcome: 'signed-in' | 'not-needed' }>;
  signOut(server: string): Promise<SignOutResult>;
}

export interface CallArguments {
  /** False when the Host no longer keeps the call's contents (it keeps them for recent calls only). */
  available: boolean;
  arguments: unknown;
}

const ItemTarget = { kind: z.enum(ITEM_KINDS).optional(), key: z.string().optional() };
const Release = z.array(z.strictObject({ kind: z.enum(ITEM_KINDS), key: z.string().min(1) })).max(1000).optional();
const ControlRequestSchema = z.discriminatedUnion('method', [
  z.object({ id: z.number(), method: z.literal('status') }),
  z.object({ id: z.number(), method: z.literal('servers') }),
  z.object({ id: z.number(), method: z.literal('holdsList') }),
  z.object({ id: z.number(), method: z.literal('bypassing') }),
  z.object({ id: z.number(), method: z.literal('review'), params: z.object({ server: z.string().optional() }) }),
  z.object({ id: z.number(), method: z.literal('tools'), params: z.object({ server: z.string().optional() }) }),
  z.object({ id: z.number(), method: z.literal('approve'), params: z.object({ server: z.string(), target: z.object({ ...ItemTarget, hash: z.string(), release: Release }) }) }),
  z.object({ id: z.number(), method: z.literal('quarantine'), params: z.object({ server: z.string(), target: z.object({ ...ItemTarget, reason: z.string().optional() }) }) }),
  z.object({ id: z.number(), method: z.literal('quarantined'), params: z.object({ server: z.string().optional() }) }),
  z.object({ id: z.number(), method: z.literal('revertPlan'), params: z.object({ server: z.string(), to: z.number().int() }) }),
  z.object({ id: z.number(), method: z.literal('revert'), params: z.object({ server: z.string(), to: z.number().int(), hash: z.string() }) }),
  z.object({ id: z.number(), method: z.literal('callArguments'), params: z.object({ callId: z.string().min(1).max(100) }) }),
  z.object({ id: z.number(), method: z.literal('allowOnce'), params: z.object({ holdId: z.string().min(1).max(100), by: z.string().max(100).optional() }) }),
  z.object({ id: z.number(), method: z.literal('signIn'), params: z.object({ server: z.string() }) }),
  z.object({ id: z.number(), method: z.literal('signOut'), params: z.object({ server: z.string() }) }),
]);
type ControlRequest = z.infer<typeof ControlRequestSchema>;

/** Levels a reply adds around a value that was itself bounded at MAX_JSON_DEPTH (envelope, list, item, field). */
export const REPLY_ENVELOPE_DEPTH = 8;

/** Answers control requests (one JSON object a line) from a CLI connected to the Host's socket. */
export function serveControl(socket: net.Socket, host: HostControl, log: (message: string) => void): void {
  const framer = new LineFramer({
    maxBytes: 1024 * 1024,
    onLine: (line) => void answer(line),
    onOversize: () => socket.destroy(),
  });
  const answer = async (line: Buffer): Promise<void> => {
    let request: ControlRequest;
    try {
      request = ControlRequestSchema.parse(parseStrictJson(line.toString('utf8')));
    } catch (error) {
      const why = error instanceof JsonRefusal ? `: ${error.message}` : '';
      log(`refused a malformed control request: ${(error as Error).message}`);
      socket.write(`${JSON.stringify({ id: null, error: `malformed control request${why}` })}\n`);
      return;
    }
    try {
      const result = await dispatch(host, request);
      socket.write(`${JSON.stringify({ id: request.id, result })}\n`);
    } catch (error) {
      // A refusal the user can act on (an unknown name, a stale hash) stays one, across the socket.
      const refused = error instanceof ApprovalRefusedError ? { refused: true } : {};
      socket.write(`${JSON.stringify({ id: request.id, error: (error as Error).message, ...refused })}\n`);
    }
  };
  socket.on('data', (chunk: Buffer) => framer.push(chunk));
  socket.resume();
}

function dispatch(host: HostControl, r: ControlRequest): unknown {
  switch (r.method) {
    case 'status':
      return host.status();
    case 'servers':
      return host.servers();
    case 'holdsList':
      return host.holdsList();
    case 'bypassing':
      return host.bypassing();
    case 'review':
      return host.review(r.params.server);
    case 'tools':
      return host.tools(r.params.server);
    case 'approve':
      return host.approve(r.params.server, stripUndefined(r.params.target));
    case 'quarantine':
      return host.quarantine(r.params.server, stripUndefined(r.params.target));
    case 'quarantined':
      return host.quarantined(r.params.server);
    case 'revertPlan':
      return host.revertPlan(r.params.server, r.params.to);
    case 'revert':
      return host.revert(r.params.server, r.params.to, r.params.hash);
    case 'allowOnce':
      return host.allowOnce(r.params.holdId, r.params.by);
    case 'signIn':
      return host.signIn(r.params.server);
    case 'signOut':
      return host.signOut(r.params.server);
    case 'callArguments':
      return host.callArguments(r.params.callId);
  }
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A HostControl that talks to a running Host over its local socket. */
export class RemoteHostControl implements HostControl {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly socket: net.Socket) {
    const framer = new LineFramer({
      maxBytes: 64 * 1024 * 1024,
      onLine: (line) => {
        // The Host's own answer; its values may sit a few levels under the envelope, hence the slack.
        const reply = parseStrictJson(line.toString('utf8'), { maxDepth: MAX_JSON_DEPTH + REPLY_ENVELOPE_DEPTH }) as { id: number | null; result?: unknown; error?: string; refused?: boolean };
        const w = reply.id === null ? undefined : this.waiting.get(reply.id);
        if (!w || reply.id === null) return;
        this.waiting.delete(reply.id);
        if (reply.error !== undefined) w.reject(reply.refused === true ? new ApprovalRefusedError(reply.error) : new Error(reply.error));
        else w.resolve(reply.result);
      },
      onOversize: () => socket.destroy(),
    });
    socket.on('data', (chunk: Buffer) => framer.push(chunk));
    socket.on('close', () => {
      for (const [, w] of this.waiting) w.reject(new Error('the Airlock host closed the connection'));
      this.waiting.clear();
    });
    socket.resume();
  }

  /** Connects to the Host of `home`, or returns null when none is running there. */
  static async connect(home: string): Promise<RemoteHostControl | null> {
    const socket = await new Promise<net.Socket | null>((resolve) => {
      const s = net.connect(hostSocketPath(home));
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(null));
    });
    if (!socket) return null;
    writeHello(socket, { hello: 'control', v: 1 });
    const reply = await readHelloReply(socket);
    if (reply.hello !== 'ok') {
      socket.destroy();
      throw new Error(reply.message);
    }
    return new RemoteHostControl(socket);
  }

  close(): void {
    this.socket.end();
  }

  private call<T>(method: string, params?: object): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify(params === undefined ? { id, method } : { id, method, params })}\n`);
    });
  }

  status() {
    return this.call<{ home: string; pid: number; sessions: number; servers: ServerSummary[] }>('status');
  }
  servers() {
    return this.call<ServerSummary[]>('servers');
  }
  review(server?: string) {
    return this.call<ReviewItem[]>('review', { server });
  }
  holdsList() {
    return this.call<HoldView[]>('holdsList');
  }

  bypassing() {
    return this.call<BypassingServer[]>('bypassing');
  }
  tools(server?: string) {
    return this.call<ToolState[]>('tools', { server });
  }
  approve(server: string, target: ApproveTarget) {
    return this.call<{ state: ServerState; generation: number }>('approve', { server, target });
  }
  quarantine(server: string, target: { kind?: ItemKind; key?: string; reason?: string }) {
    return this.call<{ state: ServerState }>('quarantine', { server, target });
  }
  quarantined(server?: string) {
    return this.call<QuarantineEntry[]>('quarantined', { server });
  }
  revertPlan(server: string, to: number) {
    return this.call<RevertPlan>('revertPlan', { server, to });
  }
  revert(server: string, to: number, hash: string) {
    return this.call<{ state: ServerState; generation: number }>('revert', { server, to, hash });
  }
  allowOnce(holdId: string, by?: string) {
    return this.call<{ allowed: HoldView }>('allowOnce', by === undefined ? { holdId } : { holdId, by });
  }
  callArguments(callId: string) {
    return this.call<CallArguments>('callArguments', { callId });
  }
  signIn(server: string) {
    return this.call<{ outcome: 'signed-in' | 'not-needed' }>('signIn', { server });
  }
  signOut(server: string) {
    return this.call<SignOutResult>('signOut', { server });
  }
}
