import { remoteUrlProblem } from '../../engine/store/server-configs.js';

/** Thrown for an upstream URL Airlock refuses to reach; the message says why and what to do. */
export class UpstreamUrlError extends Error {}

/**
 * The URL of a remote MCP server, checked again where it is used (the store checked it when the
 * server was added): https, or plain http only to this machine, since plain http elsewhere
 * would hand its tokens and every tool call to anyone on the path.
 */
export function checkUpstreamUrl(text: string): URL {
  const problem = remoteUrlProblem(text);
  if (problem !== undefined) throw new UpstreamUrlError(`Airlock will not reach this server: ${problem}`);
  return new URL(text);
}
