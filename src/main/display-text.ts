/**
 * Server and tool names come from upstream servers and client configs, so they are untrusted
 * text: before one reaches a menu or a notification, control and bidirectional-format characters
 * (which could make "read_file" display as something else) are removed and the length is capped.
 */
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

export function plainText(text: string, max = 60): string {
  const clean = text.replace(UNSAFE, '').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Menus treat "&" as a mnemonic marker (Windows, Linux, and Electron's macOS menus alike); "&&" shows one. */
export function menuLabel(text: string, max = 60): string {
  return plainText(text, max).replaceAll('&', '&&');
}
