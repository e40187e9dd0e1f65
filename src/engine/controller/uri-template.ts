/**
 * Whether a URI is one an RFC 6570 template can expand to. Deliberately narrow: a simple
 * `{var}` matches one path segment, a reserved `{+var}` or fragment `{#var}` any text; query
 * forms `{?a,b}` match an optional query. When in doubt it says no, which denies the read.
 */
export function matchesUriTemplate(template: string, uri: string): boolean {
  let pattern = '';
  let last = 0;
  for (const m of template.matchAll(/\{([+#?&/.;]?)([^}]*)\}/g)) {
    pattern += escapeRegExp(template.slice(last, m.index));
    const operator = m[1];
    if (operator === '+' || operator === '#') pattern += '.*';
    else if (operator === '?' || operator === '&') pattern += '(?:[?&][^#]*)?';
    else pattern += '[^/?#]+';
    last = (m.index ?? 0) + m[0].length;
  }
  pattern += escapeRegExp(template.slice(last));
  return new RegExp(`^${pattern}$`, 'u').test(uri);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
