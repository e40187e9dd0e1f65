import type { ItemFindings } from './item-findings.js';
import { childPointer } from './json-pointer.js';
import { field, preview, sameJson, unionKeys } from './json-values.js';

/**
 * Tool annotations are hints the server chooses, so Airlock never trusts them to lower a
 * severity; a tool that stops calling itself read-only, or starts calling itself destructive,
 * has told us its behaviour changed: a medium finding, held like every change. It is not high,
 * because honest servers add these hints to describe what their tools always did; what would
 * make it an attack is text that leads the model to misuse it, which the text checks rate.
 * Absent values take the MCP defaults: readOnly false, destructive true, idempotent false,
 * openWorld true.
 */
const DEFAULTS: Record<string, boolean> = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };

function effective(annotations: unknown, hint: string): unknown {
  const v = field(annotations, hint);
  return v === undefined ? DEFAULTS[hint] : v;
}

export function diffAnnotations(f: ItemFindings, before: unknown, after: unknown, path: string): void {
  for (const key of unionKeys(before, after)) {
    const b = field(before, key);
    const a = field(after, key);
    if (sameJson(b, a)) continue;
    const at = childPointer(path, key);
    const change = `${preview(b)} → ${preview(a)}`;
    const was = (v: boolean): boolean => effective(before, key) === v;
    const is = (v: boolean): boolean => effective(after, key) === v;
    if (key === 'title') {
      f.compareProse(at, b, a, 'annotation.title.changed', 'low', 'annotation title');
    } else if (key === 'readOnlyHint' && b === true && !is(true)) {
      f.add('annotation.read-only-removed', 'medium', at, b, a, `no longer declares itself read-only (readOnlyHint ${change}); it may now write`);
    } else if (key === 'destructiveHint' && is(true) && (b === false || (b === undefined && a === true))) {
      f.add('annotation.destructive-added', 'medium', at, b, a, `now declares itself destructive (destructiveHint ${change})`);
    } else if (key === 'openWorldHint' && was(false) && is(true)) {
      f.add('annotation.open-world-added', 'medium', at, b, a, `now declares it reaches outside systems (openWorldHint ${change})`);
    } else if (key === 'idempotentHint' && was(true) && is(false)) {
      f.add('annotation.idempotent-removed', 'medium', at, b, a, `no longer declares itself idempotent (idempotentHint ${change})`);
    } else {
      f.add('annotation.changed', 'low', at, b, a, `annotation ${key} changed (${change})`);
    }
  }
}
