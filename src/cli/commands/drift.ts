import type { Command } from 'commander';
import { z } from 'zod';
import { ServerStateSchema } from '../../engine/decision.js';
import { SEVERITIES, SeveritySchema } from '../../engine/severity.js';
import { diffSurfaces, judgeDrift, type DriftReport, type DriftVerdict } from '../../engine/drift/index.js';
import { EXIT } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { readToolListFile } from '../tool-list-file.js';

/** The JSON `drift --json` prints: a stable contract for scripts, checked by its own schema. */
export const DriftJsonSchema = z.strictObject({
  changed: z.boolean(),
  decision: z.enum(['ALLOW', 'HOLD', 'DENY']),
  state: ServerStateSchema,
  severity: z.enum(['none', ...SEVERITIES]),
  findings: z.array(
    z.strictObject({
      code: z.string(),
      severity: SeveritySchema,
      tool: z.string().nullable(),
      path: z.string(),
      before: z.unknown(),
      after: z.unknown(),
      message: z.string(),
      why: z.string(),
    }),
  ),
});
export type DriftJson = z.infer<typeof DriftJsonSchema>;

export function registerDrift(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('drift')
    .description('compare two tool lists (OLD approved, NEW live) and say what Airlock would decide')
    .argument('<old>', 'file with the approved tools/list result ({"tools": [...]}) or one tool definition')
    .argument('<new>', 'file with the live tools/list result or tool definition')
    .option('--json', 'print one JSON object instead of a report')
    .addHelpText('after', '\nExit status: 0 ALLOW, 10 HOLD, 11 DENY, 2 bad input.')
    .action((oldPath: string, newPath: string, options: { json?: boolean }) => {
      const approved = readToolListFile(oldPath, 'OLD');
      const live = readToolListFile(newPath, 'NEW');
      const report = diffSurfaces(approved, live);
      const verdict = judgeDrift(report);
      io.out(options.json ? `${JSON.stringify(driftJson(report, verdict), null, 2)}\n` : driftReportText(report, verdict));
      setExit(verdict.decision === 'ALLOW' ? EXIT.OK : verdict.decision === 'HOLD' ? EXIT.HOLD : EXIT.DENY);
    });
}

export function driftJson(report: DriftReport, verdict: DriftVerdict): DriftJson {
  return DriftJsonSchema.parse({
    changed: report.changed,
    decision: verdict.decision,
    state: verdict.state,
    severity: report.severity,
    findings: report.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      tool: f.itemKind === 'tool' ? f.itemKey : null,
      path: f.path,
      before: f.before ?? null,
      after: f.after ?? null,
      message: f.message,
      why: f.why,
    })),
  });
}

export function driftReportText(report: DriftReport, verdict: DriftVerdict): string {
  const lines: string[] = [];
  if (!report.changed) {
    lines.push('No change: the live tools equal the approved ones.');
  } else {
    lines.push(`${verdict.decision} (${verdict.state}), worst severity ${report.severity}: ${verdict.reason}`);
  }
  const width = Math.max(0, ...report.findings.map((f) => f.code.length));
  for (const f of report.findings) {
    lines.push(`  ${f.severity.padEnd(8)} ${f.code.padEnd(width)}  ${f.message}`);
    lines.push(`  ${' '.repeat(8)} ${' '.repeat(width)}  why: ${f.why}`);
  }
  return `${lines.join('\n')}\n`;
}
