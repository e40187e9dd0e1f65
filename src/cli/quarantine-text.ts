import type { QuarantineEntry } from '../shared/host-api/ways-back.js';
import { definitionDiff, showInvisible } from './review-text.js';

/** One quarantined server or item: what it is, why, and the command that releases it. */
export function quarantineEntryText(entry: QuarantineEntry): string {
  const what = entry.scope === 'server' ? `${entry.server}: the whole server (RED)` : `${entry.server} / ${entry.kind} "${entry.key}"`;
  const lines = [`── ${what} is quarantined: ${showInvisible(entry.reason)}`];
  if (entry.hash === null) lines.push('   the server no longer lists it, so there is nothing to release');
  else lines.push(`   release: ${entry.releaseCommand}`);
  return `${lines.join('\n')}\n`;
}

/** What a release approves, shown before it is asked for: the item's approved and live definitions, or the server's changes. */
export function releaseText(entry: QuarantineEntry, generation: number | null): string {
  const lines: string[] = [];
  if (entry.scope === 'server') {
    lines.push(`Releasing "${entry.server}" approves what it lists now (surface ${entry.hash}) as a new generation${generation === null ? '' : ` (${generation + 1})`}.`);
    if (entry.changes.length === 0) lines.push('It lists exactly what you approved before.');
    for (const c of entry.changes) lines.push(`   ${c.kind} "${c.key}": ${c.status === 'added' ? 'new' : c.status}`);
  } else {
    lines.push(`Releasing ${entry.kind} "${entry.key}" on "${entry.server}" approves its live definition (item ${entry.hash}); "-" approved, "+" live:`);
    lines.push(definitionDiff(entry.approved, entry.live).replace(/^/gm, '   '));
  }
  for (const f of entry.findings) lines.push(`   ${f.severity.padEnd(8)} ${f.code}  ${showInvisible(f.message)}`);
  return `${lines.join('\n')}\n`;
}
