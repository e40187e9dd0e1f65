import type { HttpEntryFormat } from './http-entry.js';

/**
 * What one AI client's adapter knows: where the client keeps its MCP configuration on each
 * platform, how a server entry is shaped there, and which fields to change to route the entry
 * through Airlock. Adapters read parsed documents and return edits; reading, writing, backups
 * and restore are shared (config-syntax.ts, config-writer.ts, install-plan.ts).
 */

export const CLIENT_IDS = [
  'claude-desktop',
  'claude-code',
  'cursor',
  'vscode',
  'windsurf',
  'zed',
  'cline',
  'gemini-cli',
  'codex',
  'continue',
] as const;
export type ClientId = (typeof CLIENT_IDS)[number];

export type ClientPlatform = 'darwin' | 'win32' | 'linux';

/** The syntax a file is read and edited with; every JSON file is read as JSONC (clients accept comments, or a user added one). */
export type ConfigFormat = 'jsonc' | 'toml' | 'yaml';

/**
 * Where to look. `userHome` is the user's home folder (a fake one in tests); `env` is the
 * environment for the variables clients honour (APPDATA, XDG_CONFIG_HOME, CODEX_HOME…): empty
 * when a fake home is given, so that tests never reach the real one.
 */
export interface ClientDirs {
  userHome: string;
  platform: ClientPlatform;
  env: Readonly<Record<string, string | undefined>>;
  /** Project folders whose project-level files are included (only those named by the user). */
  projects: readonly string[];
  /**
   * The base URL of this home's MCP endpoint (`http://127.0.0.1:PORT/mcp`): an entry whose URL is
   * `<base>/NAME` is routed through Airlock. Asked on each scan, since the port can change; absent,
   * no URL counts as Airlock's.
   */
  airlockEndpoint?: () => string | undefined;
}

export interface ConfigFileRef {
  client: ClientId;
  /** Absolute path on this machine. */
  path: string;
  scope: 'user' | 'project';
  format: ConfigFormat;
  /** The project folder, for project-scope files. */
  project?: string;
}

/** A path into a parsed document: object keys and array indexes. */
export type DocPath = readonly (string | number)[];

/** Set the value at `path` (relative to the entry), or delete it when `value` is undefined. */
export interface EntryEdit {
  path: DocPath;
  value: unknown;
}

/** One MCP server as a client's file declares it. */
export interface ClientServerEntry {
  /**
   * Stable identity inside the file, independent of position: the container and the name
   * (for example `mcpServers/github`, or `projects//home/me/app/mcpServers/db`). Used to find the
   * entry again at restore time after the user moved things around.
   */
  id: string;
  /** The entry's name, as the client shows it. */
  name: string;
  /** Where the entry's object is in the document now. */
  path: DocPath;
  transport: 'stdio' | 'remote';
  /** stdio: the command and its arguments, as written (interpolations unresolved). */
  command?: string;
  args?: string[];
  /** stdio: the literal env map as written (values may be interpolations such as ${env:TOKEN}). */
  env?: Record<string, string>;
  /** Settings Airlock's registry cannot carry; an entry with any of them is not routed (the reason says which). */
  unsupported?: string[];
  /** remote: the URL. */
  url?: string;
  /** remote: how the client reaches it and which of its keys Airlock takes over when routing it. */
  remote?: RemoteEntryDetails;
  /** The client is told not to start it (Cline `disabled`, Codex `enabled = false`). */
  disabled?: boolean;
}

/** What a remote entry says beyond its URL. */
export interface RemoteEntryDetails {
  /** The transport the client would use; undefined when its `type` names one Airlock does not speak (`type` says which). */
  transport: 'streamable-http' | 'sse' | undefined;
  /** The `type` as written, if any. */
  type?: string;
  /** Request headers as written (values may be interpolations), in a prototype-free object. */
  headers: Record<string, string>;
  /** Keys (relative to the entry) that only a remote entry has: its URL key, headers, type. Routing removes them. */
  ownKeys: DocPath[];
}

/** How a routed entry starts Airlock instead of the server: `command args… connect NAME`. */
export interface Launcher {
  command: string;
  /** Everything before the server name: the program's arguments, "connect", and its options. */
  args: readonly string[];
}

export interface ClientAdapter {
  readonly id: ClientId;
  /** As the client calls itself: "Claude Desktop", "VS Code"… */
  readonly displayName: string;
  /** Every file this client may read its MCP servers from, existing or not, user scope first. */
  configFiles(dirs: ClientDirs): ConfigFileRef[];
  /** The server entries of a parsed file; a shape it does not know is an error that names the key. */
  readServers(document: unknown, file: ConfigFileRef): ClientServerEntry[];
  /**
   * The edits (relative to the entry) that make a stdio entry run `launcher … connect server`,
   * keeping its name and every key Airlock does not own (disabled, autoApprove, timeout…).
   * The entry's own env leaves the file: the Host starts the server with it.
   */
  routeEdits(entry: ClientServerEntry, launcher: Launcher, server: string): EntryEdit[];
  /** How an entry reaches Airlock's MCP endpoint over HTTP; absent when the client's file cannot give an entry a URL and headers. */
  readonly http?: HttpEntryFormat;
}

/** A document whose shape the adapter cannot read; the message says which key and what was expected. */
export class ClientShapeError extends Error {
  override name = 'ClientShapeError';
}
