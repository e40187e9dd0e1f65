import { lapseReason, signInState, type OAuthVault, type SignInState } from './oauth/index.js';

/**
 * What a person does about a lapsed sign-in, in every message that holds a call for one. A
 * server reached with a key in a header may have refused the key rather than asked for a
 * sign-in (a 401 says which only sometimes): then the message says how to give the key again.
 */
export function signInAgainText(server: string, remote?: { url: string; secretHeaders: readonly string[] }): string {
  const login = `sign in again: airlock servers login ${server} (or Sign in in the window)`;
  if (remote === undefined || remote.secretHeaders.length === 0) return login;
  const headers = remote.secretHeaders.map((h) => `--header ${h}`).join(' ');
  return `${login}; or, if it refused its key, give the key again with: airlock servers add ${server} --url ${remote.url} --replace ${headers}`;
}

/**
 * Which remote servers wait for a person to sign in again. A lapse is noted when the transport
 * says a 401/403 could not be fixed (onAuthRequired) or when the sealed sign-in says so
 * (expired, or signed out of a server that asks for one). While any is noted, the vault is read
 * again every `intervalMs`: a sign-in from the CLI (another process) or the window ends the lapse.
 */
export class SignInWatch {
  private readonly lapsed = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly vault: () => OAuthVault,
    private readonly changed: (server: string, reason: string | null) => void,
    private readonly intervalMs = 1_000,
  ) {}

  /** The server's sign-in state; 'not-needed' when the vault cannot be read (its own error then shows at connect). */
  state(server: string): SignInState {
    try {
      return signInState(this.vault(), server);
    } catch {
      return 'not-needed';
    }
  }

  /** Why the server's calls wait for a sign-in, or undefined when they need not. */
  lapse(server: string): string | undefined {
    const noted = this.lapsed.get(server);
    if (noted !== undefined) return noted;
    const state = this.state(server);
    if (state !== 'expired' && state !== 'signed-out') return undefined;
    const why = state === 'signed-out' ? `"${server}" asks for a sign-in and Airlock holds none` : `the sign-in to "${server}" lapsed (${this.reason(server)})`;
    this.note(server, why);
    return this.lapsed.get(server);
  }

  /** Notes a lapse the transport reported; the message always says how to sign in again (`hint`). */
  note(server: string, why: string, hint = signInAgainText(server)): void {
    if (this.lapsed.has(server)) return;
    this.lapsed.set(server, `${why}: ${hint}`);
    this.changed(server, this.lapsed.get(server) ?? null);
    this.timer ??= setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }

  /** Ends a lapse at once (a sign-in this process made). */
  recheck(server: string): void {
    if (this.lapsed.has(server) && this.state(server) === 'signed-in') this.end(server);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private check(): void {
    for (const server of [...this.lapsed.keys()]) this.recheck(server);
    if (this.lapsed.size === 0) this.stop();
  }

  private end(server: string): void {
    this.lapsed.delete(server);
    this.changed(server, null);
  }

  private reason(server: string): string {
    try {
      return lapseReason(this.vault(), server) ?? 'the server no longer accepts it';
    } catch {
      return 'the sealed sign-in cannot be read';
    }
  }
}
