import { rememberedPort, rememberPort } from './control-port.js';

/**
 * The port of the home's MCP endpoint (`<home>/mcp-port`, 0600). Client entries routed over HTTP
 * carry this address, so a Host takes the same port again whenever it is free; the first Host
 * of a home tries DEFAULT_MCP_PORT.
 */
export const MCP_PORT_FILE = 'mcp-port';
/** Airlock's usual MCP endpoint port when nothing else is remembered (unassigned by IANA). */
export const DEFAULT_MCP_PORT = 47_811;

export function lastMcpPort(home: string): number | undefined {
  return rememberedPort(home, MCP_PORT_FILE, 'MCP port file');
}

export function rememberMcpPort(home: string, port: number): void {
  rememberPort(home, MCP_PORT_FILE, 'MCP port file', port);
}
