import type { Digest } from '../canonical-json.js';
import type { ServerState } from '../decision.js';
import type { Finding } from '../finding.js';
import type { OverallSeverity } from '../severity.js';
import type { ItemKind } from '../surface.js';

/** How one item of the live surface relates to the approved one. */
export type ItemStatus = 'unchanged' | 'cosmetic' | 'changed' | 'added' | 'removed';

export interface ItemChange {
  kind: ItemKind;
  key: string;
  status: ItemStatus;
  /** Set on an added tool that looks like a renamed approved one (the old key). */
  renamedFrom?: string;
  findings: Finding[];
}

export interface DriftReport {
  /** null when there is no approved baseline (first seen). */
  approvedHash: Digest | null;
  liveHash: Digest;
  /** The live hash differs from the approved hash, or there is no baseline. */
  changed: boolean;
  /** One per item present in either surface, sorted by kind, then key. */
  items: ItemChange[];
  /** All findings, worst severity first, then by kind, key, path and code. */
  findings: Finding[];
  /** Worst finding severity; "none" when there is no finding. */
  severity: OverallSeverity;
}

export interface DriftVerdict {
  decision: 'ALLOW' | 'HOLD' | 'DENY';
  state: ServerState;
  /** True when the surface changed but every change is cosmetic or auto-approvable (the caller logs it). */
  autoApproved: boolean;
  reason: string;
}
