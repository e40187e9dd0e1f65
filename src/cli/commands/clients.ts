import path from 'node:path';
import type { Command } from 'commander';
import { CLIENT_IDS, type ClientId } from '../../clients/client-adapter.js';
import { adapterFor, CLIENT_ADAPTERS } from '../../clients/adapters/index.js';
import { scanClients } from '../../clients/client-scan.js';
import { ClientsLockError, acquireClientsLock } from '../../clients/clients-lock.js';
import { ConfigChangedError } from '../../clients/config-writer.js';
import { parseConfigText } from '../../clients/config-syntax.js';
import { sensitiveValues } from '../../clients/entry-routing.js';
import { applyInstall, planInstall } from '../../clients/install-plan.js';
import { applyRestore, planRestore } from '../../clients/restore-plan.js';
import { appendAuditEvent } from '../../engine/audit/index.js';
import { openStore, StoreError, type Store } from '../../engine/store/index.js';
import { importPlannedServers, ServerImportNamer } from '../../host/client-import.js';
import { SecretStore } from '../../host/secret-store.js';
import { clientDirsFrom } from '../client-dirs-option.js';
import { airlockLauncher } from '../client-launcher.js';
import { clientsListJson, clientsListText, installDoneText, installPlanText, redactedDiff, restorePlanText } from '../clients-text.js';
import { confirmChange } from '../confirm.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';

/** The folder under AIRLOCK_HOME with the record of client-file changes and their backups. */
export const CLIENT_RECORDS_DIR = 'clients';

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
    .action((options: WhereOptions & { json?: boolean }) => {
      const dirs = clientDirsFrom(options);
      const scan = scanClients(dirs, clientIds(options));
      io.out(options.json ? `${JSON.stringify(clientsListJson(scan, dirs), null, 2)}\n` : clientsListText(scan, dirs));
      setExit(EXIT.OK);
    });

  where(clients.command('install').description("route the clients' stdio servers through Airlock: shows the change first, then imports each server and rewrites its entry to run `airlock connect NAME`"))
    .option('--dry-run', 'show the change and stop')
    .option('-y, --yes', 'apply without asking (needed when not run in a terminal)')
    .option('--approve-current', "count each imported server's current tools as approved (otherwise they are held until you review them)")
    .action(async (options: WhereOptions & { dryRun?: boolean; yes?: boolean; approveCurrent?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      const dirs = clientDirsFrom(options);
      await withClientsLock(home, async (recordDir) => {
        const scan = scanClients(dirs, clientIds(options));
        await withStore(home, async (store) => {
          const namer = new ServerImportNamer(store, SecretStore.open(home));
          const plan = planInstall(scan, airlockLauncher(home, io.env), namer.name);
          for (const file of plan.unreadable) io.err(`airlock: ${file.error}\n`);
          for (const file of plan.files) {
            const sensitive = file.routes.flatMap((route) => sensitiveValues(route.entry));
            io.out(redactedDiff(file.file.ref.path, file.file.text, file.after, sensitive));
          }
          io.out(installPlanText(plan, dirs, options.approveCurrent === true));
          if (plan.files.length === 0) {
            io.out('Nothing to route: no client entry bypasses Airlock that it can run.\n');
            setExit(plan.unreadable.length > 0 ? EXIT.FAILED : EXIT.OK);
            return;
          }
          if (!(await confirmChange('Route these servers through Airlock?', options, io, 'clients install'))) {
            setExit(plan.unreadable.length > 0 ? EXIT.FAILED : EXIT.OK);
            return;
          }
          const summary = importPlannedServers(store, home, plan, namer, options.approveCurrent === true);
          applyInstall(plan, recordDir);
          for (const file of plan.files) {
            appendAuditEvent(store, {
              type: 'client.installed',
              detail: { client: file.adapter.id, file: file.file.ref.path, servers: file.routes.map((r) => r.server), secretsMoved: file.routes.reduce((n, r) => n + Object.keys(r.import.secrets).length, 0) },
            });
          }
          io.out(installDoneText(plan, summary, dirs));
          setExit(plan.unreadable.length > 0 ? EXIT.FAILED : EXIT.OK);
        });
      });
    });

  clients
    .command('restore')
    .description("give back each client file Airlock changed: byte for byte when nothing else changed it since, otherwise only Airlock's entries are reverted")
    .option('--client <id>', `only this client (repeatable): ${CLIENT_IDS.join(', ')}`, collect)
    .option('--user-home <dir>', 'the home folder the paths are shown relative to')
    .option('--dry-run', 'show the change and stop')
    .option('-y, --yes', 'apply without asking (needed when not run in a terminal)')
    .action(async (options: WhereOptions & { dryRun?: boolean; yes?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      const dirs = clientDirsFrom(options);
      const ids = clientIds(options);
      await withClientsLock(home, async (recordDir) => {
        const adapters = ids === undefined ? CLIENT_ADAPTERS : ids.map(adapterFor);
        const plan = planRestore(recordDir, adapters);
        if (plan.files.length + plan.problems.length === 0) {
          io.out('Airlock has changed no client file (or has given them all back already); nothing to restore.\n');
          setExit(EXIT.OK);
          return;
        }
        for (const file of plan.files) {
          const restoredText = file.restored.toString('utf8');
          const sensitive = file.adapter.readServers(parseOrEmpty(restoredText, file.record), { client: file.record.client, path: file.record.path, scope: 'user', format: file.record.format }).flatMap(sensitiveValues);
          if (!file.restored.equals(file.current)) io.out(redactedDiff(file.record.path, file.current.toString('utf8'), restoredText, sensitive));
        }
        io.out(restorePlanText(plan, dirs));
        if (plan.files.length === 0 || !(await confirmChange('Restore these files?', options, io, 'clients restore'))) {
          setExit(plan.problems.length > 0 ? EXIT.FAILED : EXIT.OK);
          return;
        }
        applyRestore(plan, recordDir);
        await withStore(home, (store) => {
          for (const file of plan.files) {
            appendAuditEvent(store, { type: 'client.restored', detail: { client: file.record.client, file: file.record.path, exact: file.exact, entries: file.entries.map((e) => `${e.name}:${e.outcome}`) } });
          }
        });
        io.out(`Restored ${plan.files.length} file(s). Airlock's servers stay registered; remove one with: airlock servers remove NAME\n`);
        setExit(plan.problems.length > 0 ? EXIT.FAILED : EXIT.OK);
      });
    });
}

/** The options that say where to look, shared by list and install. */
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

/** The restored text parsed, only to find values to redact from the diff. */
function parseOrEmpty(text: string, record: { path: string; format: 'jsonc' | 'toml' | 'yaml' }): unknown {
  try {
    return parseConfigText(text, record.format, record.path);
  } catch {
    return {};
  }
}

async function withClientsLock(home: string, fn: (recordDir: string) => Promise<void>): Promise<void> {
  const recordDir = path.join(home, CLIENT_RECORDS_DIR);
  let lock;
  try {
    lock = acquireClientsLock(recordDir);
  } catch (error) {
    if (error instanceof ClientsLockError) throw new UsageError(error.message, EXIT.FAILED);
    throw error;
  }
  try {
    await fn(recordDir);
  } catch (error) {
    if (error instanceof ConfigChangedError || error instanceof StoreError) throw new UsageError(error.message, EXIT.FAILED);
    throw error;
  } finally {
    lock.release();
  }
}

async function withStore<T>(home: string, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = openStore(home);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}
