/**
 * "did you mean" for a mistyped server or tool name. Hand-written: a dozen lines, and the only
 * Levenshtein in node_modules is a transitive dependency of a dev tool, not ours to rely on.
 */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  const wanted = typed.toLowerCase();
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const candidate = name.toLowerCase();
    // An abbreviation ("fs" for "filesystem") or a part of the name counts as close as one typo.
    const abbreviation = candidate.startsWith(wanted[0] ?? '') && isSubsequence(wanted, candidate);
    const distance = abbreviation || candidate.includes(wanted) ? 1 : editDistance(wanted, candidate);
    if (distance > Math.max(2, Math.floor(candidate.length / 3))) continue;
    if (best === undefined || distance < best.score) best = { name, score: distance };
  }
  return best?.name;
}

/** `no server "fs"; did you mean "filesystem"?`, or the names there are when none is close. */
export function unknownNameMessage(what: string, typed: string, known: readonly string[], listHint: string): string {
  const close = closestName(typed, known);
  if (close !== undefined) return `no ${what} "${typed}"; did you mean "${close}"?`;
  if (known.length === 0) return `no ${what} "${typed}": there are none yet. ${listHint}`;
  const shown = known.slice(0, 8).map((n) => `"${n}"`).join(', ');
  return `no ${what} "${typed}"; there ${known.length === 1 ? 'is' : 'are'} ${shown}${known.length > 8 ? ', …' : ''}. ${listHint}`;
}

function isSubsequence(short: string, long: string): boolean {
  let at = 0;
  for (const ch of long) if (ch === short[at]) at += 1;
  return at === short.length;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
