import type { ConfigFormat } from './client-adapter.js';

/**
 * How deeply a client config's text nests, found before any parser sees it. jsonc-parser,
 * toml-patch and yaml all recurse once per level, so 10,000 nested brackets overflow the stack
 * (inside the Host's bypass watch as much as in `clients list`). This scan never recurses: it
 * counts the brackets that are open outside strings and comments, and reports where the count
 * first passes the limit. Counting a bracket that is really text (a YAML plain scalar such as
 * `a[1]`) only errs towards refusing a file nobody writes by hand; real configs nest a few levels.
 */
export function nestingPastLimit(text: string, format: ConfigFormat, limit: number): number | undefined {
  let depth = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const c = text[i];
    if (c === '"' && opensString(text, i, format)) {
      i = format === 'toml' && text.startsWith('"""', i) ? closing(text, i + 3, '"""', true) : closing(text, i + 1, '"', true);
      continue;
    }
    if (c === "'" && format !== 'jsonc' && opensString(text, i, format)) {
      // TOML literal strings have no escapes; YAML single quotes escape a quote by doubling it, which this reads as two strings.
      i = format === 'toml' && text.startsWith("'''", i) ? closing(text, i + 3, "'''", false) : closing(text, i + 1, "'", false);
      continue;
    }
    if (format === 'jsonc' && c === '/' && text[i + 1] === '/') {
      i = lineEnd(text, i);
      continue;
    }
    if (format === 'jsonc' && c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? length : end + 2;
      continue;
    }
    // A YAML comment starts a line or follows a space; `a#b` is text.
    if (c === '#' && format !== 'jsonc' && (format === 'toml' || i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      i = lineEnd(text, i);
      continue;
    }
    if (c === '[' || c === '{') {
      depth += 1;
      if (depth > limit) return i;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth -= 1;
    }
    i += 1;
  }
  return undefined;
}

/**
 * A YAML quote opens a string only where a scalar starts (`don't` is plain text); reading one
 * that does not as a string would hide the brackets after it from the count.
 */
function opensString(text: string, at: number, format: ConfigFormat): boolean {
  return format !== 'yaml' || at === 0 || ' \t\r\n[{,:-?'.includes(text[at - 1] ?? ' ');
}

/** Index just past the `quote` that closes a string whose text starts at `from` (the end of the text if none). */
function closing(text: string, from: number, quote: string, escapes: boolean): number {
  let at = from;
  for (;;) {
    const end = text.indexOf(quote, at);
    if (end === -1) return text.length;
    let backslashes = 0;
    if (escapes) for (let j = end - 1; j >= from && text[j] === '\\'; j -= 1) backslashes += 1;
    if (backslashes % 2 === 0) return end + quote.length;
    at = end + 1;
  }
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}
