import { isInvisibleCodePoint } from './unicode-text.js';

/**
 * When two tool names read as one to a model or a person, and where a text names a tool. Used
 * by cross-server.ts to catch tool shadowing across servers (issue 12).
 *
 * Hand-written rather than a package: the set we need is small (letters of other scripts that
 * look like Latin ones in a tool name), and adding a dependency is a lockfile change outside
 * this room's files. TR39's full confusables table (e.g. the `unhomoglyph` package) would be
 * the next step if names in other scripts turn up.
 */

/**
 * Letters that look like ASCII ones (TR39 confusables.txt, the single-letter Latin targets from
 * Cyrillic, Greek and Armenian, plus dotless i and script a/g). NFKC does not fold these: it
 * keeps "sеnd" (Cyrillic е) apart from "send", which is exactly the disguise.
 */
const LOOK_ALIKES: Record<string, string> = {
  // Cyrillic
  // (lower-case в к м н т are small capitals, not the Latin lower-case letters, so they are left out)
  а: 'a', с: 'c', е: 'e', һ: 'h', і: 'i', ј: 'j', ӏ: 'l', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', ԝ: 'w', х: 'x', у: 'y', ү: 'y', ԁ: 'd',
  А: 'a', В: 'b', С: 'c', Е: 'e', Һ: 'h', І: 'i', Ј: 'j', К: 'k', Ӏ: 'l', М: 'm', Н: 'h', О: 'o', Р: 'p', Ѕ: 's', Т: 't', Х: 'x', У: 'y', Ү: 'y', Ԝ: 'w',
  // Greek
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', γ: 'y',
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't', Υ: 'y', Χ: 'x',
  // Armenian and Latin variants
  օ: 'o', ս: 'u', ց: 'g', հ: 'h', ı: 'i', ɑ: 'a', ɡ: 'g', ɩ: 'i', ʟ: 'l',
};

/** NFKC (fullwidth "ｓｅｎｄ" is "send"), with invisible characters dropped ("se\u200Bnd" is "send"). */
function visibleForm(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFKC')) if (!isInvisibleCodePoint(ch.codePointAt(0) ?? 0)) out += ch;
  return out;
}

/** The words of a tool name: split at `_ - . :` and spaces, and where camelCase turns ("sendEmail" is send, Email). */
export function nameWords(name: string): string[] {
  return visibleForm(name)
    .split(/[\s_.:/-]+|(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})/u)
    .filter((w) => w !== '');
}

const foldWord = (word: string): string => [...word].map((ch) => LOOK_ALIKES[ch] ?? ch).join('').toLowerCase();

/**
 * Same letters, read the way a model reads a name: look-alike letters mapped to Latin, case and
 * separators ignored. "send_email", "sendEmail", "Send-Email", "sеnd_email" (Cyrillic е) fold alike.
 */
export function foldName(name: string): string {
  return nameWords(name).map(foldWord).join('');
}

/**
 * The folded name with characters that look alike in common fonts merged: 1, l, I and i (after
 * folding case, I is i), 0 and o, rn and m, vv and w. Both sides go through it, so merging more
 * than strictly needed only makes two names compare equal that a reader could mix up anyway.
 */
function skeletonWord(word: string): string {
  return foldWord(word).replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/[1il|]/g, 'l').replace(/0/g, 'o');
}

interface Skeleton {
  text: string;
  /** Where each word starts in `text`. */
  wordStarts: Set<number>;
}

function skeleton(name: string): Skeleton {
  let text = '';
  const wordStarts = new Set<number>();
  for (const word of nameWords(name)) {
    wordStarts.add(text.length);
    text += skeletonWord(word);
  }
  return { text, wordStarts };
}

/**
 * The two forms names are looked up by: equal `fold` or equal `skeleton` means look-alike (or
 * the same name), so a text's words can be matched against many names through two maps.
 */
export function nameKeys(name: string): { fold: string; skeleton: string } {
  return { fold: foldName(name), skeleton: skeleton(name).text };
}

export type NameLikeness =
  | { kind: 'same'; reason: string }
  /** Different names that read the same: a model or a person cannot tell them apart. */
  | { kind: 'look-alike'; reason: string }
  /** One typo apart: the classic typosquat. */
  | { kind: 'near-miss'; reason: string };

