/**
 * Characters a person cannot see but a model reads: they hide instructions (Unicode tag
 * "ASCII smuggling", zero-width joiners), reorder what a reviewer sees (bidi controls) or
 * drive a terminal (ANSI escapes, C0/C1 controls). \t \n \r are ordinary layout.
 */
const INVISIBLE_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x0008],
  [0x000b, 0x000c],
  [0x000e, 0x001f], // includes ESC, the start of ANSI escape sequences
  [0x007f, 0x009f], // DEL and C1 controls
  [0x00ad, 0x00ad], // soft hyphen
  [0x061c, 0x061c], // Arabic letter mark (bidi)
  [0x180e, 0x180e], // Mongolian vowel separator
  [0x200b, 0x200f], // zero-width space/joiners, LRM/RLM
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2060, 0x2064], // word joiner, invisible operators
  [0x2066, 0x2069], // bidi isolates
  [0xfeff, 0xfeff], // zero-width no-break space / BOM
  [0xfff9, 0xfffb], // interlinear annotation controls
  [0xe0000, 0xe007f], // Unicode tag block
  // Variation selectors supplement: never needed in tool text, used to smuggle bytes invisibly.
  [0xe0100, 0xe01ef],
];

export function isInvisibleCodePoint(cp: number): boolean {
  return INVISIBLE_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/** The distinct invisible or control code points in a string, in order of first appearance. */
export function invisibleCodePoints(text: string): number[] {
  const found = new Set<number>();
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (isInvisibleCodePoint(cp)) found.add(cp);
  }
  return [...found];
}

export function formatCodePoint(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function formatCodePoints(cps: readonly number[], most = 8): string {
  const shown = cps.slice(0, most).map(formatCodePoint).join(', ');
  return cps.length > most ? `${shown} and ${cps.length - most} more` : shown;
}

/** NFKC plus whitespace folding: the form under which two texts read the same to a person. */
export function foldText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/**
 * Cosmetic means: same text after NFKC and whitespace folding, and nothing invisible in the new
 * text (an invisible character is exactly the change a person would not see, so never cosmetic).
 */
export function isCosmeticChange(before: string, after: string): boolean {
  return foldText(before) === foldText(after) && invisibleCodePoints(after).length === 0;
}

const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

/**
 * The form the deterministic detectors read: compatibility forms folded (fullwidth "ｃｕｒｌ"
 * matches "curl"), invisible characters dropped (so "ig\u200Bnore" still matches), curly quotes
 * straightened, lower case.
 */
export function detectionForm(text: string): string {
  // Printable ASCII and \t \n \r: NFKC leaves it as is, it has nothing invisible and no curly quote.
  if (PLAIN_ASCII.test(text)) return text.replace(/\s+/g, ' ').toLowerCase();
  let out = '';
  for (const ch of text.normalize('NFKC')) {
    if (!isInvisibleCodePoint(ch.codePointAt(0) ?? 0)) out += ch;
  }
  return out.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').toLowerCase();
}
