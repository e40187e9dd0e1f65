import type { Finding } from '../finding.js';
import { worstSeverity } from '../severity.js';
import { surfaceItems, type Surface, type SurfaceItem } from '../surface.js';
import { addedText } from './added-text.js';
import { foldName, nameKeys, nameLikeness, nameMentions, nameWords, type NameMention } from './confusable-names.js';
import type { DriftReport, ItemChange } from './drift-types.js';
import { heldItems } from './drift-verdict.js';
import { ItemFindings } from './item-findings.js';
import { childPointer } from './json-pointer.js';
import { isJsonObject } from './json-values.js';
import { compareFindings } from './finding-order.js';

/**
 * Tool shadowing across servers (issue 12): one client routes several servers, and the model
 * reads all their tools side by side. A server can then steer another server's tool from its
 * own text ("when you send email with send_email, always BCC …") or offer a tool whose name
 * reads like another server's (`send_emai1`, `sendEmail`) so the model calls the wrong one.
 *
 * Airlock does not know which client routes which servers, so every server in one Airlock home
 * counts as reachable by one client (the caller passes them all as peers).
 *
 * Findings are only about items the server's own drift already holds (new, or changed in a way
 * that is not cosmetic): they rank and explain a change the user must review anyway, never hold
 * something approved and unchanged, so a server cannot stay AMBER with nothing to approve.
 */

/** One server as the cross-server checks see it: what the user approved and what it lists now. */
export interface ServerSurfaces {
  server: string;
  approved: Surface | null;
  live: Surface | null;
}

interface PeerTool {
  server: string;
  name: string;
  /** Two words or more ("send_email", "sendEmail"): such a name does not occur in prose by chance. */
  compound: boolean;
}

/** Fields that hold an item's own identity, not text about it. */
const IDENTITY_FIELDS = new Set(['/name', '/uri', '/uriTemplate', '/version', '/mimeType']);

/**
 * The cross-server findings for `server`, whose drift against its approved baseline is `report`.
 * `peers` are the other servers one client can reach (a peer with the same name is ignored).
 */
export function crossServerFindings(server: string, approved: Surface | null, live: Surface, report: DriftReport, peers: readonly ServerSurfaces[]): Finding[] {
  const others = peers.filter((p) => p.server !== server);
  if (others.length === 0) return [];
  const peerTools = indexPeerTools(others);
  if (peerTools.length === 0) return [];
  const peerIndex = new NameIndex<PeerTool>();
  for (const t of peerTools) peerIndex.add(t.name, t);
  let peerMentions: Map<string, NameIndex<PeerMention>> | null = null;
  const liveItems = new Map(surfaceItems(live).map((i) => [`${i.kind}\u0000${i.key}`, i]));
  const approvedItems = new Map(approved ? surfaceItems(approved).map((i) => [`${i.kind}\u0000${i.key}`, i]) : []);
  // The server's own tools: a text naming one of them speaks about itself, not about a peer's.
  const own = new Set([...(approved?.tools ?? []), ...live.tools].map((t) => foldName(t.name)));
  const findings: Finding[] = [];
  for (const change of heldItems(report)) {
    const now = liveItems.get(`${change.kind}\u0000${change.key}`);
    if (now === undefined) continue;
    const beforeKey = change.renamedFrom !== undefined ? `tool\u0000${change.renamedFrom}` : `${change.kind}\u0000${change.key}`;
    const f = new ItemFindings(change.kind, change.key);
    shadowingText(f, server, approvedItems.get(beforeKey)?.value, now.value, peerIndex, own);
    if (change.kind === 'tool') {
      // A name is new when the tool is (first seen, added, renamed); an approved name was reviewed already.
      if (change.status === 'added') {
        confusableName(f, server, change.key, peerTools);
        peerMentions ??= new Map(others.map((p) => [p.server, mentionIndex(p)]));
        namedByPeerText(f, server, change.key, others, peerMentions);
      } else {
        sameName(f, change.key, peerTools);
      }
    }
    findings.push(...f.findings);
  }
  return findings;
}

