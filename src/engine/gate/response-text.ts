/**
 * The strings of a tool result, prompt or resource read, walked without recursion. Every string
 * a server puts in an answer may reach the model (content[].text, structuredContent, resource
 * contents, prompt messages, error messages, and fields a client may show), so all are read,
 * object keys included. Base64 payloads (a resource's `blob`, an image's or audio's `data`) are
 * counted for size only: they are not text a model reads, and random base64 is where loose
 * patterns would fire.
 */
export interface ResponseString {
  text: string;
  /** Base64 payload: counted for size, not read as text. */
  binary: boolean;
}

interface Frame {
  value: unknown;
  binaryKeys: boolean;
}

/** Which keys of an object hold base64 payloads. */
function isBinaryKey(key: string, owner: Record<string, unknown>): boolean {
  if (key === 'blob') return true;
  return key === 'data' && (owner.type === 'image' || owner.type === 'audio');
}

/**
 * Visits every string of a value, in document order for each container's direct members. Stops
 * and returns false once `budget` UTF-16 units have been visited, so a caller can refuse what it
 * did not read; true when the whole value was read.
 */
export function visitResponseStrings(value: unknown, budget: number, visit: (s: ResponseString) => void): boolean {
  let seen = 0;
  const stack: Frame[] = [{ value, binaryKeys: false }];
  const take = (text: string, binary: boolean): boolean => {
    seen += text.length;
    if (seen > budget) return false;
    visit({ text, binary });
    return true;
  };
  while (stack.length > 0) {
    const { value: v, binaryKeys } = stack.pop()!;
    if (typeof v === 'string') {
      if (!take(v, binaryKeys)) return false;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i -= 1) stack.push({ value: v[i], binaryKeys: false });
    } else if (typeof v === 'object' && v !== null) {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      for (const key of keys) if (!take(key, false)) return false;
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        const key = keys[i]!;
        stack.push({ value: record[key], binaryKeys: isBinaryKey(key, record) });
      }
    }
  }
  return true;
}

/**
 * A copy of a value with `rewrite` applied to every text string and key (base64 payloads are
 * kept as they are). Two keys that become equal once rewritten are both kept, the later one
 * suffixed " (2)", " (3)"…, so nothing is silently dropped. No recursion: the value was already
 * bounded in depth when it was read.
 */
export function rewriteResponseStrings(value: unknown, rewrite: (text: string) => string): unknown {
  const root: { value?: unknown } = {};
  const work: Array<{ from: unknown; into: Record<string, unknown> | unknown[]; key: string | number; binary: boolean }> = [{ from: value, into: root as Record<string, unknown>, key: 'value', binary: false }];
  while (work.length > 0) {
    const { from, into, key, binary } = work.pop()!;
    let out: unknown;
    if (typeof from === 'string') {
      out = binary ? from : rewrite(from);
    } else if (Array.isArray(from)) {
      const copy: unknown[] = new Array(from.length);
      from.forEach((item, i) => work.push({ from: item, into: copy, key: i, binary: false }));
      out = copy;
    } else if (typeof from === 'object' && from !== null) {
      // No prototype: a key such as "constructor" is data here, nothing more.
      const copy = Object.create(null) as Record<string, unknown>;
      const record = from as Record<string, unknown>;
      for (const k of Object.keys(record)) {
        let name = rewrite(k);
        for (let n = 2; Object.hasOwn(copy, name); n += 1) name = `${rewrite(k)} (${n})`;
        copy[name] = null;
        work.push({ from: record[k], into: copy, key: name, binary: isBinaryKey(k, record) });
      }
      out = copy;
    } else {
      out = from;
    }
    (into as Record<string | number, unknown>)[key] = out;
  }
  return root.value;
}
