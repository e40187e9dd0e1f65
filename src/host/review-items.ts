import type { ServerController } from '../engine/controller/server-controller.js';
import type { Finding } from '../engine/finding.js';
import { severityRank, worstSeverity } from '../engine/severity.js';
import type { ToolState } from './control.js';
import { surfaceItems, type ItemKind } from '../engine/surface.js';
import type { HoldView } from './host-events.js';

/** One item waiting for the user's answer, with everything needed to decide it. */
export interface ReviewItem {
  server: string;
  state: string;
  kind: ItemKind;
  key: string;
  status: 'changed' | 'added' | 'removed';
  /** The item hash to approve it by: what the user was shown. Null for a removal. */
  hash: string | null;
  /** The server's live surface hash, to approve the whole server by. */
  surfaceHash: string | null;
  findings: Finding[];
  approved: unknown;
  live: unknown;
  quarantined: boolean;
  pendingCalls: HoldView[];
  /** The server has no approved baseline yet: the window shows its items as one decision. */
  firstSeen: boolean;
}

/** The items of one server that wait for review: changed and new ones, removals, and first-seen items. */
export function reviewItems(controller: ServerController, holds: readonly HoldView[]): ReviewItem[] {
  const { record, baseline, report } = controller.snapshot;
  if (!report || !record.liveSurface) return [];
  const live = new Map(surfaceItems(record.liveSurface).map((i) => [`${i.kind}\u0000${i.key}`, i]));
  const approved = new Map(baseline ? surfaceItems(baseline.surface).map((i) => [`${i.kind}\u0000${i.key}`, i]) : []);
  const quarantined = new Set(controller.quarantinedItems().map((q) => `${q.kind}\u0000${q.key}`));
  return report.items
    // First seen, the program is named in the server-wide finding and approved with the whole surface, not asked about alone.
    .filter((i) => (i.status === 'changed' || i.status === 'added' || i.status === 'removed') && !(baseline === null && i.kind === 'provenance'))
    .map((i) => {
      const id = `${i.kind}\u0000${i.key}`;
      return {
        server: controller.name,
        state: controller.state,
        kind: i.kind,
        key: i.key,
        status: i.status as ReviewItem['status'],
        hash: live.get(id)?.hash ?? null,
        surfaceHash: record.liveHash,
        // First seen: the one server-wide finding says why every item waits.
        findings: worstFirst(i.findings.length > 0 || baseline ? i.findings : report.findings.filter((f) => f.itemKind === null)),
        approved: approved.get(id)?.value ?? null,
        live: live.get(id)?.value ?? null,
        quarantined: quarantined.has(id),
        // A changed program holds every call of the server: they all wait on this one answer.
        pendingCalls: i.kind === 'provenance' ? [...holds] : holds.filter((h) => h.kind === (i.kind as string) && h.key === i.key),
        firstSeen: baseline === null,
      };
    });
}

function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}

/** Where each of a server's tools stands, for `airlock tools list` and the control API. */
export function toolStates(server: string, c: ServerController): ToolState[] {
  const report = c.snapshot.report;
  if (!report) return [];
  return report.items
    .filter((i) => i.kind === 'tool')
    .map((i) => ({ server, tool: i.key, status: i.status, gate: c.state === 'RED' ? 'denied (server quarantined)' : c.itemStatus('tool', i.key), severity: worstSeverity(i.findings.map((f) => f.severity)) }));
}
