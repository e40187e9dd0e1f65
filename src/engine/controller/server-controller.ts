import type { Digest, JsonValue } from '../canonical-json.js';
import type { ServerState } from '../decision.js';
import { diffSurfaces, judgeDrift, type DriftReport, type DriftVerdict, type ItemChange } from '../drift/index.js';
import { crossServerFindings, withCrossServerFindings, type ServerSurfaces } from '../drift/cross-server.js';
import type { ItemStatus as GateItemStatus } from '../gate/gate.js';
import type { JudgedCall } from '../gate/judged-methods.js';
import { emptySurface, surfaceHash, surfaceItems, type ItemKind, type Surface } from '../surface.js';
import type { ApprovedBy, BaselineRecord, ServerRecord } from '../store/server-records.js';
import { driftRecordFindings, type DriftRecordV1 } from '../drift-records.js';
import { matchesUriTemplate } from './uri-template.js';
import { describeProvenance } from '../drift/provenance-diff.js';

/** The program a surface names, in one line, for an audit event's detail: which program version a decision covered. */
const programOf = (surface: Surface | null | undefined): { program?: string } => (surface?.provenance ? { program: describeProvenance(surface.provenance) } : {});

/** Something the controller did that the audit log must record. */
export interface ControllerEvent {
  type: 'surface.observed' | 'drift.detected' | 'surface.approved' | 'server.quarantined' | 'item.quarantined';
  decision: 'ALLOW' | 'HOLD' | 'DENY' | null;
  findings: string[];
  approvedHash: Digest | null;
  liveHash: Digest | null;
  detail: Record<string, JsonValue>;
  /** The evidence behind a drift: stored by digest, named in the event's detail. */
  driftRecord?: DriftRecordV1;
}

/** One item of a surface, by kind and key. */
export interface ItemRef {
  kind: ItemKind;
  key: string;
}

export class ApprovalRefusedError extends Error {
  override name = 'ApprovalRefusedError';
}

export interface ObserveOutcome {
  report: DriftReport;
  verdict: DriftVerdict;
  /** A baseline the controller approved by itself (a purely cosmetic change), to be stored. */
  newBaseline: BaselineRecord | null;
  events: ControllerEvent[];
}

/**
 * One server's traffic light (DESIGN.md §3–§4). GREEN: the live surface equals the approved
 * one. AMBER: a change waits for review and changed items are held. RED: quarantined, every
 * call denied; only approving a new baseline (a new generation) leaves it. Drift is always
 * computed against the approved baseline, never the last surface seen, so a later small
 * change cannot launder an earlier unapproved one.
 */
export class ServerController {
  private report: DriftReport | null = null;
  /** The report's items by kind and key: R3 looks one up on every call. */
  private itemIndex = new Map<string, ItemChange>();

  /** Items the user quarantined one by one, by item id, with the reason given. */
  private readonly quarantined = new Map<string, string>();

  constructor(
    private record: ServerRecord,
    private baseline: BaselineRecord | null,
    quarantinedItems: Iterable<{ kind: string; key: string; reason: string }> = [],
    /** The other servers one client can reach, read on every diff (cross-server shadowing). */
    private readonly peers: () => readonly ServerSurfaces[] = () => [],
  ) {
    for (const q of quarantinedItems) this.quarantined.set(itemId(q.kind, q.key), q.reason);
    if (record.liveSurface) this.setReport(this.diff(baseline?.surface ?? null, record.liveSurface));
  }

  get name(): string {
    return this.record.name;
  }
  get state(): ServerState {
    return this.record.state;
  }
  get generation(): number {
    return this.record.generation;
  }
  get snapshot(): { record: ServerRecord; baseline: BaselineRecord | null; report: DriftReport | null } {
    return { record: { ...this.record }, baseline: this.baseline, report: this.report };
  }

