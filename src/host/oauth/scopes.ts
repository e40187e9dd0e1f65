/** The scopes of a space-separated OAuth scope string (RFC 6749 §3.3). */
export function scopeList(scope: string | undefined): string[] {
  return (scope ?? '').split(' ').filter((s) => s !== '');
}

/** Whether `granted` includes every scope of `wanted`. */
export function scopeCovers(granted: string | undefined, wanted: string): boolean {
  const have = new Set(scopeList(granted));
  return scopeList(wanted).every((s) => have.has(s));
}

/** The union of scope strings, in first-seen order; undefined when empty. */
export function unionScopes(...scopes: Array<string | undefined>): string | undefined {
  const all = [...new Set(scopes.flatMap(scopeList))];
  return all.length === 0 ? undefined : all.join(' ');
}
