export type ReviewKeyAction = 'up' | 'down' | 'approve' | 'quarantine' | 'once';

const KEYS = new Map<string, ReviewKeyAction>([
  ['ArrowUp', 'up'],
  ['k', 'up'],
  ['ArrowDown', 'down'],
  ['j', 'down'],
  ['y', 'approve'],
  ['n', 'quarantine'],
  ['o', 'once'],
]);

/** What a key does in the Review view, or null. Upper-case Y/N/O do nothing, so a stray Shift never answers. */
export function reviewKeyAction(key: string): ReviewKeyAction | null {
  return KEYS.get(key) ?? null;
}

/** Keys typed into a text field are text, never answers. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}