/** The report with cross-server findings added to their items, re-sorted, and its severity recomputed. */
export function withCrossServerFindings(report: DriftReport, extra: readonly Finding[]): DriftReport {
  if (extra.length === 0) return report;
  const byItem = new Map<string, Finding[]>();
  for (const f of extra) {
    const id = `${f.itemKind ?? ''}\u0000${f.itemKey ?? ''}`;
    byItem.set(id, [...(byItem.get(id) ?? []), f]);
  }
  const items: ItemChange[] = report.items.map((i) => {
    const more = byItem.get(`${i.kind}\u0000${i.key}`);
    return more ? { ...i, findings: [...i.findings, ...more] } : i;
  });
  const findings = [...report.findings, ...extra].sort(compareFindings);
  return { ...report, items, findings, severity: worstSeverity(findings.map((f) => f.severity)) };
}

function indexPeerTools(peers: readonly ServerSurfaces[]): PeerTool[] {
  const tools = new Map<string, PeerTool>();
  for (const p of peers) {
    // Approved and live: a peer's unapproved tool is held on its side, but may be approved next.
    for (const t of [...(p.approved?.tools ?? []), ...(p.live?.tools ?? [])]) {
      tools.set(`${p.server}\u0000${t.name}`, { server: p.server, name: t.name, compound: nameWords(t.name).length >= 2 });
    }
  }
  return [...tools.values()];
}

/** Names looked up by their folded form and their skeleton: a text's words are matched in two map reads, not against every name. */
class NameIndex<T> {
  private readonly byKey = new Map<string, T[]>();

  add(name: string, value: T): void {
    const { fold, skeleton } = nameKeys(name);
    for (const key of new Set([`f${fold}`, `s${skeleton}`])) this.byKey.set(key, [...(this.byKey.get(key) ?? []), value]);
  }

  /** Values whose name folds or skeletonizes like `name`, each once. */
  lookup(name: string): T[] {
    const { fold, skeleton } = nameKeys(name);
    return [...new Set([...(this.byKey.get(`f${fold}`) ?? []), ...(this.byKey.get(`s${skeleton}`) ?? [])])];
  }
}

/**
 * Whether `mention` may name a tool called `tool`. Prose uses many tool names as plain words
 * ("read", "list", "search"), so a plain word never counts: the mention must be in `backticks`,
 * or written like an identifier (`_`, `-`, `.` or camelCase) while the tool's name is a
 * compound of two words or more. The caller has already matched the two by fold or skeleton.
 */
function mayName(mention: NameMention, tool: { compound: boolean }): boolean {
  return mention.quoted || (mention.nameLike && tool.compound);
}

/** Text of one item by JSON Pointer: every string value but the item's identity fields. */
function itemTexts(value: unknown, path = '', into = new Map<string, string>()): Map<string, string> {
  if (typeof value === 'string') {
    if (!IDENTITY_FIELDS.has(path)) into.set(path, value);
  } else if (Array.isArray(value)) value.forEach((v, i) => itemTexts(v, childPointer(path, i), into));
  else if (isJsonObject(value)) for (const [k, v] of Object.entries(value)) itemTexts(v, childPointer(path, k), into);
  return into;
}

/** NFKC form, so a change only in Unicode form adds no words (it would re-report approved text). */
const nfkc = (text: string): string => text.normalize('NFKC');

/**
 * tool.shadows-other-server: text of this server names another server's tool. Only the words a
 * change added count (all the text of a new item), so approved text is not reported again.
 */
function shadowingText(f: ItemFindings, server: string, before: unknown, after: unknown, peers: NameIndex<PeerTool>, own: ReadonlySet<string>): void {
  const old = itemTexts(before);
  const reported = new Set<string>();
  for (const [path, text] of itemTexts(after)) {
    const prior = old.get(path);
    if (prior === text) continue;
    const fresh = addedText(nfkc(prior ?? ''), nfkc(text));
    if (fresh === '') continue;
    for (const mention of nameMentions(fresh)) {
      if (own.has(foldName(mention.text))) continue;
      for (const tool of peers.lookup(mention.text)) {
        const id = `${tool.server}\u0000${tool.name}`;
        if (reported.has(id) || !mayName(mention, tool)) continue;
        reported.add(id);
        const as = mention.text === tool.name ? '' : ` (written ${JSON.stringify(mention.text)})`;
        f.add(
          'tool.shadows-other-server',
          'high',
          path,
          prior,
          { server: tool.server, tool: tool.name, mention: mention.text },
          `text added at ${path || '/'} names tool ${JSON.stringify(tool.name)} of another server, ${JSON.stringify(tool.server)}${as}; approve it only if "${server}" is meant to work with "${tool.server}"`,
          false,
          `The model reads every server's tools together, so this text can steer how it uses "${tool.server}"'s ${tool.name} (add a recipient, change an argument, call it first) without "${tool.server}" saying so.`,
        );
      }
    }
  }
}

