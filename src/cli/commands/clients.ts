import type { Command } from 'commander';
import { CLIENT_IDS, type ClientId } from '../../clients/client-adapter.js';
import { scanClients } from '../../clients/client-scan.js';
import { clientsListJson } from '../../clients/clients-report.js';
import { ClientsLockError, acquireClientsLock } from '../../clients/clients-lock.js';
import { ConfigChangedError, ConfigTargetError } from '../../clients/config-writer.js';
import { openStore, StoreError, type Store } from '../../engine/store/index.js';
import { carryOutInstall, carryOutRestore, clientRecordsDir, proposeInstall, proposeRestore, withAirlockEndpoint } from '../../host/client-changes.js';
import { clientDirsFrom } from '../client-dirs-option.js';
import { clientsListText, installDoneText, installPlanText, restoreDoneText, restorePlanText } from '../clients-text.js';
import { confirmChange } from '../confirm.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';
import { registerClientTokenEnv } from './client-token-env.js';
import { registerClientTokens } from './client-tokens.js';

interface WhereOptions {
  client?: string[];
  userHome?: string;
  platform?: string;
  project?: string[];
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `airlock clients list|install|restore`: the AI clients' MCP configs, routed through Airlock and given back. */
export function registerClients(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const clients = program.command('clients').description("find your AI clients' MCP servers, route them through Airlock, and give the files back");

  where(clients.command('list').description('each client found, its files and servers, and whether each server is routed through Airlock or bypasses it'))
    .option('--json', 'print JSON (per server "status": "routed" | "bypassing")')
    .action((options: WhereOptions & { json?: boolean }, command: Command) => {
      // Entries pointing at this home's MCP endpoint count as routed.
      const dirs = withAirlockEndpoint(clientDirsFrom(options), homeFrom(command, io));
      const scan = scanClients(dirs, clientIds(options));
      io.out(options.json ? `${JSON.stringify(clientsListJson(scan, dirs), null, 2)}\n` : clientsListText(scan, dirs));
      setExit(EXIT.OK);
    });

  where(clients.command('install').description("route the clients' stdio servers through Airlock: shows the change first, then imports each server and rewrites its entry to run `airlock connect NAME`"))
    .option('--dry-run', 'show the change and stop')
    .option('-y, --yes', 'apply without asking (needed when not run in a terminal)')
    .option('--approve-current', "count each imported server's current tools as approved (otherwise they are held until you review them)")
    .option('--over-http', "route entries to Airlock's MCP endpoint (http://127.0.0.1:PORT/mcp/NAME, with the client's token from an environment variable) where the client's file can say so, instead of `airlock connect`")
    .option('--token-in-file', "with --over-http: write the token into the file as text for a client that cannot read a variable (otherwise such a client's entries are left)")
    .action(async (options: WhereOptions & { dryRun?: boolean; yes?: boolean; approveCurrent?: boolean; overHttp?: boolean; tokenInFile?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      const dirs = clientDirsFrom(options);
      const ids = clientIds(options);
      if (options.tokenInFile === true && options.overHttp !== true) throw new UsageError('--token-in-file only goes with --over-http. Nothing was changed.');
      await withLockAndStore(home, async (store) => {
        const proposal = proposeInstall(store, home, dirs, ids, io.env, undefined, undefined, { overHttp: options.overHttp === true, tokenInFile: options.tokenInFile === true });
        const failed = proposal.unreadable.length > 0 ? EXIT.FAILED : EXIT.OK;
        for (const file of proposal.unreadable) io.err(`airlock: ${file.error}\n`);
        for (const file of proposal.files) io.out(file.diff);
        io.out(installPlanText(proposal.plan, dirs, options.approveCurrent === true, proposal.http));
        if (proposal.files.length === 0) {
          io.out('Nothing to route: no client entry bypasses Airlock that it can run.\n');
          return setExit(failed);
        }
        if (!(await confirmChange('Route these servers through Airlock?', options, io, 'clients install'))) return setExit(failed);
        const summary = carryOutInstall(store, home, proposal, options.approveCurrent === true);
        io.out(installDoneText(proposal.plan, summary, dirs));
        setExit(failed);
      });
    });

  // The same where-options as list and install, so a command that worked for install works for restore.
  where(clients.command('restore').description("give back each client file Airlock changed: byte for byte when nothing else changed it since, otherwise only Airlock's entries are reverted"))
    .option('--dry-run', 'show the change and stop')
    .option('-y, --yes', 'apply without asking (needed when not run in a terminal)')
    .action(async (options: WhereOptions & { dryRun?: boolean; yes?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      const dirs = clientDirsFrom(options);
      await withLockAndStore(home, async (store) => {
        const proposal = proposeRestore(home, clientIds(options));
        const failed = proposal.problems.length > 0 ? EXIT.FAILED : EXIT.OK;
        if (proposal.files.length + proposal.problems.length === 0) {
          io.out('Airlock has changed no client file (or has given them all back already); nothing to restore.\n');
          return setExit(EXIT.OK);
        }
        for (const file of proposal.files) io.out(file.diff);
        io.out(restorePlanText(proposal.plan, dirs));
        if (proposal.files.length === 0 || !(await confirmChange('Restore these files?', options, io, 'clients restore'))) return setExit(failed);
        io.out(restoreDoneText(carryOutRestore(store, home, proposal)));
        setExit(failed);
      });
    });

  registerClientTokens(clients, io, setExit);
  registerClientTokenEnv(clients, io, setExit);
}

/** The options that say where to look, shared by list, install and restore. */
function where(command: Command): Command {
  return command
    .option('--client <id>', `only this client (repeatable): ${CLIENT_IDS.join(', ')}`, collect)
    .option('--project <dir>', "also this project folder's files (.mcp.json, .cursor/, .vscode/, .zed/, .gemini/, .continue/…) (repeatable)", collect)
    .option('--user-home <dir>', "look in this folder instead of your home (a test fixture or a copy); the environment's folder variables are then ignored")
    .option('--platform <platform>', 'the path rules to use: darwin, win32 or linux (default: this machine)');
}

function clientIds(options: WhereOptions): ClientId[] | undefined {
  if (options.client === undefined) return undefined;
  for (const id of options.client) {
    if (!(CLIENT_IDS as readonly string[]).includes(id)) throw new UsageError(`unknown client ${JSON.stringify(id)}: use one of ${CLIENT_IDS.join(', ')}. Nothing was changed.`);
  }
  return options.client as ClientId[];
}

/** Holds the clients lock (plan, prompt and write) and the store for `fn`; Airlock's own problems become one-line errors. */
async function withLockAndStore(home: string, fn: (store: Store) => Promise<void>): Promise<void> {
  let lock;
  try {
    lock = acquireClientsLock(clientRecordsDir(home));
  } catch (error) {
    if (error instanceof ClientsLockError) throw new UsageError(error.message, EXIT.FAILED);
    throw error;
  }
  try {
    const store = openStore(home);
    try {
      await fn(store);
    } finally {
      store.close();
    }
  } catch (error) {
    if (error instanceof ConfigChangedError || error instanceof ConfigTargetError || error instanceof StoreError) throw new UsageError(error.message, EXIT.FAILED);
    throw error;
  } finally {
    lock.release();
  }
}
