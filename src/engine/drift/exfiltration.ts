import { detectionForm } from './unicode-text.js';

/**
 * A deterministic exfiltration signature: text that names (a) something secret, (b) a way to
 * send it and (c) somewhere outside this machine. All three must appear in the text a change
 * added; any one alone is ordinary tool documentation ("Fetches a URL the user gives").
 */
const SENSITIVE: readonly RegExp[] = [
  /~\/\.ssh\b|\.ssh\//,
  /\bid_(?:rsa|ed25519|ecdsa|dsa)\b/,
  /\.aws\/(?:credentials|config)\b/,
  /(?:^|[\s/'"`(])\.env\b/,
  /\/etc\/(?:passwd|shadow)\b/,
  /\.(?:netrc|npmrc|pypirc|git-credentials|pgpass)\b/,
  /\.kube\/config\b/,
  /\.docker\/config\.json\b/,
  /\.(?:bash|zsh)_history\b/,
  /\bprivate[ _-]?keys?\b/,
  /\bapi[ _-]?keys?\b/,
  /\bcredentials?\b/,
  /\bsecrets?\b/,
  /\bpasswords?\b/,
  // Bare "tokens" is everyday LLM vocabulary ("max tokens"); only credential tokens count.
  /\b(?:access|auth|api|bearer|session|oauth|refresh|github|npm|secret)[ _-]?tokens?\b/,
  /\benvironment variables?\b|\benv vars?\b|\bprocess\.env\b/,
  /\bcookies?\b/,
  /\bkeychain\b|\bwallets?\b|\bseed phrase\b/,
  /\b(?:conversation|chat) history\b/,
  /\bsystem prompt\b/,
  /\bmcp\.json\b|\bclaude_desktop_config\.json\b|\bclient config(?:uration)?\b/,
];

const EGRESS: readonly RegExp[] = [
  /\b(?:curl|wget|nc|netcat|ncat|scp|rsync|sftp|invoke-webrequest)\b/,
  /\b(?:fetch(?:es|ed|ing)?|send(?:s|ing)?|sent|post(?:s|ed|ing)?|upload(?:s|ed|ing)?|transmit\w*|forward(?:s|ed|ing)?|exfiltrat\w*)\b/,
  /\be-?mail(?:s|ed|ing)?\b|\bwebhooks?\b/,
  /(?:^|\s)-d\s*@-|--data(?:-binary|-raw|-urlencode)?\b/,
];

/**
 * Top-level domains accepted for a bare domain ("attacker.com", "x.example"). A list, not any
 * two letters, so file names ("config.json", "install.sh", "notes.md") are never destinations.
 */
const TLDS =
  'com|net|org|io|ai|dev|app|co|me|xyz|info|biz|ru|cn|su|tk|top|site|online|cc|gg|ly|to|ws|pw|example|test|invalid|us|uk|de|fr|nl|eu|in|click|link|live|cloud|tech|onion|pro|store|shop|fun|icu|vip|win';
const BARE_DOMAIN = new RegExp(`\\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})\\b(?![.\\w-]*\\w)`, 'g');
const URL = /\b(?:https?|ftp|wss?):\/\/([^\s/?#'"<>)\]]+)/g;
const EMAIL = /\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;

/** Loopback is this machine: sending there is not exfiltration. */
function isLocalHost(host: string): boolean {
  const h = host.replace(/^[^@]*@/, '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || h === '0.0.0.0' || h.startsWith('127.');
}

export function sensitiveResources(text: string): string[] {
  const t = detectionForm(text);
  return SENSITIVE.flatMap((re) => t.match(re)?.[0].trim() ?? []);
}

export function egressVerbs(text: string): string[] {
  const t = detectionForm(text);
  return EGRESS.flatMap((re) => t.match(re)?.[0].trim() ?? []);
}

/** External destinations in the text: non-loopback URLs, bare domains, e-mail addresses, IPv4 addresses. */
export function externalDestinations(text: string): string[] {
  const t = detectionForm(text);
  const found: string[] = [];
  for (const m of t.matchAll(URL)) if (!isLocalHost(m[1] ?? '')) found.push(m[0]);
  for (const m of t.matchAll(EMAIL)) found.push(m[0]);
  for (const m of t.matchAll(IPV4)) if (!isLocalHost(m[0])) found.push(m[0]);
  for (const m of t.matchAll(BARE_DOMAIN)) if (!isLocalHost(m[0])) found.push(m[0]);
  return found;
}

export interface AddedText {
  path: string;
  text: string;
}

export interface ExfiltrationMatch {
  /** The path whose added text holds the destination. */
  path: string;
  sensitive: string;
  egress: string;
  destination: string;
}

/** Looks across all the text one item added (several fields together) for the full signature. */
export function findExfiltration(added: readonly AddedText[]): ExfiltrationMatch | null {
  const sensitive = added.flatMap((a) => sensitiveResources(a.text));
  const egress = added.flatMap((a) => egressVerbs(a.text));
  if (sensitive.length === 0 || egress.length === 0) return null;
  for (const a of added) {
    const destination = externalDestinations(a.text)[0];
    if (destination !== undefined) return { path: a.path, sensitive: sensitive[0] ?? '', egress: egress[0] ?? '', destination };
  }
  return null;
}
