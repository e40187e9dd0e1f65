import { credentialCounts, redactCredentials } from './response-credentials.js';
import { modelDirectedPhrases } from './response-model-directed.js';
import { rewriteResponseStrings, visitResponseStrings } from './response-text.js';

/** What a response check can find. Each becomes the finding code `response.<kind>`. */
export const RESPONSE_FINDING_KINDS = ['instructions', 'invisible-chars', 'secret', 'credential', 'too-large'] as const;
export type ResponseFindingKind = (typeof RESPONSE_FINDING_KINDS)[number];

/**
 * What happens to a response with a finding: `record` forwards it untouched and audits the
 * finding; `redact` forwards it with the matched text replaced by a marker; `deny` answers the
 * client with an error instead. (Holding a response for the user's Y/n is not offered yet: the
 * Host's holds are answered by approving an item, which says nothing about one answer.)
 */
export type ResponseAction = 'record' | 'redact' | 'deny';

export interface ResponseCheckPolicy {
  /** Size has nothing to cut out: a response too large is recorded or denied. */
  actions: Readonly<Record<Exclude<ResponseFindingKind, 'too-large'>, ResponseAction> & { 'too-large': 'record' | 'deny' }>;
  /** A response whose strings add up to more bytes than this is a `response.too-large` finding. */
  maxBytes: number;
}

/**
 * Defaults that leave real outputs untouched and take out what must never reach a model:
 * - the server's own secrets and well-known credentials are redacted: they match exactly or by a
 *   precise format, so honest output is not changed, and a token in a model's context can leak
 *   through every later call;
 * - instructions aimed at the model and invisible characters are recorded: the phrases also occur
 *   in honest text (documentation about prompt injection, this repository), and invisible
 *   characters in real files (a BOM, ANSI colours in logs, bidi marks in RTL text), so changing
 *   a file the user asked to read would be the greater harm;
 * - size is recorded over 4 MiB: a large answer is the client's to handle, not a threat by itself.
 */
export const DEFAULT_RESPONSE_POLICY: ResponseCheckPolicy = Object.freeze({
  actions: Object.freeze({ instructions: 'record', 'invisible-chars': 'record', secret: 'redact', credential: 'redact', 'too-large': 'record' }),
  maxBytes: 4 * 1024 * 1024,
});

/**
 * Text read beyond this is not judged, and a response that has more is denied (fail closed). It
 * equals the largest line Airlock reads from a server, so no answer that arrives is ever cut.
 */
export const RESPONSE_SCAN_BUDGET = 32 * 1024 * 1024;

/** Server secrets shorter than this are not searched for: masking every "test" would garble output. */
export const MIN_SECRET_LENGTH = 8;

export interface ResponseFinding {
  kind: ResponseFindingKind;
  /** What was found, in words a person can act on; never the matched value. */
  label: string;
  count: number;
}

export interface ResponseCheck {
  findings: ResponseFinding[];
  /** The payload's strings in UTF-8 bytes. */
  bytes: number;
  /** False when the payload had more text than the scan budget: the rest was not read. */
  complete: boolean;
}

/**
 * The same code points as the drift checks' invisible set (src/engine/drift/unicode-text.ts), as
 * regular expressions: a response can be megabytes, and a per-character range search is slow.
 * Built from numbers so the source holds no control character.
 */
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x0008], [0x000b, 0x000c], [0x000e, 0x001f], [0x007f, 0x009f], [0x00ad, 0x00ad], [0x061c, 0x061c], [0x180e, 0x180e],
  [0x200b, 0x200f], [0x202a, 0x202e], [0x2060, 0x2064], [0x2066, 0x2069], [0xfeff, 0xfeff], [0xfff9, 0xfffb], [0xe0000, 0xe007f], [0xe0100, 0xe01ef],
];
const BIDI_RANGES: readonly (readonly [number, number])[] = [[0x061c, 0x061c], [0x200e, 0x200f], [0x202a, 0x202e], [0x2066, 0x2069]];
const charClass = (ranges: readonly (readonly [number, number])[], flags: string): RegExp =>
  new RegExp(`[${ranges.map(([lo, hi]) => `\\u{${lo.toString(16)}}-\\u{${hi.toString(16)}}`).join('')}]`, flags);
