import { CLIENT_IDS } from '../clients/client-adapter.js';
import { appendAuditEvent, MAX_DETAIL_BYTES } from '../engine/audit/index.js';
import { listClientTokens } from '../engine/store/client-tokens.js';
import { deleteClientPolicy, formatClientRule, listClientPolicies, MAX_RULES, parseClientRule, putClientPolicy, type ClientPolicy } from '../engine/store/client-policy.js';
import { getServerConfig, listServerConfigs, type Store } from '../engine/store/index.js';

/**
 * Setting which clients may use a server or one of its tools, from the CLI or the window:
 * checked against what exists (token names, AI client ids, the server's tools), and audited as
 * `policy.changed` in the same transaction as the change.
 */

export class ClientPolicyError extends Error {
  override name = 'ClientPolicyError';
}

/** A server's policies and what rule entries can name now. */
export interface ClientPolicyView {
  server: string;
  /** The server's own policy (null: every client) and each tool's. */
  serverAllowed: string[] | null;
  tools: { tool: string; allowed: string[] }[];
  /** Client names that have a token of the MCP endpoint. */
  tokens: string[];
  /** AI client ids an installed `airlock connect --client=ID` entry can carry. */
  entries: string[];
}

export interface ClientPolicyChange {
  server: string;
  /** null: the server's own policy. */
  tool: string | null;
  /** The entries allowed from now on; null removes the policy (every client, or for a tool: its server's policy again). */
  allowed: readonly string[] | null;
  /** Who changed it, for the audit log: "cli", "window". */
  by: string;
  /** With tool null and allowed null: the tools' policies go too. */
  withTools?: boolean;
}

export function clientPolicyView(store: Store, server: string): ClientPolicyView {
  const name = requireServer(store, server);
  const policies = listClientPolicies(store, name);
  return {
    server: name,
    serverAllowed: policies.find((p) => p.tool === null)?.allowed ?? null,
    tools: policies.filter((p): p is ClientPolicy & { tool: string } => p.tool !== null).map(({ tool, allowed }) => ({ tool, allowed })),
    tokens: listClientTokens(store).map((t) => t.name),
    entries: [...CLIENT_IDS],
  };
}

/** Changes one policy (or removes it), checked and audited; returns the server's policies after. */
export function setClientPolicy(store: Store, change: ClientPolicyChange): ClientPolicyView {
  const server = requireServer(store, change.server);
  const tool = change.tool === null ? null : checkTool(store, server, change.tool);
  const allowed = change.allowed === null ? null : canonicalEntries(store, change.allowed);
  store.transaction(() => {
    const before = listClientPolicies(store, server);
    const previous = before.find((p) => p.tool === tool)?.allowed ?? null;
    let removedTools = 0;
    if (allowed === null) {
      removedTools = tool === null && change.withTools === true ? before.filter((p) => p.tool !== null).length : 0;
      deleteClientPolicy(store, server, tool === null && change.withTools === true ? 'all' : tool);
    } else {
      putClientPolicy(store, { server, tool, allowed, updatedAt: new Date().toISOString() });
    }
    const detail: Record<string, string | number | string[] | null> = { scope: tool === null ? 'server' : 'tool', allowed, previous, by: change.by.slice(0, 40) };
    if (removedTools > 0) detail.toolPoliciesRemoved = removedTools;
    // The log refuses a detail over its limit; the previous list is the part that can go.
    if (Buffer.byteLength(JSON.stringify(detail)) > MAX_DETAIL_BYTES) detail.previous = null;
    appendAuditEvent(store, { type: 'policy.changed', server, tool, detail });
  });
  return clientPolicyView(store, server);
}

/** Who may use what, in a few words: "all", "token:ci, client:Cursor", "none", with tools' exceptions. */
export function clientPolicySummary(view: Pick<ClientPolicyView, 'serverAllowed' | 'tools'>): string {
  const list = (allowed: readonly string[] | null): string => (allowed === null ? 'all' : allowed.length === 0 ? 'none' : allowed.join(', '));
  const tools = view.tools.map((t) => `${t.tool}: ${list(t.allowed)}`);
  return tools.length === 0 ? list(view.serverAllowed) : `${list(view.serverAllowed)} (tools: ${tools.join('; ')})`;
}

function requireServer(store: Store, server: string): string {
  if (getServerConfig(store, server) !== undefined || store.getServer(server) !== undefined) return server;
  const names = listServerConfigs(store).map((c) => c.name);
  throw new ClientPolicyError(`there is no server named "${server}"${names.length > 0 ? `; the servers: ${names.join(', ')}` : ''}. See them with: airlock servers list`);
}

/** A tool the server offers (approved, or listed now); any name before the server ever listed. */
function checkTool(store: Store, server: string, tool: string): string {
  if (tool === '' || tool === '*' || tool.length > 512) throw new ClientPolicyError(`${JSON.stringify(tool.slice(0, 80))} cannot name a tool; leave --tool out for the whole server`);
  const record = store.getServer(server);
  const approved = record && record.generation > 0 ? (store.getBaseline(server, record.generation)?.surface.tools ?? []) : [];
  const names = new Set([...approved, ...(record?.liveSurface?.tools ?? [])].map((t) => t.name));
  if (names.size === 0 || names.has(tool)) return tool;
  const shown = [...names].sort().slice(0, 20);
  throw new ClientPolicyError(`"${server}" has no tool named "${tool}"; its tools: ${shown.join(', ')}${names.size > shown.length ? ', …' : ''}`);
}

/** Each entry parsed and checked against what exists, in canonical form, without repeats. */
function canonicalEntries(store: Store, entries: readonly string[]): string[] {
  const tokens = listClientTokens(store).map((t) => t.name);
  const out: string[] = [];
  for (const text of entries) {
    const rule = parseClientRule(text);
    if ('problem' in rule) throw new ClientPolicyError(rule.problem);
    if (rule.kind === 'token' && !tokens.some((t) => t.toLowerCase() === rule.name.toLowerCase())) {
      throw new ClientPolicyError(`no client has a token named "${rule.name}"; ${tokens.length > 0 ? `the tokens: ${tokens.join(', ')}` : 'no token exists yet'}. Make one with: airlock clients token ${rule.name}`);
    }
    if (rule.kind === 'entry' && !(CLIENT_IDS as readonly string[]).includes(rule.name)) {
      throw new ClientPolicyError(`"${rule.name}" is not an AI client Airlock installs entries for; use one of ${CLIENT_IDS.join(', ')}`);
    }
    const canonical = formatClientRule(rule.kind === 'token' ? { kind: 'token', name: tokens.find((t) => t.toLowerCase() === rule.name.toLowerCase()) ?? rule.name } : rule);
    if (!out.some((o) => o.toLowerCase() === canonical.toLowerCase())) out.push(canonical);
  }
  if (out.length > MAX_RULES) throw new ClientPolicyError(`a policy holds at most ${MAX_RULES} entries; got ${out.length}`);
  return out;
}
