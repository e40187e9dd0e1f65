import type { HostControl } from '../host/control.js';
import { UsageError } from './exit-codes.js';
import { unknownNameMessage } from './name-suggestion.js';

/** A server name the user typed: a clean usage error (exit 2) with a suggestion when there is no such server. */
export async function requireKnownServer(host: HostControl, server: string): Promise<void> {
  const names = (await host.servers()).map((s) => s.name);
  if (!names.includes(server)) throw new UsageError(unknownNameMessage('server', server, names, 'See them with: airlock servers list'));
}

/**
 * A tool name the user typed, checked against what the server lists. A server that has not
 * listed yet has no names to check against, so the Host decides then.
 */
export async function requireKnownTool(host: HostControl, server: string, tool: string): Promise<void> {
  const names = (await host.tools(server)).map((t) => t.tool);
  if (names.length > 0 && !names.includes(tool)) throw new UsageError(unknownNameMessage(`tool on "${server}" named`, tool, names, `See them with: airlock tools list ${server}`));
}
