import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  DB_FILE_NAME,
  envKeyProblem,
  getServerConfig,
  listServerConfigs,
  openStore,
  parseServerConfig,
  ServerConfigError,
  StoreError,
  type ServerConfig,
  type Store,
} from '../../engine/store/index.js';
import { SecretStore } from '../../host/secret-store.js';
import { registerServer, ServerExistsError, ServerNotConfiguredError, unregisterServer } from '../../host/server-registration.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';
import { readSecretValues } from '../secret-input.js';
import { addedText, commandLine, serversListJson, serversListText } from '../server-config-text.js';
import { readRemoteSecrets, remoteConfigFromOptions, type RemoteAddOptions } from '../remote-server-options.js';
import { registerServerSignIn, signInStates } from '../server-sign-in.js';
import { OAuthVault } from '../../host/oauth/index.js';
import { approvedProvenance } from '../../host/provenance/pin-server.js';
import { registerServerPin } from './server-pin.js';
import { registerServerAccess, serverClientsText } from './server-access.js';

interface AddOptions extends RemoteAddOptions {
  approve?: boolean;
  env?: string[];
  envFrom?: string[];
  secret?: string[];
  replace?: boolean;
}

/** Repeatable options collect into a list; no default, so help does not print "(default: [])". */
const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * `airlock servers add|list|remove`: the registry of upstream servers. These work on the store
 * directly, with or without a running Host; the Host reads a server's config when a client
 * connects to it.
 */