  /**
   * Takes a freshly listed live surface, diffs it against the approved baseline and moves the
   * light. Listing the same surface again changes nothing and logs nothing.
   */
  observe(live: Surface, now: string): ObserveOutcome {
    const report = this.diff(this.baseline?.surface ?? null, live);
    const liveHash = report.liveHash;
    const fresh = liveHash !== this.record.liveHash;
    const verdict = judgeDrift(report);
    this.record = { ...this.record, liveSurface: live, liveHash, updatedAt: now };
    this.setReport(report);
    const outcome: ObserveOutcome = { report, verdict, newBaseline: null, events: [] };
    if (!fresh) return outcome;
    const approvedHash = this.baseline?.surfaceHash ?? null;
    const codes = report.findings.map((f) => f.code);
    const log = (event: Omit<ControllerEvent, 'approvedHash' | 'liveHash'>): void => {
      outcome.events.push({ approvedHash, liveHash, ...event });
    };
    log({ type: 'surface.observed', decision: null, findings: [], detail: { generation: this.record.generation, changed: report.changed } });
    if (this.record.state === 'RED') {
      // Quarantine is terminal for this baseline: what the server lists now changes nothing.
      if (report.changed) log({ type: 'drift.detected', decision: 'DENY', findings: codes, detail: { severity: report.severity, state: 'RED' } });
      return outcome;
    }
    if (verdict.decision === 'ALLOW' && verdict.autoApproved && this.baseline) {
      outcome.newBaseline = this.adopt(live, liveHash, 'auto-cosmetic', now);
      outcome.events.push({ type: 'surface.approved', decision: 'ALLOW', findings: codes, approvedHash: liveHash, liveHash, detail: { approvedBy: 'auto-cosmetic', generation: outcome.newBaseline.generation, replaced: approvedHash, ...programOf(live) } });
      return outcome;
    }
    this.record.state = verdict.state;
    if (report.changed) {
      const driftRecord: DriftRecordV1 = {
        version: 1,
        server: this.name,
        tool: null,
        generation: this.record.generation,
        approved_hash: approvedHash,
        live_hash: liveHash,
        approved: (this.baseline?.surface ?? null) as JsonValue,
        live: live as JsonValue,
        findings: driftRecordFindings(report.findings),
        decision: verdict.decision,
        state: verdict.state,
      };
      log({ type: 'drift.detected', decision: verdict.decision, findings: codes, detail: { severity: report.severity, state: verdict.state, firstSeen: this.baseline === null, ...programOf(live) }, driftRecord });
    }
    if (verdict.state === 'RED') {
      log({ type: 'server.quarantined', decision: 'DENY', findings: codes, detail: { by: 'engine', reason: verdict.reason } });
    }
    return outcome;
  }

  /**
   * Approves the live surface the user was shown. The approval names the hash it saw: if the
   * surface changed since, the user approved something else, so the approval is refused.
   * Items the user quarantined one by one stay quarantined in the new baseline unless named in
   * `release`: a whole-server approval must never lift a quarantine the user did not look at.
   */
  approve(shownHash: string, by: ApprovedBy, now: string, release: readonly ItemRef[] = []): { baseline: BaselineRecord; events: ControllerEvent[] } {
    const { liveSurface, liveHash } = this.record;
    if (!liveSurface || !liveHash) {
      throw new ApprovalRefusedError(`server "${this.name}" has not listed its tools yet, so there is nothing to approve. Connect it first, then review it.`);
    }
    if (shownHash !== liveHash) {
      throw new ApprovalRefusedError(`approval refused for "${this.name}": its surface changed since you reviewed it (you saw ${shownHash}, it is now ${liveHash}). Review it again with: airlock review ${this.name}`);
    }
    for (const item of release) {
      if (!this.quarantined.has(itemId(item.kind, item.key))) {
        throw new ApprovalRefusedError(`approval refused for "${this.name}": ${item.kind} "${item.key}" is not quarantined, so there is nothing to release. Review it again with: airlock review ${this.name}`);
      }
    }
    const fromState = this.record.state;
    const replaced = this.baseline?.surfaceHash ?? null;
    const baseline = this.adopt(liveSurface, liveHash, by, now);
    for (const item of release) this.quarantined.delete(itemId(item.kind, item.key));
    const label = (q: { kind: string; key: string }): string => `${q.kind}:${q.key}`;
    return {
      baseline,
      events: [
        {
          type: 'surface.approved',
          decision: 'ALLOW',
          findings: [],
          approvedHash: liveHash,
          liveHash,
          detail: { approvedBy: by, generation: baseline.generation, fromState, replaced, released: release.map(label), stillQuarantined: this.quarantinedItems().map(label), ...programOf(baseline.surface) },
        },
      ],
    };
  }

