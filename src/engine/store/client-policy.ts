import type { Store } from './store.js';

/**
 * Which clients may use a server, or one of its tools (issue 17). A policy is a list of rule
 * entries; a caller is allowed when any entry matches it. No policy means every client; an
 * empty list means none. A tool's own policy replaces its server's for that tool.
 *
 * Entries, by how much they prove:
 * - `token:NAME`: a session of the MCP endpoint opened with client NAME's bearer token. The only
 *   entry backed by a secret.
 * - `connect`: any session of `airlock connect` (any local process of this user can start one).
 * - `entry:ID`: an `airlock connect` session started from the entry `clients install` wrote into
 *   AI client ID's file (`--client=ID`); written by Airlock, but any local process can pass it too.
 * - `client:NAME`: the name the client gave itself at initialize (clientInfo.name): self-reported,
 *   so it sorts honest clients apart and keeps nobody out who wants in.
 */
export type ClientRule = { kind: 'token'; name: string } | { kind: 'connect' } | { kind: 'entry'; name: string } | { kind: 'client'; name: string };

/** Who sent a call, as its session knows it. */
export interface ClientCaller {
  /** "connect", or "token NAME" for the MCP endpoint. */
  via: string;
  /** The AI client whose installed entry started the connect session (`--client=ID`), when it said. */
  entry?: string | null;
  /** clientInfo.name from initialize; null before the client said. */
  clientName: string | null;
}

/** A policy as stored: `tool` null for the whole server. `allowed` holds the entries' canonical texts. */
export interface ClientPolicy {
  server: string;
  tool: string | null;
  allowed: string[];
  updatedAt: string;
}

/** A server's policies, parsed: its own (null: every client) and each tool's. */
export interface ServerClientPolicy {
  server: readonly ClientRule[] | null;
  tools: ReadonlyMap<string, readonly ClientRule[]>;
}

/** Why a call is refused: the policy that decided (the server's or its tool's) and what it allows. */
export interface ClientAccessRefusal {
  scope: 'server' | 'tool';
  allowed: readonly string[];
}

/** Few enough that a change, with the list before it, fits one audit event's detail. */
export const MAX_RULES = 16;
const MAX_CLIENT_NAME = 100;
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const ENTRY_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Control and format (invisible) characters: a name holding one cannot be read back as typed. */
const UNREADABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u;

/**
 * A client name as rules compare it: NFKC (full-width and ligature forms fold to plain ones),
 * invisible characters dropped, runs of white space made one space, trimmed, lower case.
 * Look-alikes from other scripts (Cyrillic "а") stay apart: folding them would not make a
 * self-reported name any more trustworthy, only make rules harder to read.
 */
