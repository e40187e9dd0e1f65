import type { Command } from 'commander';
import { homeFrom } from '../home-option.js';
import { withHostControl } from '../host-access.js';
import type { CliIo } from '../io.js';
import { requireKnownServer } from '../known-names.js';

export function registerTools(program: Command, io: CliIo): void {
  const tools = program.command('tools').description("see each server's tools and where they stand");
  tools
    .command('list')
    .description('each tool: unchanged, changed, added or removed since approval, and what a call to it gets')
    .argument('[server]', 'only this server')
    .option('--json', 'print JSON')
    .action(async (server: string | undefined, options: { json?: boolean }, command: Command) => {
      await withHostControl(homeFrom(command, io), async (host) => {
        if (server !== undefined) await requireKnownServer(host, server);
        const list = await host.tools(server);
        if (options.json) return io.out(`${JSON.stringify(list, null, 2)}\n`);
        if (list.length === 0) return io.out('No tools listed yet: a server is listed when a client first connects to it.\n');
        const width = Math.max(...list.map((t) => `${t.server}/${t.tool}`.length));
        for (const t of list) io.out(`${`${t.server}/${t.tool}`.padEnd(width)}  ${t.status.padEnd(9)}  calls: ${t.gate.padEnd(8)}  worst finding: ${t.severity}\n`);
      });
    });
}