  /**
   * Approves an earlier baseline again, as a new generation: a revert is an approval like any
   * other (audited, with `revertedTo`), never a rewind of history. Bound to that baseline's hash
   * as shown to the user. The live surface is then judged against it, so what differs is held.
   * Items quarantined one by one stay quarantined.
   */
  revert(earlier: BaselineRecord, shownHash: string, by: ApprovedBy, now: string): { baseline: BaselineRecord; events: ControllerEvent[] } {
    if (earlier.server !== this.name || earlier.generation >= this.record.generation) {
      throw new ApprovalRefusedError(`"${this.name}" can only be reverted to an earlier generation than its current ${this.record.generation}, not ${earlier.generation}. See its generations with: airlock servers list`);
    }
    if (shownHash !== earlier.surfaceHash) {
      throw new ApprovalRefusedError(`revert refused for "${this.name}": generation ${earlier.generation} has surface ${earlier.surfaceHash}, not the ${shownHash} you were shown. Look again with: airlock revert ${this.name} --to ${earlier.generation}`);
    }
    const fromState = this.record.state;
    const replaced = this.baseline?.surfaceHash ?? null;
    const baseline = this.adopt(earlier.surface, earlier.surfaceHash, by, now);
    const label = (q: { kind: string; key: string }): string => `${q.kind}:${q.key}`;
    return {
      baseline,
      events: [
        {
          type: 'surface.approved',
          decision: 'ALLOW',
          findings: [],
          approvedHash: baseline.surfaceHash,
          liveHash: this.record.liveHash,
          detail: { approvedBy: by, generation: baseline.generation, fromState, replaced, revertedTo: earlier.generation, stillQuarantined: this.quarantinedItems().map(label) },
        },
      ],
    };
  }

  /** Quarantines the server (RED) until the user approves a new baseline. */
  quarantine(reason: string, now: string): ControllerEvent[] {
    if (this.record.state === 'RED') return [];
    this.record = { ...this.record, state: 'RED', updatedAt: now };
    return [{ type: 'server.quarantined', decision: 'DENY', findings: [], approvedHash: this.baseline?.surfaceHash ?? null, liveHash: this.record.liveHash, detail: { by: 'user', reason } }];
  }

  /**
   * Approves one item (a tool the user answered "y" for): the new baseline is the approved one
   * with that item taken from the live surface. Bound to the item hash the user was shown.
   */
  approveItem(kind: ItemKind, key: string, shownHash: string, by: ApprovedBy, now: string): { baseline: BaselineRecord; events: ControllerEvent[] } {
    const label = `${kind} "${key}" on "${this.name}"`;
    if (this.record.state === 'RED') {
      throw new ApprovalRefusedError(`${label} cannot be approved on its own: the server is quarantined. Review the whole server with: airlock review ${this.name}`);
    }
    const live = this.record.liveSurface ? surfaceItems(this.record.liveSurface).find((i) => i.kind === kind && i.key === key) : undefined;
    if (!live) throw new ApprovalRefusedError(`${label} is not in the server's live surface, so there is nothing to approve. List it again with: airlock tools list ${this.name}`);
    if (shownHash !== live.hash) {
      throw new ApprovalRefusedError(`approval refused for ${label}: it changed since you reviewed it (you saw ${shownHash}, it is now ${live.hash}). Review it again with: airlock review ${this.name}`);
    }
    const surface = withItem(this.baseline?.surface ?? emptySurface(), kind, key, live.value);
    const replaced = this.baseline?.surfaceHash ?? null;
    const baseline = this.adopt(surface, surfaceHash(surface), by, now);
    this.quarantined.delete(itemId(kind, key));
    return {
      baseline,
      events: [{ type: 'surface.approved', decision: 'ALLOW', findings: [], approvedHash: baseline.surfaceHash, liveHash: this.record.liveHash, detail: { approvedBy: by, generation: baseline.generation, item: `${kind}:${key}`, itemHash: live.hash, replaced, ...programOf(baseline.surface) } }],
    };
  }

  /** Quarantines one item: its calls are denied and it is not served; the rest of the server goes on. */
  quarantineItem(kind: ItemKind, key: string, reason: string, now: string): ControllerEvent[] {
    // The program serves every item: refusing it is refusing the whole server.
    if (kind === 'provenance') return this.quarantine(reason, now);
    if (this.quarantined.has(itemId(kind, key))) return [];
    this.quarantined.set(itemId(kind, key), reason);
    this.record = { ...this.record, updatedAt: now };
    return [{ type: 'item.quarantined', decision: 'DENY', findings: [], approvedHash: this.baseline?.surfaceHash ?? null, liveHash: this.record.liveHash, detail: { item: `${kind}:${key}`, reason } }];
  }

