/** RFC 6901 escaping: "~" first, then "/", so "a/b" and "a~1b" never collide. */
export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Appends segments to a pointer: childPointer("/inputSchema", "properties", "a/b") → "/inputSchema/properties/a~1b". */
export function childPointer(base: string, ...segments: (string | number)[]): string {
  return base + segments.map((s) => `/${escapeSegment(s)}`).join('');
}
