/**
 * JSON.parse and structured clone keep a "__proto__" key as an own property, but zod (and any
 * copy by assignment) drops it silently: a parameter the user sent would vanish instead of being
 * refused. Every HostApi request is checked for one before its schema runs.
 */

/** Where the first own "__proto__" key in a value is (e.g. `env.__proto__`), or null. Walked without recursion. */
export function prototypeKeyPath(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0) {
    const [item, where] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (Array.isArray(item)) {
      item.forEach((child, i) => stack.push([child, `${where}[${i}]`]));
      continue;
    }
    if (Object.hasOwn(item, '__proto__')) return where === '' ? '__proto__' : `${where}.__proto__`;
    for (const [key, child] of Object.entries(item)) stack.push([child, where === '' ? key : `${where}.${key}`]);
  }
  return null;
}