/** Below this many letters (after folding), one edit turns a name into an ordinary other word: "list"/"lint". */
const NEAR_MISS_MIN_LENGTH = 6;

/**
 * How alike two tool names are, or null when a reader would keep them apart. Rules, strictest first:
 * the same string; the same after folding (case, separators, NFKC, look-alike letters of other
 * scripts); the same after merging 1/l/I, 0/O, rn/m; one edit apart (Damerau) for names of at
 * least 6 folded letters, except a substitution of a word's first letter ("get_user" and
 * "set_user" are two verbs, not a typo: typosquats keep word shapes and change their insides).
 */
export function nameLikeness(a: string, b: string): NameLikeness | null {
  if (a === b) return { kind: 'same', reason: 'the same name' };
  if (foldName(a) === foldName(b)) return { kind: 'look-alike', reason: 'the same name once case, separators and look-alike letters of other scripts are ignored' };
  const sa = skeleton(a);
  const sb = skeleton(b);
  if (sa.text === sb.text) return { kind: 'look-alike', reason: 'the same name but for characters that look alike (1/l/I, 0/O, rn/m)' };
  if (Math.min(sa.text.length, sb.text.length) < NEAR_MISS_MIN_LENGTH) return null;
  const edit = oneEdit(sa.text, sb.text);
  if (edit === null) return null;
  if (edit.op === 'substitute' && (sa.wordStarts.has(edit.at) || sb.wordStarts.has(edit.at))) return null;
  return { kind: 'near-miss', reason: `one character apart (${edit.op === 'transpose' ? 'two letters swapped' : edit.op === 'substitute' ? 'one letter replaced' : 'one letter more or less'})` };
}

type Edit = { op: 'substitute' | 'transpose' | 'insert'; at: number };

/** The single edit that turns `a` into `b`, or null when they are equal or further apart. Linear. */
function oneEdit(a: string, b: string): Edit | null {
  if (a === b) return null;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (long.length - short.length > 1) return null;
  let i = 0;
  while (i < short.length && short[i] === long[i]) i++;
  if (short.length === long.length) {
    if (short.slice(i + 1) === long.slice(i + 1)) return { op: 'substitute', at: i };
    if (short[i] === long[i + 1] && short[i + 1] === long[i] && short.slice(i + 2) === long.slice(i + 2)) return { op: 'transpose', at: i };
    return null;
  }
  return short.slice(i) === long.slice(i + 1) ? { op: 'insert', at: i } : null;
}

/** A word in a text that could be a tool's name. */
export interface NameMention {
  /** As written (in its NFKC form). */
  text: string;
  /** Inside `backticks`: the writer marked it as code, a name. */
  quoted: boolean;
  /** Written like an identifier: with `_`, `-` or `.` inside, or in camelCase. */
  nameLike: boolean;
}

const CODE_SPAN = /`([^`\n]{1,200})`/gu;
const TOKEN = /[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}_.:/-]*[\p{L}\p{N}\p{M}])?/gu;
const NAME_LIKE = /[\p{L}\p{N}][_.-][\p{L}\p{N}]|\p{Ll}\p{Lu}/u;

/**
 * The tokens of a text that could name a tool. A qualified reference ("mail.send_email",
 * "mcp__mail__send_email", "mail/send_email") also yields its parts, so the tool's own name is
 * seen; tool names may contain dots, so the whole token is kept too.
 */
export function nameMentions(text: string): NameMention[] {
  const visible = visibleForm(text);
  const out: NameMention[] = [];
  const seen = new Set<string>();
  const add = (token: string, quoted: boolean): void => {
    const candidates = new Set([token, ...token.split(/[.:/]|__/).filter((p) => p !== '')]);
    for (const c of candidates) {
      const id = `${quoted ? 'q' : 'p'}${c}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ text: c, quoted, nameLike: NAME_LIKE.test(c) });
    }
  };
  for (const m of visible.matchAll(CODE_SPAN)) for (const t of (m[1] ?? '').matchAll(TOKEN)) add(t[0], true);
  for (const t of visible.matchAll(TOKEN)) add(t[0], false);
  return out;
}
