import { appendAuditEvent, type AuditEvent, type AuditEventInput } from '../audit/index.js';
import type { ServerState } from '../decision.js';
import { DEFAULT_MAX_MESSAGE_BYTES, type GateContext, type PolicyMode, type RequestJudgement } from '../gate/gate.js';
import type { Surface } from '../surface.js';
import type { ServerSurfaces } from '../drift/cross-server.js';
import { putDriftRecord } from '../drift-records.js';
import { deleteQuarantinedItems, listQuarantinedItems, putQuarantinedItem } from '../store/quarantined-items.js';
import type { ApprovedBy, BaselineRecord, Store } from '../store/index.js';
import type { ItemKind } from '../surface.js';
import { ApprovalRefusedError, ServerController, type ControllerEvent, type ItemRef, type ObserveOutcome } from './server-controller.js';
import { diffSurfaces } from '../drift/index.js';
import { canonicalJson } from '../canonical-json.js';
import { surfaceItems } from '../surface.js';

/**
 * The controllers of every server in one Airlock home, kept in step with the store: each
 * change of state, its new baseline and its audit events are written in one transaction,
 * so a crash can never leave a state the log does not explain.
 */
export class TrustRegistry {
  private readonly controllers = new Map<string, ServerController>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => string = () => new Date().toISOString(),
  ) {}

  /** The controller of a server, created AMBER with no baseline when it is new. */
  controller(name: string): ServerController {
    let controller = this.controllers.get(name);
    if (!controller) {
      const record = this.store.getServer(name) ?? { name, state: 'AMBER' as const, generation: 0, liveSurface: null, liveHash: null, updatedAt: this.clock() };
      const baseline = record.generation > 0 ? (this.store.getBaseline(name, record.generation) ?? null) : null;
      if (record.generation > 0 && !baseline) {
        // Fail closed: a state that names a baseline the store does not have cannot be trusted.
        throw new Error(`server "${name}" is at generation ${record.generation} but its baseline is missing from ${this.store.path}; run: airlock audit verify`);
      }
      controller = new ServerController(record, baseline, listQuarantinedItems(this.store, name), () => this.peerSurfaces(name));
      this.controllers.set(name, controller);
    }
    return controller;
  }

  /**
   * Every other server of this home, approved and live: Airlock does not know which client
   * routes which servers, so it takes all of them as reachable by one client. Read from the
   * loaded controllers, or from the store for the others (never by loading a controller, whose
   * own diff would ask for its peers in turn).
   */
  private peerSurfaces(name: string): ServerSurfaces[] {
    return this.store.listServers().flatMap((stored) => {
      if (stored.name === name) return [];
      const loaded = this.controllers.get(stored.name)?.snapshot;
      const record = loaded?.record ?? stored;
      const baseline = loaded ? loaded.baseline : record.generation > 0 ? this.store.getBaseline(record.name, record.generation) : undefined;
      return [{ server: record.name, approved: baseline?.surface ?? null, live: record.liveSurface }];
    });
  }

  states(): Array<{ name: string; state: ServerState; generation: number }> {
    return this.store.listServers().map(({ name }) => {
      const { state, generation } = this.controller(name);
      return { name, state, generation };
    });
  }

  observe(name: string, live: Surface): ObserveOutcome {
    const controller = this.controller(name);
    const outcome = this.commit(controller, () => {
      const outcome = controller.observe(live, this.clock());
      return { result: outcome, events: outcome.events, baseline: outcome.newBaseline };
    });
    // A new surface here can make another server's held item shadow it (or stop doing so).
    if (outcome.events.length > 0) for (const [other, c] of this.controllers) if (other !== name) c.refreshPeerFindings();
    return outcome;
  }

  /** Approves the whole live surface; quarantined items stay quarantined unless named in `release`. */
  approve(name: string, shownHash: string, by: ApprovedBy, release: readonly ItemRef[] = []): BaselineRecord {
    const controller = this.controller(name);
    return this.commit(controller, () => {
      const { baseline, events } = controller.approve(shownHash, by, this.clock(), release);
      return { result: baseline, events, baseline };
    });
  }

  approveItem(name: string, kind: ItemKind, key: string, shownHash: string, by: ApprovedBy): BaselineRecord {
    const controller = this.controller(name);
    return this.commit(controller, () => {
      const { baseline, events } = controller.approveItem(kind, key, shownHash, by, this.clock());
      return { result: baseline, events, baseline };
    });
  }

  /** What reverting to an earlier generation would change in the approved surface, and the hash to revert by. */
  revertPlan(name: string, to: number): RevertPlan {
    const controller = this.controller(name);
    const earlier = this.earlierBaseline(controller, to);
    const current = controller.snapshot.baseline?.surface ?? null;
    const changes = diffSurfaces(current, earlier.surface)
      .items.filter((i) => i.status !== 'unchanged')
      .map((i) => ({ kind: i.kind, key: i.key, status: i.status, now: itemValue(current, i.kind, i.key), then: itemValue(earlier.surface, i.kind, i.key) }));
    return { server: name, from: controller.generation, to, hash: earlier.surfaceHash, approvedAt: earlier.approvedAt, changes };
  }

  /** Approves generation `to` again as a new generation, bound to its hash as shown. */
  revert(name: string, to: number, shownHash: string, by: ApprovedBy): BaselineRecord {
    const controller = this.controller(name);
    const earlier = this.earlierBaseline(controller, to);
    return this.commit(controller, () => {
      const { baseline, events } = controller.revert(earlier, shownHash, by, this.clock());
      return { result: baseline, events, baseline };
    });
  }

  private earlierBaseline(controller: ServerController, to: number): BaselineRecord {
    const earlier = Number.isInteger(to) && to >= 1 && to < controller.generation ? this.store.getBaseline(controller.name, to) : undefined;
    if (!earlier) {
      const g = controller.generation;
      const earlierOnes = g <= 1 ? 'there is no earlier one' : g === 2 ? 'generation 1 is the only earlier one' : `generations 1 to ${g - 1} are earlier`;
      throw new ApprovalRefusedError(`"${controller.name}" has no earlier generation ${to} to revert to: it is at generation ${g}, and ${earlierOnes}. See them with: airlock servers list`);
    }
    return earlier;
  }

  quarantineItem(name: string, kind: ItemKind, key: string, reason: string): void {
    const controller = this.controller(name);
    this.commit(controller, () => ({ result: undefined, events: controller.quarantineItem(kind, key, reason, this.clock()), baseline: null }));
  }

  quarantine(name: string, reason: string): void {
    const controller = this.controller(name);
    this.commit(controller, () => ({ result: undefined, events: controller.quarantine(reason, this.clock()), baseline: null }));
  }

  /** What the gate needs to judge a message for this server. */
  gateContext(name: string, policy: PolicyMode = 'enforce', maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): GateContext {
    const controller = this.controller(name);
    return {
      server: name,
      state: controller.state,
      policy,
      maxMessageBytes,
      itemStatus: (kind, key) => controller.itemStatus(kind, key),
      approvedItem: (kind, key) => controller.approvedDefinition(kind, key),
    };
  }

  /** Logs the gate's decision on one message; the call's arguments are hashed, never stored. */
  recordDecision(name: string, judgement: RequestJudgement): AuditEvent {
    return appendAuditEvent(this.store, this.decisionEvent(name, judgement));
  }

  /** The audit event for a gate decision, for callers that batch their appends. */
  decisionEvent(name: string, judgement: RequestJudgement, type = 'call.decided'): AuditEventInput {
    const { verdict, call } = judgement;
    const controller = this.controller(name);
    return {
      type,
      server: name,
      tool: call?.key ?? null,
      decision: verdict.decision,
      rule: verdict.rule,
      approvedHash: controller.snapshot.baseline?.surfaceHash ?? null,
      liveHash: controller.snapshot.record.liveHash,
      ...(call?.args !== undefined ? { args: call.args } : {}),
      detail: { code: verdict.code, method: call?.method ?? null, ...(verdict.wouldHave ? { wouldHave: verdict.wouldHave.decision } : {}), ...this.callEvidence(controller, judgement) },
    };
  }

  /** A call held or refused because its item changed carries the drift record that explains it. */
  private callEvidence(controller: ServerController, { verdict, call }: RequestJudgement): { driftRecord?: string } {
    if (!call || verdict.rule !== 'R3' || (verdict.decision !== 'HOLD' && verdict.decision !== 'DENY')) return {};
    const record = controller.itemDriftRecord(call.kind === 'resource' ? 'resource' : call.kind, call.key, verdict.decision);
    return record ? { driftRecord: putDriftRecord(this.store, record) } : {};
  }

  /**
   * Runs a controller step and persists what it did atomically. If writing fails, the
   * in-memory controller is dropped and reloaded from the store on next use, so memory
   * never runs ahead of what is on disk.
   */
  private commit<T>(controller: ServerController, step: () => { result: T; events: ControllerEvent[]; baseline: BaselineRecord | null }): T {
    const name = controller.name;
    try {
      return this.store.transaction(() => {
        const { result, events, baseline } = step();
        if (baseline) this.store.insertBaseline(baseline);
        this.store.putServer(controller.snapshot.record);
        deleteQuarantinedItems(this.store, name);
        const at = this.clock();
        for (const q of controller.quarantinedItems()) putQuarantinedItem(this.store, { server: name, ...q, quarantinedAt: at });
        for (const e of events) {
          const detail = e.driftRecord ? { ...e.detail, driftRecord: putDriftRecord(this.store, e.driftRecord) } : e.detail;
          appendAuditEvent(this.store, { type: e.type, server: name, decision: e.decision, findings: e.findings, approvedHash: e.approvedHash, liveHash: e.liveHash, detail });
        }
        return result;
      });
    } catch (error) {
      this.controllers.delete(name);
      throw error;
    }
  }
}

/** One item that a revert changes in the approved surface: its definition now and in the earlier generation. */
export interface RevertChange {
  kind: ItemKind;
  key: string;
  status: string;
  now: unknown;
  then: unknown;
}

export interface RevertPlan {
  server: string;
  from: number;
  to: number;
  /** The earlier generation's surface hash: what a revert is bound to. */
  hash: string;
  approvedAt: string;
  changes: RevertChange[];
}

/** One item's definition in canonical key order, so two generations diff by content, not by how each was stored. */
function itemValue(surface: Surface | null, kind: ItemKind, key: string): unknown {
  const value = surface ? surfaceItems(surface).find((i) => i.kind === kind && i.key === key)?.value : undefined;
  return value === undefined ? null : (JSON.parse(canonicalJson(value)) as unknown);
}