export function foldClientName(name: string): string {
  return name.normalize('NFKC').replace(/\p{Cf}/gu, '').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** Parses one entry as a person types it ("token:ci", "connect", "entry:cursor", "client:Claude Code"); kinds are case-insensitive. */
export function parseClientRule(text: string): ClientRule | { problem: string } {
  const trimmed = text.normalize('NFKC').trim();
  if (trimmed.toLowerCase() === 'connect') return { kind: 'connect' };
  const colon = trimmed.indexOf(':');
  const kind = colon < 0 ? '' : trimmed.slice(0, colon).trim().toLowerCase();
  const name = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
  const shown = JSON.stringify(text.slice(0, 80));
  switch (kind) {
    case 'token':
      return TOKEN_NAME.test(name) ? { kind: 'token', name } : { problem: `${shown}: a token name is 1 to 64 letters, digits, ".", "_" or "-" (see them with: airlock clients tokens)` };
    case 'entry':
      return ENTRY_ID.test(name.toLowerCase()) ? { kind: 'entry', name: name.toLowerCase() } : { problem: `${shown}: entry: takes an AI client's id, such as entry:cursor` };
    case 'client': {
      if (UNREADABLE.test(name)) return { problem: `${shown}: a client name may not hold control or invisible characters` };
      const folded = foldClientName(name);
      if (folded === '' || folded.length > MAX_CLIENT_NAME) return { problem: `${shown}: a client name is 1 to ${MAX_CLIENT_NAME} characters` };
      return { kind: 'client', name: name.replace(/\s+/gu, ' ') };
    }
    default:
      return { problem: `${shown} is not a rule entry: use token:NAME, connect, entry:CLIENT-ID or client:NAME` };
  }
}

/** The canonical text of an entry, as stored and shown. */
export function formatClientRule(rule: ClientRule): string {
  return rule.kind === 'connect' ? 'connect' : `${rule.kind}:${rule.name}`;
}

/** Whether one entry matches a caller. */
export function ruleMatches(rule: ClientRule, caller: ClientCaller): boolean {
  switch (rule.kind) {
    case 'connect':
      return caller.via === 'connect';
    case 'token':
      return caller.via.startsWith('token ') && caller.via.slice('token '.length).toLowerCase() === rule.name.toLowerCase();
    case 'entry':
      return caller.via === 'connect' && typeof caller.entry === 'string' && caller.entry.toLowerCase() === rule.name;
    case 'client':
      return caller.clientName !== null && foldClientName(caller.clientName) === foldClientName(rule.name);
  }
}

/**
 * Whether a caller may use an item: undefined when it may, else the policy that refuses it. A
 * tool's own policy replaces the server's; prompts and resources follow the server's.
 */
export function clientAccess(policy: ServerClientPolicy | undefined, kind: 'tool' | 'prompt' | 'resource', key: string, caller: ClientCaller): ClientAccessRefusal | undefined {
  if (policy === undefined) return undefined;
  const own = kind === 'tool' ? policy.tools.get(key) : undefined;
  const rules = own ?? policy.server;
  if (rules === null || rules.some((rule) => ruleMatches(rule, caller))) return undefined;
  return { scope: own === undefined ? 'server' : 'tool', allowed: rules.map(formatClientRule) };
}

/** How a caller is named in a refusal and the audit log: `client "Cursor" (through connect, entry cursor)`. */
export function describeCaller(caller: ClientCaller): string {
  const who = caller.clientName === null ? 'an unnamed client' : `client ${JSON.stringify(caller.clientName)}`;
  const entry = caller.via === 'connect' && caller.entry ? `, entry ${caller.entry}` : '';
  return `${who} (through ${caller.via}${entry})`;
}

interface Row {
  server: string;
  tool: string;
  allowed: string;
  updated_at: string;
}

const WHOLE_SERVER = '*';

function fromRow(row: Row): ClientPolicy {
  return { server: row.server, tool: row.tool === WHOLE_SERVER ? null : row.tool, allowed: parseAllowed(row.allowed), updatedAt: row.updated_at };
}

/** A stored list; an entry that no longer parses is kept as text, so it still matches nobody and still shows. */
function parseAllowed(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Entries as stored; one that does not parse matches nobody (fail closed), never everybody. */
function rulesOf(allowed: readonly string[]): ClientRule[] {
  return allowed.flatMap((text) => {
    const rule = parseClientRule(text);
    return 'problem' in rule ? [] : [rule];
  });
}

export function listClientPolicies(store: Store, server?: string): ClientPolicy[] {
  const rows =
    server === undefined
      ? store.db.prepare<[], Row>('SELECT * FROM client_policies ORDER BY server, tool').all()
      : store.db.prepare<[string], Row>('SELECT * FROM client_policies WHERE server = ? ORDER BY tool').all(server);
  return rows.map(fromRow);
}

/** Sets the policy of a server (tool null) or of one tool, replacing the one it had. */
export function putClientPolicy(store: Store, policy: ClientPolicy): void {
  if (policy.allowed.length > MAX_RULES) throw new Error(`a policy holds at most ${MAX_RULES} entries`);
  store.db
    .prepare('INSERT OR REPLACE INTO client_policies (server, tool, allowed, updated_at) VALUES (?, ?, ?, ?)')
    .run(policy.server, policy.tool ?? WHOLE_SERVER, JSON.stringify(policy.allowed), policy.updatedAt);
}

/** Removes a server's policy (tool null: the server's own; `all`: its tools' too); returns how many were removed. */
export function deleteClientPolicy(store: Store, server: string, tool: string | null | 'all'): number {
  if (tool === 'all') return store.db.prepare('DELETE FROM client_policies WHERE server = ?').run(server).changes;
  return store.db.prepare('DELETE FROM client_policies WHERE server = ? AND tool = ?').run(server, tool ?? WHOLE_SERVER).changes;
}

/**
 * A server's policies, read on each call (an indexed read with a statement prepared once): a
 * change made by the CLI in another process applies from the next call, as a revoked token does.
 */
export function clientPolicyLookup(store: Store): (server: string) => ServerClientPolicy | undefined {
  const statement = store.db.prepare<[string], Row>('SELECT * FROM client_policies WHERE server = ?');
  return (server) => {
    const rows = statement.all(server);
    if (rows.length === 0) return undefined;
    let own: ClientRule[] | null = null;
    const tools = new Map<string, ClientRule[]>();
    for (const row of rows) {
      const rules = rulesOf(parseAllowed(row.allowed));
      if (row.tool === WHOLE_SERVER) own = rules;
      else tools.set(row.tool, rules);
    }
    return { server: own, tools };
  };
}
