import { sensitiveValues } from './entry-routing.js';

/**
 * A server's command with its arguments, as one line a person can read and a shell would read
 * back, with every secret-looking argument value shown as *** (the window and lists show it; the
 * value itself must never reach them).
 */
export function displayCommand(command: string, args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): string {
  const hidden = new Set(sensitiveValues({ args: [...args], env: { ...env } }).filter((v) => v !== ''));
  const words = [command, ...args].map((word) => {
    if (hidden.has(word)) return '***';
    const eq = word.indexOf('=');
    if (eq > 0 && hidden.has(word.slice(eq + 1))) return `${shellQuote(word.slice(0, eq + 1))}***`;
    return shellQuote(word);
  });
  return words.join(' ');
}

/** Quotes a word for display the way a POSIX shell would read it back. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