  quarantinedItems(): Array<{ kind: string; key: string; reason: string }> {
    return [...this.quarantined].map(([id, reason]) => {
      const [kind = '', key = ''] = id.split('\u0000');
      return { kind, key, reason };
    });
  }

  /**
   * What the model may read from this server now: each approved item that the server still
   * offers, in its APPROVED form, so unapproved text never reaches the model. New items are
   * withheld, removed ones removed, quarantined ones hidden; a RED server serves nothing.
   */
  servedSurface(): Surface {
    const served = emptySurface();
    if (this.record.state === 'RED' || !this.baseline) return served;
    const approved = this.baseline.surface;
    const offered = (kind: ItemKind, key: string): boolean => {
      const change = this.itemIndex.get(itemId(kind, key));
      return change !== undefined && change.status !== 'removed' && change.status !== 'added' && !this.quarantined.has(itemId(kind, key));
    };
    served.tools = approved.tools.filter((t) => offered('tool', t.name));
    served.prompts = approved.prompts.filter((p) => offered('prompt', p.name));
    served.resources = approved.resources.filter((r) => offered('resource', r.uri));
    served.resourceTemplates = approved.resourceTemplates.filter((r) => offered('resource-template', r.uriTemplate));
    if (approved.instructions !== undefined) served.instructions = approved.instructions;
    if (approved.serverInfo !== undefined) served.serverInfo = approved.serverInfo;
    return served;
  }

  /** The evidence for a call held or refused because one item changed: its approved and live definitions. */
  itemDriftRecord(kind: ItemKind, key: string, decision: 'HOLD' | 'DENY'): DriftRecordV1 | null {
    const live = this.record.liveSurface ? surfaceItems(this.record.liveSurface).find((i) => i.kind === kind && i.key === key) : undefined;
    if (!live) return null;
    const approved = this.baseline ? surfaceItems(this.baseline.surface).find((i) => i.kind === kind && i.key === key) : undefined;
    const change = this.itemIndex.get(itemId(kind, key));
    return {
      version: 1,
      server: this.name,
      tool: key,
      generation: this.record.generation,
      approved_hash: approved?.hash ?? null,
      live_hash: live.hash,
      approved: (approved?.value ?? null) as JsonValue,
      live: live.value as JsonValue,
      findings: driftRecordFindings(change?.findings ?? []),
      decision,
      state: this.record.state,
    };
  }

  /**
   * The approved definition of one item (what the model was shown), or undefined. Looked up in
   * the baseline's own lists, which are small; rules such as R4 read the approved schema here.
   */
  approvedDefinition(kind: ItemKind, key: string): unknown {
    const approved = this.baseline?.surface;
    if (!approved) return undefined;
    switch (kind) {
      case 'tool':
        return approved.tools.find((t) => t.name === key);
      case 'prompt':
        return approved.prompts.find((p) => p.name === key);
      case 'resource':
        return approved.resources.find((r) => r.uri === key);
      case 'resource-template':
        return approved.resourceTemplates.find((r) => r.uriTemplate === key);
      case 'instructions':
        return approved.instructions;
      case 'server-info':
        return approved.serverInfo;
      case 'provenance':
        return approved.provenance;
    }
  }

  /** Where a tool, prompt or resource stands against the approved baseline; the gate's R3 reads it. */
  itemStatus(kind: JudgedCall['kind'], key: string): GateItemStatus {
    if (!this.report) return 'unknown';
    if (this.quarantined.has(itemId(kind, key))) return 'quarantined';
    const found = this.itemIndex.get(itemId(kind, key));
    const status = kind === 'resource' && !found ? this.templateStatus(key) : found ? statusOf(found.status) : 'unknown';
    // Another program behind the same tools can do anything with any call: all of them wait.
    return status === 'approved' && this.programHeld() ? 'held' : status;
  }

  /** The program that serves the surface is not the approved one (or could not be named), and no answer came yet. */
  programHeld(): boolean {
    const program = this.itemIndex.get(itemId('provenance', 'provenance'));
    return program !== undefined && this.baseline !== null && (program.status === 'changed' || program.status === 'removed');
  }

