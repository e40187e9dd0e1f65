import type { Finding } from '../finding.js';
import type { DriftReport, DriftVerdict, ItemChange } from './drift-types.js';

/** Findings that alone never hold a server: a version bump says nothing new to the model. */
const AUTO_APPROVABLE_CODES = new Set(['server-info.version.changed']);

export function isAutoApprovable(finding: Finding): boolean {
  return finding.cosmetic || AUTO_APPROVABLE_CODES.has(finding.code);
}

/**
 * The default policy: unchanged or only cosmetic/routine changes → ALLOW (GREEN); any critical
 * finding → DENY and quarantine (RED); anything else → HOLD for the user (AMBER).
 */
export function judgeDrift(report: DriftReport): DriftVerdict {
  const worst = report.findings[0];
  if (worst === undefined) {
    if (!report.changed) return { decision: 'ALLOW', state: 'GREEN', autoApproved: false, reason: 'the live surface equals the approved one' };
    // Fail closed: a hash that moved with nothing to show for it is not proof of "unchanged".
    return { decision: 'HOLD', state: 'AMBER', autoApproved: false, reason: 'the surface hash changed but no difference could be named; review it before approving' };
  }
  if (worst.severity === 'critical') {
    return { decision: 'DENY', state: 'RED', autoApproved: false, reason: `quarantined: ${worst.message}` };
  }
  const held = report.findings.filter((f) => !isAutoApprovable(f));
  const first = held[0];
  if (first === undefined) {
    const n = report.findings.length;
    return { decision: 'ALLOW', state: 'GREEN', autoApproved: true, reason: `${n} cosmetic or routine change${n === 1 ? '' : 's'} approved automatically` };
  }
  const n = held.length;
  return {
    decision: 'HOLD',
    state: 'AMBER',
    autoApproved: false,
    reason: `${n} change${n === 1 ? '' : 's'} wait for review (worst: ${first.severity}): ${first.message}`,
  };
}

/**
 * Items that must wait for the user: every added item (on first seen they may carry no finding
 * of their own), and every changed one unless all its findings are auto-approvable.
 */
export function heldItems(report: DriftReport): ItemChange[] {
  return report.items.filter((i) => i.status === 'added' || (i.status === 'changed' && !i.findings.every(isAutoApprovable)));
}
