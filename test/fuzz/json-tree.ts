/**
 * JSON as a syntax tree, so the fuzzer can write what JSON.stringify never does: duplicate
 * keys, "__proto__" keys, escaped keys, raw lone surrogates, nesting thousands deep. The tree
 * knows what a correct strict reader must say about it (depth, duplicates, prototype keys)
 * and what a first-wins and a last-wins reader each see.
 */
export type JsonTree =
  | { kind: 'lit'; text: string }
  /** A string whose raw body (between the quotes) is given as is: escapes, lone surrogates. */
  | { kind: 'str'; raw: string }
  /** Airlock's own request id for the session it is sent to, filled in when rendered. */
  | { kind: 'own-id'; n: number }
  | { kind: 'arr'; items: JsonTree[] }
  | { kind: 'obj'; entries: Array<{ key: string; value: JsonTree }> }
  /** `depth` levels of arrays or one-key objects around `inner`, rendered without recursion. */
  | { kind: 'deep'; depth: number; shape: 'array' | 'object'; inner: JsonTree };

export interface RenderContext {
  /** Session id that own-id nodes use; "0" when the target has no session. */
  session?: string;
  /** Whitespace put between tokens (no "\n", which would end a frame). */
  space?: string;
}

export function render(tree: JsonTree, ctx: RenderContext = {}): string {
  const out: string[] = [];
  const sp = ctx.space ?? '';
  const walk = (node: JsonTree): void => {
    switch (node.kind) {
      case 'lit':
        out.push(node.text);
        return;
      case 'str':
        out.push(`"${node.raw}"`);
        return;
      case 'own-id':
        out.push(JSON.stringify(`airlock-${ctx.session ?? '0'}-${node.n}`));
        return;
      case 'arr':
        out.push('[', sp);
        node.items.forEach((item, i) => {
          if (i > 0) out.push(sp, ',', sp);
          walk(item);
        });
        out.push(sp, ']');
        return;
      case 'obj':
        out.push('{', sp);
        node.entries.forEach((entry, i) => {
          if (i > 0) out.push(sp, ',', sp);
          out.push(`"${entry.key}"`, sp, ':', sp);
          walk(entry.value);
        });
        out.push(sp, '}');
        return;
      case 'deep':
        out.push((node.shape === 'array' ? `[${sp}` : `{${sp}"d"${sp}:${sp}`).repeat(node.depth));
        walk(node.inner);
        out.push((node.shape === 'array' ? `${sp}]` : `${sp}}`).repeat(node.depth));
        return;
    }
  };
  walk(tree);
  return out.join('');
}

/** The key a reader sees once escapes are decoded. */
export function decodeKey(raw: string): string {
  return JSON.parse(`"${raw}"`) as string;
}

export interface TreeFacts {
  depth: number;
  duplicateKey: boolean;
  prototypeKey: boolean;
  /** A string or key holds half of a UTF-16 pair (escaped or raw): not Unicode text. */
  loneSurrogate: boolean;
}

const isLoneSurrogateText = (decoded: string): boolean => /\p{Cs}/u.test(decoded);

/** Depth (arrays and objects count one each), and whether any object repeats a key or has "__proto__". */
export function factsOf(tree: JsonTree): TreeFacts {
  const facts: TreeFacts = { depth: 0, duplicateKey: false, prototypeKey: false, loneSurrogate: false };
  const walk = (node: JsonTree, depth: number): void => {
    switch (node.kind) {
      case 'arr':
        facts.depth = Math.max(facts.depth, depth + 1);
        for (const item of node.items) walk(item, depth + 1);
        return;
      case 'obj': {
        facts.depth = Math.max(facts.depth, depth + 1);
        const seen = new Set<string>();
        for (const { key, value } of node.entries) {
          const decoded = decodeKey(key);
          if (decoded === '__proto__') facts.prototypeKey = true;
          if (isLoneSurrogateText(decoded)) facts.loneSurrogate = true;
          if (seen.has(decoded)) facts.duplicateKey = true;
          seen.add(decoded);
          walk(value, depth + 1);
        }
        return;
      }
      case 'deep':
        facts.depth = Math.max(facts.depth, depth + node.depth);
        walk(node.inner, depth + node.depth);
        return;
      case 'str':
        if (isLoneSurrogateText(decodeKey(node.raw))) facts.loneSurrogate = true;
        return;
      case 'lit':
        if (node.text.startsWith('"') && isLoneSurrogateText(JSON.parse(node.text) as string)) facts.loneSurrogate = true;
        return;
      default:
        return;
    }
  };
  walk(tree, 0);
  return facts;
}

/**
 * The value a reader sees that keeps the first (or the last) of duplicate keys; "__proto__"
 * becomes a plain own property. Deep nodes are cut off (their inside is never a message field).
 */
export function valueOf(tree: JsonTree, wins: 'first' | 'last', ctx: RenderContext = {}): unknown {
  switch (tree.kind) {
    case 'lit':
    case 'str':
    case 'own-id':
      return JSON.parse(render(tree, ctx));
    case 'arr':
      return tree.items.map((item) => valueOf(item, wins, ctx));
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const { key, value } of tree.entries) {
        const decoded = decodeKey(key);
        if (wins === 'first' && Object.hasOwn(out, decoded)) continue;
        Object.defineProperty(out, decoded, { value: valueOf(value, wins, ctx), enumerable: true, configurable: true, writable: true });
      }
      return out;
    }
    case 'deep':
      return { deep: tree.depth };
  }
}

/** A tree for a plain JS value (no duplicates: it comes from an object). */
export function treeOf(value: unknown): JsonTree {
  if (Array.isArray(value)) return { kind: 'arr', items: value.map(treeOf) };
  if (typeof value === 'object' && value !== null) {
    return { kind: 'obj', entries: Object.entries(value).map(([key, v]) => ({ key: JSON.stringify(key).slice(1, -1), value: treeOf(v) })) };
  }
  if (value === undefined) return { kind: 'lit', text: 'null' };
  return { kind: 'lit', text: JSON.stringify(value) };
}

/** Every object node, in document order (deep nodes not entered). */
export function objectNodes(tree: JsonTree): Array<Extract<JsonTree, { kind: 'obj' }>> {
  const found: Array<Extract<JsonTree, { kind: 'obj' }>> = [];
  const walk = (node: JsonTree): void => {
    if (node.kind === 'obj') {
      found.push(node);
      for (const entry of node.entries) walk(entry.value);
    } else if (node.kind === 'arr') {
      for (const item of node.items) walk(item);
    }
  };
  walk(tree);
  return found;
}