  /**
   * A resource URI no listed resource has is judged through the templates: one named exactly
   * (a completion names its template), else every template that can produce the URI. Any of
   * them quarantined or held decides, since the server may serve the read through that one.
   */
  private templateStatus(uri: string): GateItemStatus {
    const exact = this.itemIndex.get(itemId('resource-template', uri));
    const templates = exact ? [exact] : uri.length > MAX_TEMPLATE_MATCH_LENGTH ? [] : this.report!.items.filter((i) => i.kind === 'resource-template' && i.status !== 'removed' && matchesUriTemplate(i.key, uri));
    let status: GateItemStatus = 'unknown';
    for (const template of templates) {
      const own = this.quarantined.has(itemId('resource-template', template.key)) ? 'quarantined' : statusOf(template.status);
      if (TEMPLATE_STATUS_WEIGHT[own] > TEMPLATE_STATUS_WEIGHT[status]) status = own;
    }
    return status;
  }

  /**
   * Recomputes the report after another server's surface moved, so the cross-server findings of
   * this server's held items name what the other servers offer now. Changes no state: those
   * findings only ever sit on items that are held anyway.
   */
  refreshPeerFindings(): void {
    if (this.record.liveSurface && this.report?.items.some((i) => i.status === 'added' || i.status === 'changed')) {
      this.setReport(this.diff(this.baseline?.surface ?? null, this.record.liveSurface));
    }
  }

  /**
   * Drift against the approved baseline, plus what the held items mean next to the other
   * servers (a tool shadowing or impersonating another server's). Recomputed from the stored
   * surfaces whenever the report is, so the findings need no storage of their own.
   */
  private diff(approved: Surface | null, live: Surface): DriftReport {
    const report = diffSurfaces(approved, live);
    return withCrossServerFindings(report, crossServerFindings(this.name, approved, live, report, this.peers()));
  }

  private setReport(report: DriftReport): void {
    this.report = report;
    this.itemIndex = new Map(report.items.map((i) => [itemId(i.kind, i.key), i]));
  }

  /**
   * Makes `surface` the approved baseline (a new generation) and re-judges the live surface
   * against it: GREEN when they are equal or differ only cosmetically, AMBER otherwise.
   */
  private adopt(surface: Surface, hash: Digest, by: ApprovedBy, now: string): BaselineRecord {
    const generation = this.record.generation + 1;
    this.baseline = { server: this.name, generation, surface, surfaceHash: hash, approvedAt: now, approvedBy: by };
    const live = this.record.liveSurface ?? surface;
    const report = this.diff(surface, live);
    this.record = { ...this.record, state: judgeDrift(report).decision === 'ALLOW' ? 'GREEN' : 'AMBER', generation, updatedAt: now };
    this.setReport(report);
    return this.baseline;
  }
}

const itemId = (kind: string, key: string): string => `${kind}\u0000${key}`;

/** Longer URIs are not matched against templates (the match is a regular expression); they are unknown, so denied. */
const MAX_TEMPLATE_MATCH_LENGTH = 8192;
/** Which status wins when several templates can produce one URI: the one that lets least through. */
const TEMPLATE_STATUS_WEIGHT: Record<GateItemStatus, number> = { unknown: 0, approved: 1, removed: 2, held: 3, quarantined: 4 };

function statusOf(status: DriftReport['items'][number]['status']): GateItemStatus {
  switch (status) {
    case 'unchanged':
    case 'cosmetic':
      return 'approved';
    case 'changed':
    case 'added':
      return 'held';
    case 'removed':
      return 'removed';
  }
}

/** A copy of `surface` with one item set to `value` (added, or replacing the item of that key). */
function withItem(surface: Surface, kind: ItemKind, key: string, value: unknown): Surface {
  const next: Surface = { ...surface, tools: [...surface.tools], prompts: [...surface.prompts], resources: [...surface.resources], resourceTemplates: [...surface.resourceTemplates] };
  const put = <T>(list: T[], keyOf: (item: T) => string): T[] => [...list.filter((i) => keyOf(i) !== key), value as T];
  switch (kind) {
    case 'tool':
      next.tools = put(next.tools, (t) => t.name);
      break;
    case 'prompt':
      next.prompts = put(next.prompts, (p) => p.name);
      break;
    case 'resource':
      next.resources = put(next.resources, (r) => r.uri);
      break;
    case 'resource-template':
      next.resourceTemplates = put(next.resourceTemplates, (r) => r.uriTemplate);
      break;
    case 'instructions':
      next.instructions = value as string;
      break;
    case 'server-info':
      next.serverInfo = value as Surface['serverInfo'];
      break;
    case 'provenance':
      if (value === undefined) delete next.provenance;
      else next.provenance = value as Surface['provenance'];
      break;
  }
  return next;
}
