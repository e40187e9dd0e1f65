/**
 * Characters a person cannot see but a model reads: zero-width characters, bidi controls that
 * reorder what a reviewer sees, other format (Cf) and control (Cc) characters, Unicode tag
 * characters ("ASCII smuggling") and the variation selectors supplement (bytes hidden after a
 * letter). They are shown as ⟨U+XXXX⟩ so the user reviews what the model would read.
 * \n and \t are ordinary layout and stay as they are.
 */
const FORMAT_OR_CONTROL = /[\p{Cf}\p{Cc}]/u;

export function isInvisibleCodePoint(cp: number): boolean {
  if (cp === 0x0a || cp === 0x09) return false;
  if (cp >= 0xe0000 && cp <= 0xe007f) return true; // tag block, assigned or not
  if (cp >= 0xe0100 && cp <= 0xe01ef) return true; // variation selectors supplement
  return FORMAT_OR_CONTROL.test(String.fromCodePoint(cp));
}

export function formatCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

const NAMES: Record<number, string> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0xad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xe0001: 'LANGUAGE TAG',
  0xe007f: 'CANCEL TAG',
};

/** A readable name for an invisible code point; a tag character also says which ASCII letter it hides. */
export function codePointName(cp: number): string {
  const named = NAMES[cp];
  if (named !== undefined) return named;
  if (cp >= 0xe0020 && cp <= 0xe007e) return `TAG CHARACTER for "${String.fromCodePoint(cp - 0xe0000)}"`;
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'TAG CHARACTER';
  if (cp >= 0xe0100 && cp <= 0xe01ef) return `VARIATION SELECTOR-${cp - 0xe0100 + 17}`;
  if (cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f)) return 'CONTROL CHARACTER';
  return 'FORMAT CHARACTER';
}

export type TextSegment = { kind: 'text'; text: string } | { kind: 'invisible'; codePoint: number; label: string; title: string };

/** The text cut into visible runs and one segment per invisible character, in order. */
export function visibleSegments(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let run = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (!isInvisibleCodePoint(cp)) {
      run += ch;
      continue;
    }
    if (run !== '') segments.push({ kind: 'text', text: run });
    run = '';
    const code = formatCodePoint(cp);
    segments.push({ kind: 'invisible', codePoint: cp, label: `⟨${code}⟩`, title: `${code} ${codePointName(cp)}` });
  }
  if (run !== '') segments.push({ kind: 'text', text: run });
  return segments;
}
