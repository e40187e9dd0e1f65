import type { Command } from 'commander';
import { ClientTokenError, createClientToken, listClientTokens, revokeClientToken } from '../../host/client-tokens.js';
import { DEFAULT_MCP_PORT, lastMcpPort } from '../../host/mcp-port.js';
import { EXIT } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import { withStore, type StoreRefusals } from '../store-command.js';
import type { CliIo } from '../io.js';

/**
 * `airlock clients token|tokens|revoke-token`: the bearer tokens of the MCP endpoint, one per
 * client. A new token goes to stdout alone (for a pipe or a variable); everything else to stderr.
 */
export function registerClientTokens(clients: Command, io: CliIo, setExit: (code: number) => void): void {
  clients
    .command('token')
    .description("make a token for an HTTP client of Airlock's MCP endpoint; it is printed once, and Airlock keeps only its hash")
    .argument('<name>', 'the client it is for: letters, digits, ".", "_" or "-"')
    .option('--replace', 'replace the client\'s token: the old one stops working at once')
    .action((name: string, options: { replace?: boolean }, command: Command) => {
      const home = homeFrom(command, io);
      const created = withStore(home, (store) => createClientToken(store, name, { replace: options.replace === true }), TOKEN_REFUSALS);
      io.out(`${created.token}\n`);
      const base = `http://127.0.0.1:${lastMcpPort(home) ?? DEFAULT_MCP_PORT}/mcp`;
      io.err(
        `${created.replaced ? 'Replaced' : 'Made'} the token of client "${name}" (above, on stdout; it is not shown again: Airlock keeps only its SHA-256).\n` +
          `The client reaches a server at ${base}/SERVER with the header "Authorization: Bearer <token>". Revoke it with: airlock clients revoke-token ${name}\n`,
      );
      setExit(EXIT.OK);
    });

  clients
    .command('tokens')
    .description("the clients that have a token for Airlock's MCP endpoint (never the tokens)")
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }, command: Command) => {
      const tokens = withStore(homeFrom(command, io), (store) => listClientTokens(store), TOKEN_REFUSALS).map(({ name, createdAt, lastUsedAt }) => ({ name, createdAt, lastUsedAt }));
      if (options.json) io.out(`${JSON.stringify(tokens, null, 2)}\n`);
      else if (tokens.length === 0) io.out('No client has a token for the MCP endpoint. Make one with: airlock clients token NAME\n');
      else for (const t of tokens) io.out(`${t.name}  made ${t.createdAt}  ${t.lastUsedAt === null ? 'never used' : `last used ${t.lastUsedAt}`}\n`);
      setExit(EXIT.OK);
    });

  clients
    .command('revoke-token')
    .description("revoke a client's token: the MCP endpoint refuses it from its next request, and ends its open sessions")
    .argument('<name>', 'the client')
    .action((name: string, _options: unknown, command: Command) => {
      withStore(homeFrom(command, io), (store) => revokeClientToken(store, name), TOKEN_REFUSALS);
      io.out(`Revoked the token of client "${name}": the MCP endpoint refuses it from now on.\n`);
      setExit(EXIT.OK);
    });
}

const TOKEN_REFUSALS: StoreRefusals = { refusals: [ClientTokenError], exitCode: EXIT.FAILED };
