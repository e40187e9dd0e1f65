/** Above this many token pairs the LCS table is too large; fall back to a word-multiset difference. */
const LCS_LIMIT = 4_000_000;
/** Joins separate runs of added words, so a phrase is only matched inside one inserted run. */
export const RUN_SEPARATOR = ' \u2026 ';

function tokens(text: string): string[] {
  return text.split(/\s+/).filter((t) => t !== '');
}

/**
 * The words of `after` that are not in `before`, as runs joined by RUN_SEPARATOR: the text a
 * change added. Word-level LCS keeps insertions contiguous, so an inserted sentence reads whole.
 */
export function addedText(before: string, after: string): string {
  const a = tokens(after);
  if (before === '') return a.join(' ');
  const b = tokens(before);
  const keep = b.length * a.length > LCS_LIMIT ? multisetKeep(b, a) : lcsKeep(b, a);
  const runs: string[] = [];
  let run: string[] = [];
  a.forEach((tok, i) => {
    if (!keep[i]) run.push(tok);
    else if (run.length > 0) {
      runs.push(run.join(' '));
      run = [];
    }
  });
  if (run.length > 0) runs.push(run.join(' '));
  return runs.join(RUN_SEPARATOR);
}

/** keep[i] is true when after[i] is part of a longest common subsequence with before. */
function lcsKeep(b: string[], a: string[]): boolean[] {
  const width = a.length + 1;
  const table = new Uint32Array((b.length + 1) * width);
  for (let i = b.length - 1; i >= 0; i--) {
    for (let j = a.length - 1; j >= 0; j--) {
      table[i * width + j] =
        b[i] === a[j] ? (table[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const keep: boolean[] = new Array<boolean>(a.length).fill(false);
  let i = 0;
  let j = 0;
  while (i < b.length && j < a.length) {
    if (b[i] === a[j]) {
      keep[j] = true;
      i++;
      j++;
    } else if ((table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0)) i++;
    else j++;
  }
  return keep;
}

function multisetKeep(b: string[], a: string[]): boolean[] {
  const counts = new Map<string, number>();
  for (const t of b) counts.set(t, (counts.get(t) ?? 0) + 1);
  return a.map((t) => {
    const n = counts.get(t) ?? 0;
    if (n > 0) counts.set(t, n - 1);
    return n > 0;
  });
}
