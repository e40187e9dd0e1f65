import path from 'node:path';
import type { ClientDirs } from '../clients/client-adapter.js';
import type { ScannedClient, ScannedServer } from '../clients/client-scan.js';
import { redactUrl } from '../clients/clients-report.js';
import type { InstallPlan } from '../clients/install-plan.js';
import type { RestorePlan } from '../clients/restore-plan.js';
import type { ImportSummary } from '../host/client-import.js';

/** A path under the user's home shown as ~/…, so output reads the same on every machine. */
export function homePath(file: string, dirs: Pick<ClientDirs, 'userHome'>): string {
  const relative = path.relative(dirs.userHome, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? `~${path.sep}${relative}` : file;
}

export function clientsListText(scan: readonly ScannedClient[], dirs: ClientDirs): string {
  const lines: string[] = [];
  let bypassing = 0;
  let routable = 0;
  for (const { adapter, files, unreadable } of scan) {
    if (files.length + unreadable.length === 0) {
      lines.push(`${adapter.displayName} (${adapter.id}): no config file found`);
      continue;
    }
    lines.push(`${adapter.displayName} (${adapter.id})`);
    for (const file of files) {
      lines.push(`  ${homePath(file.ref.path, dirs)}${file.ref.scope === 'project' ? '  (project)' : ''}`);
      if (file.servers.length === 0) lines.push('    no MCP servers');
      const width = Math.max(...file.servers.map((s) => s.entry.name.length), 4);
      for (const server of file.servers) {
        if (server.status === 'bypassing') {
          bypassing++;
          if (server.route?.ok) routable++;
        }
        lines.push(`    ${server.entry.name.padEnd(width)}  ${serverLine(server)}`);
      }
    }
    for (const file of unreadable) lines.push(`  ${homePath(file.ref.path, dirs)}\n    error: ${file.error}`);
  }
  lines.push('');
  if (bypassing === 0) lines.push('Every server found runs through Airlock.');
  else {
    lines.push(`${bypassing} server(s) bypass Airlock${routable > 0 ? `; ${routable} can be routed through it with: airlock clients install` : ''}.`);
  }
  return `${lines.join('\n')}\n`;
}

function serverLine(server: ScannedServer): string {
  const disabled = server.entry.disabled ? ' (disabled in the client)' : '';
  if (server.status === 'routed') return `routed     through Airlock server "${server.airlockServer ?? '?'}"${disabled}`;
  const what = server.entry.transport === 'remote' ? `remote ${redactUrl(server.entry.url ?? '')}` : (server.entry.command ?? '(no command)');
  const why = server.route === undefined || server.route.ok ? '' : ` (not routable: ${server.route.reason})`;
  return `bypassing  ${what}${why}${disabled}`;
}

export function installPlanText(plan: InstallPlan, dirs: ClientDirs, approveCurrent: boolean): string {
  const lines: string[] = [];
  for (const file of plan.files) {
    lines.push(`${file.adapter.displayName}: ${homePath(file.file.ref.path, dirs)}`);
    for (const route of file.routes) {
      const secrets = Object.keys(route.import.secrets);
      lines.push(`  route "${route.entry.name}" through Airlock server "${route.server}"${secrets.length > 0 ? `; move ${secrets.join(', ')} into Airlock's secret store` : ''}`);
    }
  }
  for (const skipped of plan.skipped) lines.push(`  leave "${skipped.entry.name}" in ${homePath(skipped.file.ref.path, dirs)} as it is: ${skipped.reason}`);
  if (plan.files.length > 0) {
    lines.push(
      approveCurrent
        ? 'Each new server\'s tools, as it lists them when it first starts, count as approved (--approve-current).'
        : "Each new server's tools are held until you review and approve them (airlock review), or run again with --approve-current.",
    );
  }
  return `${lines.join('\n')}\n`;
}

export function installDoneText(plan: InstallPlan, summary: ImportSummary, dirs: ClientDirs): string {
  const lines = plan.files.map((file) => `updated ${homePath(file.file.ref.path, dirs)} (${file.routes.length} server(s) routed through Airlock)`);
  if (summary.added.length > 0) lines.push(`added Airlock server(s): ${summary.added.join(', ')}`);
  if (summary.reused.length > 0) lines.push(`already in Airlock, now also used here: ${summary.reused.join(', ')}`);
  const moved = Object.entries(summary.secretsMoved);
  if (moved.length > 0) {
    const count = moved.reduce((n, [, keys]) => n + keys.length, 0);
    lines.push(`moved ${count} secret(s) (${moved.map(([server, keys]) => `${server}: ${keys.join(', ')}`).join('; ')}) out of your client configs into Airlock's secret store: they are no longer in those files in clear.`);
  }
  lines.push('Restart the clients (or reload their MCP servers) to use the new entries. Undo with: airlock clients restore');
  return `${lines.join('\n')}\n`;
}

export function restorePlanText(plan: RestorePlan, dirs: ClientDirs): string {
  const lines: string[] = [];
  for (const file of plan.files) {
    lines.push(
      file.exact
        ? `${file.adapter.displayName}: ${homePath(file.record.path, dirs)} goes back byte for byte to how it was before Airlock changed it`
        : `${file.adapter.displayName}: ${homePath(file.record.path, dirs)} was edited since Airlock changed it: only Airlock's entries are reverted, your edits stay`,
    );
    for (const entry of file.entries) {
      if (entry.outcome === 'gone') lines.push(`  "${entry.name}" is no longer in the file; nothing to revert`);
      if (entry.outcome === 'changed-by-user') lines.push(`  "${entry.name}" no longer runs Airlock server "${entry.server}" (you changed it); left as you made it`);
    }
  }
  for (const problem of plan.problems) lines.push(`${problem.adapter.displayName}: ${problem.problem}`);
  return `${lines.join('\n')}\n`;
}
