import type { ServerController } from '../engine/controller/server-controller.js';
import { surfaceItems, type ItemKind } from '../engine/surface.js';
import type { QuarantineEntry } from '../shared/host-api/ways-back.js';
import { reviewItems } from './review-items.js';

/**
 * What one server has quarantined, each with what releasing it approves and the command that
 * does so: the server itself when it is RED (release approves its live surface as a new
 * generation), and every item quarantined on its own (release approves its live definition).
 */
export function quarantineEntries(controller: ServerController): QuarantineEntry[] {
  const { record, baseline } = controller.snapshot;
  const name = controller.name;
  const state = controller.state;
  const entries: QuarantineEntry[] = [];
  const pending = reviewItems(controller, []);
  if (state === 'RED') {
    entries.push({
      server: name,
      state,
      scope: 'server',
      kind: null,
      key: null,
      reason: 'the server is quarantined: every call to it is denied until you approve what it lists now as a new generation',
      hash: record.liveHash,
      approved: null,
      live: null,
      findings: pending.flatMap((i) => i.findings),
      changes: pending.map((i) => ({ kind: i.kind, key: i.key, status: i.status })),
      releaseCommand: `airlock release ${shellWord(name)}`,
    });
  }
  const live = record.liveSurface ? surfaceItems(record.liveSurface) : [];
  const approved = baseline ? surfaceItems(baseline.surface) : [];
  for (const q of controller.quarantinedItems()) {
    const kind = q.kind as ItemKind;
    const liveItem = live.find((i) => i.kind === kind && i.key === q.key);
    entries.push({
      server: name,
      state,
      scope: 'item',
      kind,
      key: q.key,
      reason: q.reason,
      hash: liveItem?.hash ?? null,
      approved: approved.find((i) => i.kind === kind && i.key === q.key)?.value ?? null,
      live: liveItem?.value ?? null,
      findings: pending.find((i) => i.kind === kind && i.key === q.key)?.findings ?? [],
      changes: [],
      releaseCommand: `airlock release ${shellWord(name)} ${shellWord(q.key)}${kind === 'tool' ? '' : ` --kind ${kind}`}`,
    });
  }
  return entries;
}

/** A word as a POSIX shell reads it back: bare when it is plainly safe, else single-quoted. */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