const INVISIBLE = charClass(INVISIBLE_RANGES, 'u');
const INVISIBLE_ALL = charClass(INVISIBLE_RANGES, 'gu');
const TAG_CHAR = charClass([[0xe0000, 0xe007f]], 'u');
const BIDI = charClass(BIDI_RANGES, 'u');
const ESC = String.fromCharCode(0x1b);

/** The text without its invisible and control characters. */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE_ALL, '');
}

function invisibleLabel(text: string): string {
  if (TAG_CHAR.test(text)) return 'Unicode tag characters';
  if (BIDI.test(text)) return 'bidi controls';
  if (text.includes(ESC)) return 'ANSI escape sequences';
  return 'invisible or control characters';
}

/** Secrets worth searching for, longest first so one that contains another is masked whole. */
export function searchableSecrets(secrets: readonly string[] | undefined): string[] {
  return [...new Set(secrets ?? [])].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Reads a response's payload (a result or an error object) and lists what it finds. */
export function checkResponsePayload(payload: unknown, serverSecrets: readonly string[], policy: ResponseCheckPolicy = DEFAULT_RESPONSE_POLICY): ResponseCheck {
  const secrets = searchableSecrets(serverSecrets);
  const tally = new Map<string, ResponseFinding>();
  const add = (kind: ResponseFindingKind, label: string, count = 1): void => {
    const key = `${kind}\u0000${label}`;
    const found = tally.get(key);
    if (found) found.count += count;
    else tally.set(key, { kind, label, count });
  };
  let bytes = 0;
  const complete = visitResponseStrings(payload, RESPONSE_SCAN_BUDGET, ({ text, binary }) => {
    bytes += Buffer.byteLength(text, 'utf8');
    if (binary || text.length === 0) return;
    const hasInvisible = INVISIBLE.test(text);
    if (hasInvisible) add('invisible-chars', invisibleLabel(text));
    // Invisible characters inside a token must not hide it: formats and secrets are also sought in
    // the text without them.
    const visible = hasInvisible ? stripInvisible(text) : text;
    for (const secret of secrets) {
      const n = occurrences(visible, secret);
      if (n > 0) add('secret', "the server's own secret", n);
    }
    for (const [label, n] of credentialCounts(visible)) add('credential', label, n);
    if (modelDirectedPhrases(text).length > 0) add('instructions', 'instructions aimed at the model');
  });
  if (bytes > policy.maxBytes) add('too-large', `${bytes} bytes, over the ${policy.maxBytes}-byte limit`);
  return { findings: [...tally.values()], bytes, complete };
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) n += 1;
  return n;
}

/** The marker that stands in for a string withheld whole (instructions aimed at the model). */
export const WITHHELD_INSTRUCTIONS = '[withheld by Airlock: this text holds instructions aimed at the model]';
export const REDACTED_SECRET = "[redacted by Airlock: the server's own secret]";

/**
 * A copy of the payload with what the policy redacts taken out: secrets and credentials replaced
 * by markers, invisible characters removed, a string with instructions aimed at the model
 * replaced whole (its phrases cannot be cut out safely: the rest of the text carries them).
 */
export function redactResponsePayload(payload: unknown, serverSecrets: readonly string[], kinds: ReadonlySet<ResponseFindingKind>): unknown {
  const secrets = searchableSecrets(serverSecrets);
  return rewriteResponseStrings(payload, (text) => {
    if (kinds.has('instructions') && modelDirectedPhrases(text).length > 0) return WITHHELD_INSTRUCTIONS;
    let out = text;
    // A token split by invisible characters is only found without them, so then they go too.
    if (kinds.has('invisible-chars') || hidesToken(out, secrets, kinds)) out = stripInvisible(out);
    if (kinds.has('secret')) for (const secret of secrets) out = out.split(secret).join(REDACTED_SECRET);
    if (kinds.has('credential')) out = redactCredentials(out);
    return out;
  });
}

/** Whether removing invisible characters from a text reveals a secret or credential it hid. */
function hidesToken(text: string, secrets: readonly string[], kinds: ReadonlySet<ResponseFindingKind>): boolean {
  if (!INVISIBLE.test(text)) return false;
  const visible = stripInvisible(text);
  if (kinds.has('secret') && secrets.some((secret) => occurrences(visible, secret) > occurrences(text, secret))) return true;
  if (!kinds.has('credential')) return false;
  const total = (counts: Map<string, number>): number => [...counts.values()].reduce((a, b) => a + b, 0);
  return total(credentialCounts(visible)) > total(credentialCounts(text));
}