export function registerServers(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const servers = program.command('servers').description('the upstream MCP servers Airlock starts for your clients');

  servers
    .command('add')
    .description('register a server: the command that starts it, its environment and its secrets')
    .argument('<name>', 'a name for the server: letters, digits, ".", "_" or "-"')
    .argument('[command...]', "after --: the server's command and its arguments (not with --url)")
    .option('--approve', 'trust on first use: approve the tools the server lists first, instead of holding them until you review them')
    .option('--env <KEY=VALUE>', 'a non-secret variable for the server (repeatable)', collect)
    .option('--env-from <KEY=VAR>', "set KEY from the Host's variable VAR when the server starts (repeatable)", collect)
    .option('--secret <KEY>', 'a secret variable; its value is read from stdin (one line per --secret) or prompted for on a terminal (repeatable)', collect)
    .option('--replace', 'replace an existing server of that name, and its secrets')
    .option('--url <URL>', 'a remote server instead of a command: its MCP endpoint (https, or http to this machine only)')
    .option('--transport <KIND>', 'with --url: streamable-http (default; falls back to the older SSE transport by itself) or sse')
    .option('--header <NAME>', "with --url: a header (an API key) sent to the server; its value is read like --secret's (repeatable)", collect)
    .option('--oauth-client-id <ID>', 'with --url: a client you registered with the server\'s sign-in, instead of Airlock registering one')
    .option('--oauth-client-metadata-url <URL>', "with --url: your organisation's client ID metadata document (https) naming Airlock, used where the server's sign-in accepts one instead of registering a client")
    .option('--oauth-client-secret', "with --oauth-client-id: that client's secret, read like --secret's after the headers' values")
    .addHelpText(
      'after',
      `
Everything after -- is the server's command: options there belong to it, not to Airlock.
Secret values are never taken from the command line (other users see it in the process list).

Examples:
  airlock servers add memory -- npx -y @modelcontextprotocol/server-memory
  printf '%s\\n' "$GITHUB_TOKEN" | airlock servers add github --secret GITHUB_TOKEN -- npx -y @modelcontextprotocol/server-github
  airlock servers add api --env-from API_KEY=MY_API_KEY --env LOG_LEVEL=debug -- node server.js --port 0
  printf '%s\n' "$API_KEY" | airlock servers add docs --url https://mcp.example.com/mcp --header X-Api-Key
  airlock servers add tracker --url https://mcp.example.com/mcp && airlock servers login tracker`,
    )
    .action(async (name: string, commandArgs: string[], options: AddOptions, command: Command) => {
      const home = homeFrom(command, io);
      const remote = options.url !== undefined;
      const config = remote ? remoteConfigFromOptions(name, options, commandArgs) : configFromOptions(name, commandAfterSeparator(command, commandArgs, options), options);
      await withStore(home, async (store) => {
        const existing = getServerConfig(store, config.name);
        if (existing !== undefined && !options.replace) throw alreadyExists(existing);
        const source = { stdin: process.stdin, prompt: (text: string) => io.err(text) };
        const values = remote ? await readRemoteSecrets(config, options, source) : await readSecretValues(config.secretKeys, source);
        let replaced: boolean;
        try {
          ({ replaced } = registerServer(store, () => SecretStore.open(home), config, values, { replace: options.replace === true, openOAuthVault: () => OAuthVault.open(home) }));
        } catch (error) {
          if (error instanceof ServerExistsError) throw alreadyExists(error.existing);
          throw error;
        }
        io.out(addedText(config, replaced));
      });
      setExit(EXIT.OK);
    });

  servers
    .command('list')
    .description('show the configured servers: command, environment (secrets as ***), state')
    .option('--json', 'print a JSON array instead of text')
    .action(async (options: { json?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      // Listing never creates a home: no database means no servers.
      const entries = fs.existsSync(path.join(home, DB_FILE_NAME))
        ? await withStore(home, (store) => {
            const configs = listServerConfigs(store);
            const states = signInStates(home, configs);
            return configs.map((config) => ({ config, record: store.getServer(config.name), signInState: states.get(config.name), clients: serverClientsText(store, config.name), provenance: approvedProvenance(store, config.name) }));
          })
        : [];
      io.out(options.json ? `${JSON.stringify(serversListJson(entries), null, 2)}\n` : serversListText(entries));
      setExit(EXIT.OK);
    });

  servers
    .command('remove')
    .description("forget a server's config and its secrets; its audit events and approved baselines are kept")
    .argument('<name>', 'the server to remove')
    .action(async (name: string, _options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const removed = await withStore(home, (store) => {
        try {
          return unregisterServer(store, () => SecretStore.open(home), name, () => OAuthVault.open(home));
        } catch (error) {
          if (error instanceof ServerNotConfiguredError) throw new UsageError(`no server named "${name}" is configured; nothing was changed. See the servers with: airlock servers list`);
          throw error;
        }
      });
      io.out(`removed server "${removed.name}" (${commandLine(removed)}) and its secrets; its audit events and approved baselines are kept.\n`);
      setExit(EXIT.OK);
    });

  registerServerSignIn(servers, io, setExit);
  registerServerPin(servers, io, setExit);
  registerServerAccess(servers, io, setExit);
}

/**
 * The command comes from after `--` only. Checked against the raw argv because commander folds
 * stray words before `--` into the same list: `--secret TOKEN ghp_… -- npx` would otherwise
 * make a token the command (and store it in the database).
 */
function commandAfterSeparator(command: Command, parsed: readonly string[], options: AddOptions): string[] {
  let root = command;
  while (root.parent) root = root.parent;
  // rawArgs is set by parse() but missing from commander's typings.
  const raw = (root as unknown as { rawArgs?: string[] }).rawArgs ?? [];
  const separator = raw.indexOf('--');
  if (separator < 0) {
    throw new UsageError(`put the server's command after --, so that its options are not read as Airlock's: airlock servers add NAME [options] -- COMMAND [ARGS...]`);
  }
  const after = raw.slice(separator + 1);
  if (after.length === 0) throw new UsageError('the server\'s command is missing after --: airlock servers add NAME [options] -- COMMAND [ARGS...]');
  const stray = parsed.length - after.length;
  if (stray < 0) throw new UsageError(`the server's NAME goes before --: airlock servers add NAME [options] -- COMMAND [ARGS...]`);
  if (stray > 0 || parsed.some((word, i) => word !== after[i])) {
    // The stray words are not echoed: one of them may be a secret's value.
    const hint =
      (options.secret ?? []).length > 0
        ? ' --secret takes only a variable name; if a secret value was among those words it is now in your shell history: rotate it, and give the new one on stdin.'
        : '';
    throw new UsageError(`servers add takes the server's NAME before -- and nothing else; found ${stray} more word(s) before --. Nothing was changed.${hint}`);
  }
  return after;
}

function configFromOptions(name: string, commandWords: readonly string[], options: AddOptions): ServerConfig {
  const secretKeys = options.secret ?? [];
  for (const key of secretKeys) {
    if (key.includes('=')) {
      const shown = key.slice(0, key.indexOf('='));
      throw new UsageError(
        `--secret takes a variable name only, never KEY=VALUE: a value on the command line is visible to other users in the process list and stays in your shell history. ` +
          `Pipe it on stdin (printf '%s\\n' "$VALUE" | airlock servers add ${name} --secret ${shown} -- COMMAND) or run the command in a terminal to be prompted. ` +
          `If the value you typed is a real secret, consider it exposed and rotate it. Nothing was changed.`,
      );
    }
  }
  const [command = '', ...args] = commandWords;
  try {
    return parseServerConfig({
      name,
      command,
      args,
      env: pairs(options.env ?? [], '--env', 'KEY=VALUE'),
      // "$VAR" is accepted too: that is how people write a variable.
      envFrom: Object.fromEntries(Object.entries(pairs(options.envFrom ?? [], '--env-from', 'KEY=VAR')).map(([key, variable]) => [key, variable.replace(/^\$/, '')])),
      secretKeys,
      approveOnFirstList: options.approve === true,
      createdAt: new Date().toISOString(),
    });
  } catch (error) {
    if (error instanceof ServerConfigError) throw new UsageError(`${error.message}. Nothing was changed.`);
    throw error;
  }
}

/** KEY=VALUE words into an object; a KEY given twice is refused rather than silently overridden. */
function pairs(words: readonly string[], option: string, shape: string): Record<string, string> {
  const result = new Map<string, string>();
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new UsageError(`${option} expects ${shape}; got an argument ${eq === 0 ? 'with no KEY before "="' : 'without "="'}. Nothing was changed.`);
    const key = word.slice(0, eq);
    const problem = envKeyProblem(key);
    if (problem !== undefined) throw new UsageError(`${option}: ${problem}. Nothing was changed.`);
    if (result.has(key)) throw new UsageError(`${option} ${key} is given twice; give each variable once. Nothing was changed.`);
    result.set(key, word.slice(eq + 1));
  }
  return Object.fromEntries(result);
}

function alreadyExists(existing: ServerConfig): UsageError {
  return new UsageError(
    `a server named "${existing.name}" already exists (${commandLine(existing)}); nothing was changed. ` +
      `Add --replace to replace it and its secrets, or remove it first with: airlock servers remove ${existing.name}`,
  );
}

/** Opens the home's store for `fn` and closes it; a problem with Airlock's files becomes a one-line error. */
async function withStore<T>(home: string, fn: (store: Store) => T | Promise<T>): Promise<T> {
  let store: Store;
  try {
    store = openStore(home);
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(error.message);
    throw error;
  }
  try {
    return await fn(store);
  } catch (error) {
    if (error instanceof StoreError) throw new UsageError(error.message);
    throw error;
  } finally {
    store.close();
  }
}
