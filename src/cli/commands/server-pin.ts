import type { Command } from 'commander';
import { pinServer, PinRefusedError } from '../../host/provenance/pin-server.js';
import { EXIT } from '../exit-codes.js';
import { homeFrom } from '../home-option.js';
import type { CliIo } from '../io.js';
import { withStore } from '../store-command.js';

/**
 * `airlock servers pin NAME`: rewrites an npx/pnpm dlx/bunx/uvx/pipx command to the exact
 * version the user approved (`-y pkg` → `-y pkg@1.4.2`), so nothing upgrades behind their back.
 * Works on the store, like `servers add`: the Host reads the command at the next start.
 */
export function registerServerPin(servers: Command, io: CliIo, setExit: (code: number) => void): void {
  servers
    .command('pin')
    .description('rewrite a package command (npx -y pkg, uvx pkg…) to the exact version you approved')
    .argument('<name>', 'the server to pin')
    .action((name: string, _options: unknown, command: Command) => {
      const home = homeFrom(command, io);
      const result = withStore(home, (store) => pinServer(store, name), { refusals: [PinRefusedError], suffix: '. Nothing was changed.' });
      io.out(`pinned "${result.server}": ${result.from} → ${result.to}; it runs exactly that version from its next start\n`);
      setExit(EXIT.OK);
    });
}
