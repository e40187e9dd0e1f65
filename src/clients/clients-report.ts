import { createTwoFilesPatch } from 'diff';
import type { ClientDirs } from './client-adapter.js';
import { displayCommand } from './command-display.js';
import { looksSecretSegment } from './entry-routing.js';
import type { ScannedClient, ScannedServer } from './client-scan.js';

/**
 * What Airlock shows of client files, to the terminal and the window alike: never a value of
 * an argument or a variable (they may hold secrets), URLs without credentials, diffs with
 * every secret as ***.
 */

/** `clients list --json`: no argument or variable values, since they may hold secrets. */
export function clientsListJson(scan: readonly ScannedClient[], dirs: ClientDirs): unknown {
  return {
    userHome: dirs.userHome,
    platform: dirs.platform,
    clients: scan.map(({ adapter, files, unreadable }) => ({
      id: adapter.id,
      name: adapter.displayName,
      found: files.length + unreadable.length > 0,
      files: [
        ...files.map((file) => ({
          path: file.ref.path,
          scope: file.ref.scope,
          ...(file.ref.project === undefined ? {} : { project: file.ref.project }),
          servers: file.servers.map(serverJson),
        })),
        ...unreadable.map((file) => ({ path: file.ref.path, scope: file.ref.scope, error: file.error, servers: [] })),
      ],
    })),
  };
}

function serverJson(server: ScannedServer): Record<string, unknown> {
  const { entry } = server;
  return {
    name: entry.name,
    status: server.status,
    transport: entry.transport,
    ...(entry.command === undefined ? {} : { command: entry.command, commandLine: displayCommand(entry.command, entry.args ?? [], entry.env ?? {}) }),
    ...(entry.url === undefined ? {} : { url: redactUrl(entry.url) }),
    ...(server.airlockServer === undefined ? {} : { airlockServer: server.airlockServer }),
    ...(server.via === undefined ? {} : { via: server.via }),
    ...(server.status === 'bypassing' ? { routable: server.route?.ok === true } : {}),
    ...(server.route !== undefined && !server.route.ok ? { reason: server.route.reason } : {}),
    ...(entry.disabled ? { disabled: true } : {}),
  };
}

/** URLs can carry credentials (user:pass@, ?token=, a key as a path segment): only scheme, host and path are shown, key-like segments as ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const pathname = parsed.pathname.split('/').map((segment) => (looksSecretSegment(segment) ? '***' : segment)).join('/');
    return `${parsed.protocol}//${parsed.host}${pathname}`;
  } catch {
    return '(not a valid URL)';
  }
}

/** A unified diff of one file with every sensitive value replaced by ***. */
export function redactedDiff(file: string, before: string, after: string, sensitive: readonly string[]): string {
  const diff = createTwoFilesPatch(file, file, before, after, 'now', 'after', { context: 2 });
  return redact(diff.split('\n').slice(1).join('\n'), sensitive);
}

export function redact(text: string, sensitive: readonly string[]): string {
  let result = text;
  // Longest first, so a value that contains another is replaced whole.
  for (const value of [...new Set(sensitive)].filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) {
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) result = result.split(form).join('***');
  }
  return result;
}

