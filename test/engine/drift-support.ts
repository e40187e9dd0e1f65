import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { diffSurfaces, judgeDrift, type DriftReport, type DriftVerdict } from '../../src/engine/drift/index.js';
import type { Finding } from '../../src/engine/finding.js';
import type { OverallSeverity } from '../../src/engine/severity.js';
import { parseSurface, type Surface, type ToolDef } from '../../src/engine/surface.js';

/** Shared fixtures for the drift tests: the base surface and a way to derive a changed one. */
export function loadFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/drift/${name}`, import.meta.url), 'utf8')) as T;
}

export function baseSurface(): Surface {
  return parseSurface(loadFixture('surface-base.json'));
}

/** A copy of the base surface with `change` applied to it (it may mutate freely). */
export function changed(change: (s: Surface) => void, from: Surface = baseSurface()): Surface {
  const copy = structuredClone(from);
  change(copy);
  return parseSurface(copy);
}

/** Untyped JSON a test edits in place; the schemas under test are arbitrary JSON Schema. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- deep edits into fixture JSON
export type Editable = any;

export function tool(s: Surface, name: string): ToolDef & { inputSchema: Record<string, Editable>; annotations: Record<string, unknown> } {
  const found = s.tools.find((t) => t.name === name);
  if (found === undefined) throw new Error(`fixture has no tool ${name}`);
  return found as ToolDef & { inputSchema: Record<string, Editable>; annotations: Record<string, unknown> };
}

export function drift(approved: Surface | null, live: Surface): { report: DriftReport; verdict: DriftVerdict } {
  const report = diffSurfaces(approved, live);
  return { report, verdict: judgeDrift(report) };
}

/** The [code, path] pairs of a report's findings, for compact assertions. */
export function codesAt(findings: Finding[]): [string, string][] {
  return findings.map((f) => [f.code, f.path]);
}

export function findingsWith(report: DriftReport, code: string): Finding[] {
  return report.findings.filter((f) => f.code === code);
}

/** Diffs `live` against `approved` (the base surface by default) and asserts a HOLD whose worst finding is `severity`. */
export function expectHold(live: Surface, severity: OverallSeverity, approved: Surface = baseSurface()): DriftReport {
  const { report, verdict } = drift(approved, live);
  expect(verdict).toMatchObject({ decision: 'HOLD', state: 'AMBER', autoApproved: false });
  expect(report.severity).toBe(severity);
  return report;
}