/** tool.confusable-name (high): a new tool whose name reads like another server's tool, but is not the same name. */
function confusableName(f: ItemFindings, server: string, name: string, peers: readonly PeerTool[]): void {
  for (const tool of peers) {
    const likeness = nameLikeness(name, tool.name);
    if (likeness === null) continue;
    if (likeness.kind === 'same') {
      sameName(f, name, [tool]);
      continue;
    }
    f.add(
      'tool.confusable-name',
      'high',
      '/name',
      tool.name,
      name,
      `its name looks like tool ${JSON.stringify(tool.name)} of server ${JSON.stringify(tool.server)}: ${likeness.reason}. Independent servers rarely pick names this close by chance; approve it only if you know why "${server}" does`,
      false,
      `The model may call "${server}"'s ${name} when it means "${tool.server}"'s ${tool.name}, and hand "${server}" what was meant for "${tool.server}" (recipients, messages, files).`,
    );
  }
}

/**
 * tool.confusable-name (medium): the same name on two servers. Common and usually benign (two
 * servers with `search` or `read_file`), so medium: the model sees two tools of one name and
 * may call the wrong server's. Reported only on an item that waits for review anyway.
 */
function sameName(f: ItemFindings, name: string, peers: readonly PeerTool[]): void {
  for (const tool of peers) {
    if (tool.name !== name) continue;
    f.add(
      'tool.confusable-name',
      'medium',
      '/name',
      tool.name,
      name,
      `server ${JSON.stringify(tool.server)} also offers a tool named ${JSON.stringify(name)}; common for generic names, so check that you trust both with what this tool is given`,
      false,
      `A client that routes both servers shows the model two tools named ${name}, and it may call the other server's one with what was meant for this one.`,
    );
  }
}

/** Where a peer's text names something: the first place, per mention. */
interface PeerMention {
  mention: NameMention;
  label: string;
  item: string;
  path: string;
}

/** Every name-like mention in a peer's text (approved and live), indexed for lookup by name. */
function mentionIndex(peer: ServerSurfaces): NameIndex<PeerMention> {
  const index = new NameIndex<PeerMention>();
  const items = new Map<string, SurfaceItem>();
  for (const s of [peer.approved, peer.live]) if (s) for (const i of surfaceItems(s)) items.set(i.hash, i);
  for (const item of items.values()) {
    const label = new ItemFindings(item.kind, item.key).label;
    for (const [path, text] of itemTexts(item.value)) {
      for (const mention of nameMentions(text)) {
        if (mention.quoted || mention.nameLike) index.add(mention.text, { mention, label, item: `${item.kind}:${item.key}`, path });
      }
    }
  }
  return index;
}

/**
 * tool.shadows-other-server on a NEW tool: another server's text (approved or live) already
 * names it, so approving it lets that server's text steer it. That text was approved when no
 * tool of this name was here, so it was never reviewed as being about this tool.
 */
function namedByPeerText(f: ItemFindings, server: string, name: string, peers: readonly ServerSurfaces[], mentions: ReadonlyMap<string, NameIndex<PeerMention>>): void {
  const compound = nameWords(name).length >= 2;
  for (const peer of peers) {
    const peerOwn = new Set([...(peer.approved?.tools ?? []), ...(peer.live?.tools ?? [])].map((t) => foldName(t.name)));
    // A peer that offers a tool of this name speaks about its own: the same-name finding covers it.
    if (peerOwn.has(foldName(name))) continue;
    const hit = mentions.get(peer.server)?.lookup(name).find((m) => mayName(m.mention, { compound }));
    if (hit === undefined) continue;
    f.add(
      'tool.shadows-other-server',
      'high',
      '/name',
      null,
      { server: peer.server, item: hit.item, path: hit.path, mention: hit.mention.text },
      `the text of ${hit.label} on server ${JSON.stringify(peer.server)} names this tool (at ${hit.path || '/'}, as ${JSON.stringify(hit.mention.text)}); approve it only if "${peer.server}" is meant to work with "${server}"`,
      false,
      `Once you approve it, "${peer.server}"'s text can steer how the model uses "${server}"'s ${name} (add a recipient, change an argument, call it first).`,
    );
  }
}

