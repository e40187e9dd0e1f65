import type { Finding } from '../finding.js';
import { worstSeverity } from '../severity.js';
import { surfaceHashOfItems, surfaceItems, type Surface, type SurfaceItem, type ToolDef } from '../surface.js';
import type { DriftReport, ItemChange } from './drift-types.js';
import { diffItem, presenceSeverity } from './item-diff.js';
import { ItemFindings } from './item-findings.js';
import { pairRenames, type RenamePair } from './rename.js';
import { whyOf } from './finding-reasons.js';
import { compareFindings, compareText, kindRank } from './finding-order.js';
import { checkShadowing } from './shadow-names.js';
import { checkAddedText, type TextContext } from './text-checks.js';
import { compareProvenance, describeProvenance, missingProvenance, recordedProvenance } from './provenance-diff.js';

const itemId = (kind: string, key: string): string => `${kind}\u0000${key}`;

/**
 * Compares the live surface with the APPROVED one (DESIGN.md §4). Callers must pass the
 * approved baseline, never the last surface seen: diffing against a later, unapproved
 * surface would let a small follow-up change launder the earlier one.
 */
export function diffSurfaces(approved: Surface | null, live: Surface): DriftReport {
  const liveItems = surfaceItems(live);
  const approvedItems = approved === null ? null : surfaceItems(approved);
  const liveHash = surfaceHashOfItems(liveItems);
  const approvedHash = approvedItems === null ? null : surfaceHashOfItems(approvedItems);
  const items: ItemChange[] = [];
  const extra: Finding[] = [];

  if (approvedItems === null) {
    // No baseline: everything is new, and all its text is checked as added text.
    const context: TextContext = { ownTools: new Set(liveItems.filter((i) => i.kind === 'tool').map((i) => i.key)) };
    // The program record is not text the model reads: it gets no text checks.
    for (const item of liveItems) items.push(item.kind === 'provenance' ? { kind: item.kind, key: item.key, status: 'added', findings: [] } : addedItem(item, true, context));
    extra.push(firstSeenFinding(liveItems.filter((i) => i.kind !== 'provenance').length, live.provenance));
  } else {
    const before = new Map(approvedItems.map((i) => [itemId(i.kind, i.key), i]));
    const after = new Map(liveItems.map((i) => [itemId(i.kind, i.key), i]));
    const gone = [...before.values()].filter((i) => !after.has(itemId(i.kind, i.key)));
    const fresh = liveItems.filter((i) => !before.has(itemId(i.kind, i.key)));
    const tools = (list: SurfaceItem[]): ToolDef[] => list.filter((i) => i.kind === 'tool').map((i) => i.value as ToolDef);
    const renames = pairRenames(tools(gone), tools(fresh));
    const renamedTo = new Map(renames.map((r) => [r.to.name, r]));
    const renamedFrom = new Set(renames.map((r) => r.from.name));

    const context: TextContext = { ownTools: new Set(approvedItems.filter((i) => i.kind === 'tool').map((i) => i.key)) };
    const approvedTools = tools(approvedItems);
    for (const [id, now] of after) {
      const old = before.get(id);
      if (old !== undefined) items.push(compareItem(old, now, context));
    }
    for (const item of fresh) {
      // A baseline approved before programs were recorded: the first record is taken, not held.
      if (item.kind === 'provenance') {
        items.push(recordedProvenance(item.value));
        continue;
      }
      const rename = item.kind === 'tool' ? renamedTo.get(item.key) : undefined;
      const change = addedItem(item, false, context, rename);
      if (item.kind === 'tool' && rename === undefined) checkShadowing(change, item.value as ToolDef, approvedTools);
      items.push(change);
    }
    for (const item of gone) {
      if (item.kind === 'provenance') {
        items.push(missingProvenance(item.value));
        continue;
      }
      const f = new ItemFindings(item.kind, item.key);
      // The rename finding on the new tool already speaks for the old one.
      if (!(item.kind === 'tool' && renamedFrom.has(item.key))) {
        f.add(`${item.kind}.removed`, presenceSeverity(item.kind), '', item.value, undefined, 'was removed');
      }
      items.push({ kind: item.kind, key: item.key, status: 'removed', findings: f.findings });
    }
  }

  items.sort(compareItems);
  const findings = [...extra, ...items.flatMap((i) => i.findings)].sort(compareFindings);
  return {
    approvedHash,
    liveHash,
    changed: approvedHash !== liveHash,
    items,
    findings,
    severity: worstSeverity(findings.map((f) => f.severity)),
  };
}

function compareItem(old: SurfaceItem, now: SurfaceItem, context: TextContext): ItemChange {
  const base = { kind: now.kind, key: now.key };
  if (old.hash === now.hash) return { ...base, status: 'unchanged', findings: [] };
  if (now.kind === 'provenance') return compareProvenance(old.value, now.value);
  const f = new ItemFindings(now.kind, now.key);
  diffItem(f, old.value, now.value);
  checkAddedText(f, old.value, now.value, context);
  // Fail closed: the hashes differ, so something changed even if no rule could name it.
  if (f.findings.length === 0) f.add('surface.item.changed', 'medium', '', old.value, now.value, 'changed in a way no rule names; review the whole definition');
  const cosmetic = f.findings.every((x) => x.cosmetic);
  return { ...base, status: cosmetic ? 'cosmetic' : 'changed', findings: f.findings };
}

/**
 * A new item. On first seen it only gets the text checks (the single surface.first-seen finding
 * speaks for all of them); a likely rename is diffed against the old tool; otherwise it is "added".
 */
function addedItem(item: SurfaceItem, firstSeen: boolean, context: TextContext, rename?: RenamePair): ItemChange {
  const f = new ItemFindings(item.kind, item.key);
  if (rename !== undefined) {
    const why = `looks like tool ${JSON.stringify(rename.from.name)} renamed (${rename.reason}); it is withheld until you approve it`;
    f.add('tool.renamed', 'medium', '/name', rename.from.name, rename.to.name, why);
    diffItem(f, rename.from, item.value);
    const required = f.findings.filter((x) => x.code === 'schema.param.required-added' || x.code === 'schema.required.added');
    if (required.length > 0) {
      f.add('tool.renamed-with-required', 'high', '/name', rename.from.name, rename.to.name, `was renamed from ${JSON.stringify(rename.from.name)} and now also requires ${required.map((x) => x.path.split('/').pop()).join(', ')}`);
    }
  } else if (!firstSeen) {
    f.add(`${item.kind}.added`, presenceSeverity(item.kind), '', undefined, item.value, 'was added; it is withheld until you approve it');
  }
  checkAddedText(f, rename?.from, item.value, context);
  const change: ItemChange = { kind: item.kind, key: item.key, status: 'added', findings: f.findings };
  if (rename !== undefined) change.renamedFrom = rename.from.name;
  return change;
}

function firstSeenFinding(count: number, program: unknown): Finding {
  const runs = program === undefined ? '' : `; it runs ${describeProvenance(program)}`;
  return {
    code: 'surface.first-seen',
    severity: 'medium',
    itemKind: null,
    itemKey: null,
    path: '',
    before: null,
    after: null,
    message: `server seen for the first time: its ${count} items are held until you review them and approve them, all at once or one by one${runs}`,
    why: whyOf('surface.first-seen'),
    cosmetic: false,
  };
}

function compareItems(a: ItemChange, b: ItemChange): number {
  return kindRank(a.kind) - kindRank(b.kind) || compareText(a.key, b.key);
}
