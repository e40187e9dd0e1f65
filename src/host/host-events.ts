import type { BypassingServer } from '../clients/bypass-watch.js';
import type { Decision, ServerState } from '../engine/decision.js';
import type { CallRecord } from './call-log.js';
import type { HoldAnswerer } from './hold-answerer.js';

/** What the Host tells the UI, the tray and the CLI as it happens. */
export interface HostEvents {
  'call.started': [{ server: string; sessionId: string; method: string; key: string; decision: Decision; rule: string; reason: string; call: CallRecord }];
  /** A call answered by its server, or a held call denied (then `decision` is DENY). */
  'call.finished': [{ server: string; sessionId: string; method: string; key: string; decision: Decision; latencyMs: number; call: CallRecord }];
  'hold.opened': [HoldView];
  'hold.resolved': [{ hold: HoldView; decision: 'ALLOW' | 'DENY'; reason: string; answeredBy?: HoldAnswerer }];
  'state.changed': [{ server: string; from: ServerState; to: ServerState; generation: number }];
  /** An approval or quarantine (from the window, the terminal or the API): what waits for review may have changed. */
  'trust.changed': [{ server: string; state: ServerState; generation: number }];
  'surface.changed': [{ server: string; liveHash: string; approvedHash: string | null; severity: string; decision: string }];
  /** Client config entries that start a server without Airlock: newly seen ones, and ones no longer there. */
  'clients.bypassing': [{ appeared: BypassingServer[]; gone: BypassingServer[] }];
  /** A server was added to or removed from the registry through the HostApi. */
  'servers.changed': [{ server: string; change: 'added' | 'removed' }];
  /** A remote server's sign-in lapsed: its calls are held until the user signs in again (`reason` says how). */
  'auth.required': [{ server: string; reason: string }];
  /** A remote server is signed in again: its held calls went on. */
  'auth.restored': [{ server: string }];
  log: [string];
}

/** A held call as the outside world sees it. */
export interface HoldView {
  id: string;
  server: string;
  kind: 'tool' | 'prompt' | 'resource';
  key: string;
  sessionId: string;
  /** The AI client that sent the call, by the name it gave (clientInfo.name); null when it gave none. */
  client: string | null;
  /** The held call's row in the Live view (its arguments, redacted, via callDetail). */
  callId: string | null;
  /** Why it waits when not for your review: a remote server's lapsed sign-in, and how to sign in again. */
  reason?: string;
  openedAt: string;
  expiresAt: string;
}
