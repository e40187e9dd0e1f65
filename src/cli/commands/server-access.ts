import type { Command } from 'commander';
import type { Store } from '../../engine/store/index.js';
import { listClientPolicies } from '../../engine/store/client-policy.js';
import { ClientPolicyError, clientPolicySummary, clientPolicyView, setClientPolicy, type ClientPolicyView } from '../../host/client-policy.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import { withStore } from '../store-command.js';
import type { CliIo } from '../io.js';

interface AccessOptions {
  allow?: string[];
  tool?: string;
  reset?: boolean;
  nobody?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * `airlock servers access NAME`: which clients may use a server, or one of its tools. Works on the
 * store directly, like `servers add`; a running Host applies a change from the next call.
 */
export function registerServerAccess(servers: Command, io: CliIo, setExit: (code: number) => void): void {
  servers
    .command('access')
    .description('show or set which clients may use a server (or one of its tools); default: every client')
    .argument('<name>', 'the server')
    .option('--allow <ENTRY>', 'allow this client (repeatable; replaces the list): token:NAME, connect, entry:CLIENT-ID or client:NAME', collect)
    .option('--tool <TOOL>', "set the policy of this tool only: it replaces the server's policy for that tool")
    .option('--nobody', 'allow no client')
    .option('--reset', 'every client again (for the whole server this removes its tools\' policies too)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Entries, from strongest to weakest:
  token:NAME       an HTTP client of the MCP endpoint holding client NAME's token (airlock clients token NAME).
                   The only entry backed by a secret: use it where it matters.
  entry:CLIENT-ID  an \`airlock connect\` entry that \`airlock clients install\` wrote into that AI client's
                   file (it runs \`airlock connect --client=CLIENT-ID NAME\`), e.g. entry:cursor
  connect          any \`airlock connect\` session (any program you run can start one)
  client:NAME      the name a client gives itself at initialize (clientInfo.name), compared without case,
                   width or spacing differences. Self-reported: it sorts honest clients apart, and keeps
                   out no program that chooses to call itself NAME.

A call from a client that is not allowed is denied (and audited) naming the rule; a client allowed no
tool of a server is listed none.

Examples:
  airlock servers access github
  airlock servers access github --allow token:ci --allow entry:cursor
  airlock servers access github --tool delete_repo --nobody
  airlock servers access github --reset`,
    )
    .action((name: string, options: AccessOptions, command: Command) => {
      const home = homeFrom(command, io);
      const setting = [options.allow !== undefined, options.nobody === true, options.reset === true].filter(Boolean).length;
      if (setting > 1) throw new UsageError('give one of --allow, --nobody or --reset. Nothing was changed.');
      if (setting === 0 && options.tool !== undefined) throw new UsageError('--tool goes with --allow, --nobody or --reset. Nothing was changed.');
      const view = withStore(home, (store) => {
        if (setting === 0) return clientPolicyView(store, name);
        const allowed = options.reset ? null : (options.allow ?? []);
        return setClientPolicy(store, { server: name, tool: options.tool ?? null, allowed, by: 'cli', withTools: options.reset === true && options.tool === undefined });
      }, { refusals: [ClientPolicyError], suffix: '. Nothing was changed.' });
      io.out(options.json ? `${JSON.stringify({ server: view.server, allowed: view.serverAllowed, tools: view.tools }, null, 2)}\n` : accessText(view, setting > 0));
      setExit(EXIT.OK);
    });
}

function accessText(view: ClientPolicyView, changed: boolean): string {
  const list = (allowed: readonly string[] | null): string => (allowed === null ? 'every client' : allowed.length === 0 ? 'no client' : allowed.join(', '));
  const lines = [`${changed ? 'Now: ' : ''}"${view.server}" may be used by ${list(view.serverAllowed)}`];
  for (const t of view.tools) lines.push(`  tool ${t.tool}: ${list(t.allowed)}`);
  if (!changed) lines.push(`Change it with: airlock servers access ${view.server} --allow ENTRY [--allow ENTRY…] [--tool TOOL] (see --help)`);
  return `${lines.join('\n')}\n`;
}

/** For `servers list`: who may use the server, when not every client ("token:ci, entry:cursor (tools: delete_repo: none)"). */
export function serverClientsText(store: Store, server: string): string | undefined {
  const policies = listClientPolicies(store, server);
  if (policies.length === 0) return undefined;
  const own = policies.find((p) => p.tool === null)?.allowed ?? null;
  return clientPolicySummary({ serverAllowed: own, tools: policies.flatMap((p) => (p.tool === null ? [] : [{ tool: p.tool, allowed: p.allowed }])) });
}
