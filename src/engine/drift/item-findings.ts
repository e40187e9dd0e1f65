import type { Finding } from '../finding.js';
import type { Severity } from '../severity.js';
import type { ItemKind } from '../surface.js';
import { whyOf } from './finding-reasons.js';
import { isCosmeticChange } from './unicode-text.js';

const KIND_LABEL: Record<ItemKind, string> = {
  'server-info': 'server info',
  instructions: 'server instructions',
  tool: 'tool',
  prompt: 'prompt',
  resource: 'resource',
  'resource-template': 'resource template',
  provenance: 'program',
};

/** How a finding names its item in a message: `tool "read_file"`, `server instructions`. */
export function itemLabel(kind: ItemKind, key: string): string {
  return kind === 'server-info' || kind === 'instructions' || kind === 'provenance' ? KIND_LABEL[kind] : `${KIND_LABEL[kind]} ${JSON.stringify(key)}`;
}

/** Collects the findings about one item; every message starts with the item's label. */
export class ItemFindings {
  readonly findings: Finding[] = [];
  readonly label: string;

  constructor(
    readonly kind: ItemKind,
    readonly key: string,
  ) {
    this.label = itemLabel(kind, key);
  }

  add(code: string, severity: Severity, path: string, before: unknown, after: unknown, message: string, cosmetic = false, why = whyOf(code)): void {
    this.findings.push({
      code,
      severity,
      itemKind: this.kind,
      itemKey: this.key,
      path,
      before: before === undefined ? null : before,
      after: after === undefined ? null : after,
      message: `${this.label}: ${message}`,
      why,
      cosmetic,
    });
  }

  /**
   * Compares a piece of prose (description, title, instructions). A change that only alters
   * whitespace or Unicode compatibility forms is cosmetic; anything else gets `code`.
   */
  compareProse(path: string, before: unknown, after: unknown, code: string, severity: Severity, what: string): void {
    if (before === after) return;
    if (typeof before === 'string' && typeof after === 'string' && isCosmeticChange(before, after)) {
      this.add('cosmetic.text', 'info', path, before, after, `${what} changed only in whitespace or Unicode form; approved automatically`, true);
      return;
    }
    const verb = before === undefined ? 'was added' : after === undefined ? 'was removed' : 'changed';
    this.add(code, severity, path, before, after, `${what} ${verb}`);
  }
}
