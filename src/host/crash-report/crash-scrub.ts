import { CREDENTIAL_FORMATS } from '../../engine/gate/response-credentials.js';

/** What the scrubber knows about this machine: the places and names that must not leave it. */
export interface ScrubContext {
  /** The user's home folder (becomes `~`). */
  userHome: string;
  /** The user's login name (becomes `<user>`). */
  userName: string;
  /** The Airlock home (becomes `<airlock-home>`). */
  airlockHome?: string;
  /** Airlock's package folder: paths inside it become relative, as in a stack frame. */
  packageRoot?: string;
  /** The Host's registered server names (become `<server>`); the builder cannot know them itself. */
  serverNames: readonly string[];
}

/** Longer inputs are cut (at a space, so no half secret is left to slip past the patterns). */
const MAX_INPUT = 16_384;
export const MAX_MESSAGE = 1_000;

// The gate's credential formats, without their word edges: in a crash message a key may be glued
// to other text ("token=ghp_…", "xghp_…"), and scrubbing too much here costs nothing.
const SECRET_PATTERNS: readonly RegExp[] = CREDENTIAL_FORMATS.map(({ pattern }) => {
  const source = pattern.source.split('(?<![A-Za-z0-9_-])').join('').split('(?![A-Za-z0-9_-])').join('');
  return new RegExp(source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
});

const SENSITIVE_KEY = /\b(password|passwd|pwd|secret|token|api[_-]?key|apikey|auth|authorization|bearer|cookie|session|credentials?|private[_-]?key|access[_-]?key)(\s*[:=]\s*)(?!\uF8FE)\S+/gi;
// Any `name=value` outside quotes: options, query strings, env-like text.
const ASSIGNMENT = /\b([A-Za-z_][A-Za-z0-9_.-]{0,40})(=)(?!\uF8FE)[^\s,;]+/g;
const BEARER = /\b(bearer|basic)(\s+)(?!\uF8FE)\S+/gi;
const URL = /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s"'`<>]*/gi;
const WINDOWS_PATH = /(?<![A-Za-z0-9])[A-Za-z]:[\\/][^\s"'`<>|,;()[\]{}]*/g;
const POSIX_PATH = /(?<![A-Za-z0-9_.~$-])\/[^\s"'`<>|,;()[\]{}]+/g;
const SLASHED_TOKEN = /[^\s"'`<>|,;()[\]{}\uF8FE\uF8FF]*[\\/][^\s"'`<>|,;()[\]{}\uF8FE\uF8FF]*/g;
const DOUBLE_QUOTED = /"(?:[^"\\]|\\.)*"/g;
const BACKTICK_QUOTED = /`[^`]*`/g;
const SINGLE_QUOTED = /(?<![A-Za-z0-9])'[^']*'(?![A-Za-z0-9])/g;
const INNER_BRACES = /\{[^{}]*\}|\[[^[\]]*\]/g;
const OPEN_TO_END = /(?:["`{[]|(?<![A-Za-z0-9])')[\s\S]*$/;
const STRAY_CLOSERS = /[}\]]/g;
const HEX_RUN = /[0-9a-fA-F]{16,}/g;
const LONG_NUMBER = /\d{5,}/g;
const TOKEN = /[A-Za-z0-9_+/=.-]{16,}/g;

/**
 * The text with everything that could identify the user or carry a value replaced by a marker:
 * secrets (`<secret>`), URLs, paths (`~`, `<airlock-home>`, `<path>`, or relative inside Airlock's
 * package), quoted strings and JSON fragments (`<value>`: argument values travel in those), long
 * numbers and token-like runs, server names (`<server>`) and the user name (`<user>`).
 */
