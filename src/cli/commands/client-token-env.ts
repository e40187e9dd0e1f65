import type { Command } from 'commander';
import { CLIENT_IDS, type ClientId } from '../../clients/client-adapter.js';
import { tokenVariableName } from '../../clients/http-entry.js';
import { clientTokenByHash } from '../../engine/store/client-tokens.js';
import { openStore, StoreError } from '../../engine/store/index.js';
import { clientTokenHash } from '../../host/client-tokens.js';
import { ClientTokenValues } from '../../host/client-token-values.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';

const SHELLS = ['posix', 'powershell'] as const;
type Shell = (typeof SHELLS)[number];

/**
 * `airlock clients token-env [CLIENT…]`: the variables clients routed with `install --over-http`
 * read their tokens from, as shell lines for `eval "$(airlock clients token-env)"` in a profile.
 * Printing tokens to stdout is this command's whole purpose; everything else goes to stderr, and
 * nothing of a token is ever logged or audited.
 */
export function registerClientTokenEnv(clients: Command, io: CliIo, setExit: (code: number) => void): void {
  clients
    .command('token-env')
    .description('print `export AIRLOCK_TOKEN_<CLIENT>=…` lines for the clients routed with `install --over-http`, for eval "$(airlock clients token-env)" in your shell profile')
    .argument('[client...]', `only these clients (default: every client with a token): ${CLIENT_IDS.join(', ')}`)
    .option('--shell <shell>', 'posix (export NAME=…) or powershell ($env:NAME = …)', 'posix')
    .action((names: string[], options: { shell: string }, command: Command) => {
      const shell = shellFrom(options.shell);
      const wanted = names.map(clientFrom);
      const home = homeFrom(command, io);
      const values = new ClientTokenValues(home);
      const chosen = wanted.length > 0 ? wanted : values.clients();
      let missing = false;
      let store;
      try {
        store = openStore(home);
      } catch (error) {
        if (error instanceof StoreError) throw new UsageError(error.message, EXIT.FAILED);
        throw error;
      }
      try {
        for (const client of chosen) {
          const token = values.get(client);
          if (token === undefined) {
            io.err(`airlock: client "${client}" has no token kept by Airlock; route it with: airlock clients install --over-http --client ${client}\n`);
            missing = true;
            continue;
          }
          // A token replaced or revoked since (clients token --replace, revoke-token) would only be refused.
          if (clientTokenByHash(store, clientTokenHash(token.reveal()))?.name !== client) {
            io.err(`airlock: the token Airlock kept for client "${client}" no longer works (it was replaced or revoked); route the client again with: airlock clients install --over-http --client ${client}\n`);
            missing = true;
            continue;
          }
          io.out(`${assignment(shell, tokenVariableName(client), token.reveal())}\n`);
        }
      } finally {
        store.close();
      }
      if (chosen.length === 0) io.err('airlock: no client has a token kept by Airlock yet; route clients over HTTP with: airlock clients install --over-http\n');
      // Named clients that are missing are the caller's mistake; in a profile (no names) a missing one must not break the shell.
      setExit(missing && wanted.length > 0 ? EXIT.FAILED : EXIT.OK);
    });
}

/** Tokens are `airlock_ct_` and base64url: nothing a single-quoted word needs escaped. */
function assignment(shell: Shell, name: string, token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw new Error('an Airlock client token has an unexpected character');
  return shell === 'powershell' ? `$env:${name} = '${token}'` : `export ${name}='${token}'`;
}

function shellFrom(value: string): Shell {
  if ((SHELLS as readonly string[]).includes(value)) return value as Shell;
  throw new UsageError(`--shell must be ${SHELLS.join(' or ')}, not ${JSON.stringify(value)}`);
}

function clientFrom(value: string): ClientId {
  if ((CLIENT_IDS as readonly string[]).includes(value)) return value as ClientId;
  throw new UsageError(`unknown client ${JSON.stringify(value)}: use one of ${CLIENT_IDS.join(', ')}`);
}
