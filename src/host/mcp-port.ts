import path from 'node:path';
import { readPrivateFile, writeFileAtomically } from './private-file.js';

/**
 * The port of the home's MCP endpoint (`<home>/mcp-port`, 0600). Client entries routed over HTTP
 * carry this address, so a Host takes the same port again whenever it is free; the first Host
 * of a home tries DEFAULT_MCP_PORT.
 */
export const MCP_PORT_FILE = 'mcp-port';
/** Airlock's usual MCP endpoint port when nothing else is remembered (unassigned by IANA). */
export const DEFAULT_MCP_PORT = 47_811;

export function lastMcpPort(home: string): number | undefined {
  let text: string | undefined;
  try {
    text = readPrivateFile(path.join(home, MCP_PORT_FILE), 'MCP port file', 'delete it');
  } catch {
    return undefined; // only a preference
  }
  const port = Number(text?.trim());
  return Number.isInteger(port) && port > 0 && port <= 65535 ? port : undefined;
}

export function rememberMcpPort(home: string, port: number): void {
  writeFileAtomically(path.join(home, MCP_PORT_FILE), `${port}\n`, 'MCP port file');
}
