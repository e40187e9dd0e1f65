import type { BypassingServer, ClientsInstallPreview, ClientsRestorePreview } from '../../../shared/host-api/index.js';

/** A path under the user's home shown as ~/…, so the list reads the same on every machine. */
export function homePath(file: string, userHome: string): string {
  const home = userHome.replace(/[\\/]+$/, '');
  if (home === '' || !file.startsWith(home)) return file;
  const rest = file.slice(home.length);
  return rest.startsWith('/') || rest.startsWith('\\') ? `~${rest}` : file;
}

function list(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** `route "github" through Airlock server "github"; moves GITHUB_TOKEN to Airlock's secret store` */
export function routeText(route: ClientsInstallPreview['files'][number]['routes'][number]): string {
  const secrets = route.secretKeys.length === 0 ? '' : `; moves ${list(route.secretKeys)} to Airlock's secret store`;
  return `route "${route.name}" through Airlock server "${route.server}"${secrets}`;
}

/** `Cursor starts "sneaky" without Airlock` */
export function bypassText(server: BypassingServer): string {
  return `${server.clientName} starts "${server.name}" without Airlock`;
}

export function bypassId(server: BypassingServer): string {
  return `${server.client}\u0000${server.file}\u0000${server.id}`;
}

type RestoreEntry = ClientsRestorePreview['files'][number]['entries'][number];

export function restoreEntryText(entry: RestoreEntry): string {
  if (entry.outcome === 'reverted') return `"${entry.name}" goes back to its own entry (no longer through Airlock server "${entry.server}")`;
  if (entry.outcome === 'gone') return `"${entry.name}" is no longer in the file; nothing to revert`;
  return `"${entry.name}" no longer runs Airlock server "${entry.server}" (you changed it); left as you made it`;
}

export function restoreFileText(exact: boolean): string {
  return exact ? 'goes back byte for byte to how it was before Airlock changed it' : "was edited since Airlock changed it: only Airlock's entries are reverted, your edits stay";
}

export type DiffLineKind = 'add' | 'del' | 'hunk' | 'header' | 'context';

/**
 * A unified diff's lines, each with what it is; the +/- stay in the text, so colour is never the
 * only sign. Inside a hunk a line starting "---" is a removed line, not a file header.
 */
export function unifiedDiffLines(diff: string): { text: string; kind: DiffLineKind }[] {
  let inHunk = false;
  return diff
    .replace(/\n$/, '')
    .split('\n')
    .map((text) => {
      if (text.startsWith('@@')) {
        inHunk = true;
        return { text, kind: 'hunk' as const };
      }
      if (!inHunk && (text.startsWith('+++') || text.startsWith('---') || text.startsWith('Index:') || text.startsWith('===='))) return { text, kind: 'header' as const };
      if (text.startsWith('+')) return { text, kind: 'add' as const };
      if (text.startsWith('-')) return { text, kind: 'del' as const };
      return { text, kind: 'context' as const };
    });
}