export function scrubText(input: string, context: ScrubContext, max = MAX_MESSAGE): string {
  const markers: string[] = [];
  // A replaced span becomes a private-use character between two others, which no later pattern
  // can match into or across; the input has all private-use characters removed first.
  const mark = (text: string): string => `\uF8FE${String.fromCharCode(0xe000 + Math.min(markers.push(text) - 1, 0x18fd))}\uF8FF`;
  let text = cut(input).replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu, ' ');

  for (const pattern of SECRET_PATTERNS) text = text.replace(pattern, () => mark('<secret>'));
  for (const pattern of [SENSITIVE_KEY, ASSIGNMENT, BEARER]) text = text.replace(pattern, (_m, key: string, sep: string) => `${key}${sep}${mark('<value>')}`);
  text = text.replace(URL, () => mark('<url>'));
  text = replacePrefixes(text, context, mark);
  text = text.replace(WINDOWS_PATH, () => mark('<path>')).replace(POSIX_PATH, () => mark('<path>'));
  text = text.replace(SLASHED_TOKEN, (m) => (/[\\/]/.test(m) ? mark('<path>') : m));
  text = text.replace(DOUBLE_QUOTED, () => mark('<value>')).replace(BACKTICK_QUOTED, () => mark('<value>')).replace(SINGLE_QUOTED, () => mark('<value>'));
  for (let i = 0; i < 32 && /[{[]/.test(text); i++) {
    const next = text.replace(INNER_BRACES, () => mark('<value>'));
    if (next === text) break;
    text = next;
  }
  // An opening quote or bracket without its end: the rest may be a value cut short.
  text = text.replace(OPEN_TO_END, () => mark('<value>')).replace(STRAY_CLOSERS, ' ');
  text = replaceNames(text, context.serverNames, '<server>', mark);
  text = replaceNames(text, context.userName.length >= 2 ? [context.userName] : [], '<user>', mark);
  text = text.replace(HEX_RUN, () => mark('<value>')).replace(LONG_NUMBER, () => mark('<value>'));
  text = text.replace(TOKEN, (m) => (m.length >= 32 || (/\d/.test(m) && /[A-Za-z]/.test(m)) ? mark('<value>') : m));

  const out = text
    .replace(/\uF8FE([\ue000-\uf8fd])\uF8FF/g, (_m, c: string) => markers[c.charCodeAt(0) - 0xe000] ?? '<value>')
    .replace(/\s+/g, ' ')
    .trim();
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

/** Cut at the last space before the limit; a text with no space there is dropped whole. */
function cut(input: string): string {
  if (input.length <= MAX_INPUT) return input;
  const space = input.lastIndexOf(' ', MAX_INPUT);
  return space <= 0 ? '<value>' : `${input.slice(0, space)} …`;
}

/** Known folders, longest first, so the Airlock home inside the user's home stays `<airlock-home>`. */
function replacePrefixes(text: string, context: ScrubContext, mark: (text: string) => string): string {
  const prefixes: { dir: string; as: (rest: string) => string }[] = [];
  const root = usablePackageRoot(context);
  if (context.airlockHome) prefixes.push({ dir: context.airlockHome, as: (rest) => (rest === '' ? '<airlock-home>' : '<airlock-home>/<path>') });
  if (root) prefixes.push({ dir: root, as: (rest) => (rest === '' ? '<airlock>' : relativeOrPath(rest, context)) });
  if (context.userHome.length > 1) prefixes.push({ dir: context.userHome, as: (rest) => (rest === '' ? '~' : '~/<path>') });
  prefixes.sort((a, b) => b.dir.length - a.dir.length);
  for (const { dir, as } of prefixes) {
    for (const variant of new Set([dir, dir.replaceAll('\\', '/'), dir.replaceAll('/', '\\')])) {
      const trimmed = variant.replace(/[\\/]+$/, '');
      if (trimmed === '') continue;
      const pattern = new RegExp(`(?:file://)?${escapeRegExp(trimmed)}(?![A-Za-z0-9_.-])((?:[\\\\/][^\\s"'\`<>|,;()[\\]{}\\uF8FE\\uF8FF]*)?)`, 'gi');
      text = text.replace(pattern, (_m, rest: string) => mark(as(rest.replace(/^[\\/]+/, ''))));
    }
  }
  return text;
}

/** A path inside Airlock's package, shown relative when it is plain and names nobody; else `<path>`. */
export function relativeOrPath(rest: string, context: ScrubContext): string {
  const relative = rest.replaceAll('\\', '/');
  if (!/^[A-Za-z0-9._@+-]+(?:\/[A-Za-z0-9._@+-]+)*$/.test(relative) || relative.split('/').includes('..')) return '<path>';
  const markerFree = scrubNamesOnly(relative, context);
  return markerFree === relative ? relative : '<path>';
}

/** The package root, unless it is so high up that paths relative to it would show the user's files. */
export function usablePackageRoot(context: Pick<ScrubContext, 'packageRoot' | 'userHome'>): string | undefined {
  const root = context.packageRoot?.replace(/[\\/]+$/, '');
  if (!root || root.length < 2) return undefined;
  const home = context.userHome.replace(/[\\/]+$/, '');
  if (home !== '' && (home === root || home.startsWith(`${root}/`) || home.startsWith(`${root}\\`))) return undefined;
  return root;
}

/** Whether a short code-like string (a class or function name) is free of names and secrets. */
export function scrubNamesOnly(text: string, context: Pick<ScrubContext, 'serverNames' | 'userName'>): string {
  const mark = (t: string): string => t;
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, '<secret>');
  out = replaceNames(out, context.serverNames, '<server>', mark);
  out = replaceNames(out, context.userName.length >= 2 ? [context.userName] : [], '<user>', mark);
  return out;
}

/**
 * Names of five characters or more are replaced wherever they occur, ignoring case (a server
 * "github" inside "githubusercontent" too); shorter ones only as a whole word, so that a server
 * named "fs" does not eat every "offset".
 */
function replaceNames(text: string, names: readonly string[], as: string, mark: (text: string) => string): string {
  const sorted = [...new Set(names.filter((n) => n.length > 0))].sort((a, b) => b.length - a.length);
  for (const name of sorted) {
    const escaped = escapeRegExp(name);
    const pattern = name.length >= 5 ? new RegExp(escaped, 'gi') : new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_-])`, 'gi');
    text = text.replace(pattern, () => mark(as));
  }
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
