import path from 'node:path';
import type { ClientDirs } from '../clients/client-adapter.js';
import type { ScannedClient, ScannedServer } from '../clients/client-scan.js';
import { redactUrl } from '../clients/clients-report.js';
import type { InstallPlan } from '../clients/install-plan.js';
import type { RestorePlan } from '../clients/restore-plan.js';
import { endpointUrl } from '../clients/http-entry.js';
import { NO_VARIABLE_REASON } from '../clients/install-plan.js';
import type { InstallProposal, InstallResult, RestoreResult } from '../host/client-changes.js';

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
  if (server.status === 'routed') return `routed     through Airlock server "${server.airlockServer ?? '?'}"${server.via === 'http' ? " (over HTTP, Airlock's MCP endpoint)" : ''}${disabled}`;
  const what = server.entry.transport === 'remote' ? `remote ${redactUrl(server.entry.url ?? '')}` : (server.entry.command ?? '(no command)');
  const why = server.route === undefined || server.route.ok ? '' : ` (not routable: ${server.route.reason})`;
  return `bypassing  ${what}${why}${disabled}`;
}

export function installPlanText(plan: InstallPlan, dirs: ClientDirs, approveCurrent: boolean, http?: InstallProposal['http']): string {
  const lines: string[] = [];
  for (const file of plan.files) {
    lines.push(`${file.adapter.displayName}: ${homePath(file.file.ref.path, dirs)}`);
    for (const route of file.routes) {
      const secrets = Object.keys(route.import.secrets);
      const how = route.via === 'http' && plan.http !== undefined ? ` over HTTP (${endpointUrl(plan.http.endpoint, route.server)})` : '';
      lines.push(`  route "${route.entry.name}" through Airlock server "${route.server}"${how}${secrets.length > 0 ? `; move ${secrets.join(', ')} into Airlock's secret store` : ''}`);
    }
  }
  for (const skipped of plan.skipped) lines.push(`  leave "${skipped.entry.name}" in ${homePath(skipped.file.ref.path, dirs)} as it is: ${skipped.reason}`);
  if (http !== undefined) lines.push(...httpPlanLines(plan, dirs, http));
  if (plan.files.length > 0) {
    lines.push(
      approveCurrent
        ? 'Each new server\'s tools, as it lists them when it first starts, count as approved (--approve-current).'
        : "Each new server's tools are held until you review and approve them (airlock review), or run again with --approve-current.",
    );
  }
  return `${lines.join('\n')}\n`;
}

/** What --over-http adds to the plan: each client's token and variable, and what is not routed over HTTP and why. */
function httpPlanLines(plan: InstallPlan, dirs: ClientDirs, http: NonNullable<InstallProposal['http']>): string[] {
  const lines: string[] = [];
  for (const client of http.clients) {
    const token = client.replacesToken
      ? `replaces client "${client.client}"'s token for Airlock's MCP endpoint when you apply: the old token stops working at once`
      : `gets a token for Airlock's MCP endpoint (client "${client.client}") when you apply`;
    lines.push(`${client.clientName} ${token}${client.variable === undefined ? '' : `; it reads the token from the variable ${client.variable}, never from its file`}.`);
    for (const file of client.tokenInFile) {
      lines.push(`warning: ${client.clientName} cannot read a variable: its token is written into ${homePath(file, dirs)} as text (--token-in-file). Anyone who can read that file can use Airlock's servers as ${client.clientName}.`);
    }
  }
  for (const file of http.stdioOnly) lines.push(`note: ${file.clientName}'s file only starts commands, so ${homePath(file.path, dirs)} is routed over stdio (airlock connect), as without --over-http.`);
  if (plan.skipped.some((s) => s.reason === NO_VARIABLE_REASON)) lines.push('To write the token into those files as text anyway: airlock clients install --over-http --token-in-file');
  return lines;
}

export function installDoneText(plan: InstallPlan, summary: InstallResult, dirs: ClientDirs): string {
  const lines = plan.files.map((file) => `updated ${homePath(file.file.ref.path, dirs)} (${file.routes.length} server(s) routed through Airlock)`);
  if (summary.added.length > 0) lines.push(`added Airlock server(s): ${summary.added.join(', ')}`);
  if (summary.reused.length > 0) lines.push(`already in Airlock, now also used here: ${summary.reused.join(', ')}`);
  const moved = Object.entries(summary.secretsMoved);
  if (moved.length > 0) {
    const count = moved.reduce((n, [, keys]) => n + keys.length, 0);
    lines.push(`moved ${count} secret(s) (${moved.map(([server, keys]) => `${server}: ${keys.join(', ')}`).join('; ')}) out of your client configs into Airlock's secret store: they are no longer in those files in clear.`);
  }
  for (const token of summary.tokens) {
    lines.push(`${token.replaced ? 'replaced the token of' : 'made a token for'} client "${token.client}"${token.replaced ? ' (the old one stopped working)' : ''}; Airlock keeps it in its home for token-env, and the endpoint keeps only its hash`);
  }
  const variables = summary.tokens.filter((t) => t.variable !== undefined);
  if (variables.length > 0) {
    lines.push(
      `Your clients read their tokens from ${variables.map((t) => t.variable).join(', ')}. Give them the variables: add this line to your shell profile (~/.zshrc, ~/.bashrc…) and start the clients from a new shell:`,
      '  eval "$(airlock clients token-env)"',
      '(PowerShell: airlock clients token-env --shell powershell | Invoke-Expression). A client started from the dock or a desktop launcher may not read your shell profile: start it from that shell.',
    );
  }
  if (summary.tokens.length > 0) lines.push("Airlock's MCP endpoint must be running for them: airlock serve (or the desktop app).");
  lines.push(
    summary.tokens.length > 0
      ? 'Restart the clients (or reload their MCP servers) to use the new entries. Undo with: airlock clients restore (it also revokes the token of each client whose HTTP entries it gives back).'
      : 'Restart the clients (or reload their MCP servers) to use the new entries. Undo with: airlock clients restore',
  );
  return `${lines.join('\n')}\n`;
}

export function restoreDoneText(result: RestoreResult): string {
  const lines = [`Restored ${result.files.length} file(s). Airlock's servers stay registered; remove one with: airlock servers remove NAME`];
  if (result.revokedTokens.length > 0) lines.push(`Revoked the MCP endpoint token of ${result.revokedTokens.map((c) => `"${c}"`).join(', ')}: no entry Airlock routed over HTTP for them is left.`);
  if (result.keptTokens.length > 0) {
    lines.push(`Kept the MCP endpoint token of ${result.keptTokens.map((c) => `"${c}"`).join(', ')}: an entry Airlock routed over HTTP was changed since (left as you made it) or is in a file not restored, and may still use it. Revoke it with: airlock clients revoke-token NAME`);
  }
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
