import { fileURLToPath } from 'node:url';
import type { CrashReport } from '../../shared/host-api/index.js';
import { relativeOrPath, scrubNamesOnly, usablePackageRoot, type ScrubContext } from './crash-scrub.js';

type Frame = CrashReport['error']['stack'][number];

export const MAX_FRAMES = 30;
const FUNCTION_NAME = /^[A-Za-z0-9_$.<>[\] -]{1,120}$/;

/**
 * The frames of a V8 stack, each reduced to a function name and a place: a file of Airlock's
 * package relative to it, or `<node>`, `<native>`, `<external>`. The lines before the frames
 * repeat the message, which may hold anything, so they are skipped, never parsed.
 */
export function stackFrames(error: { stack?: unknown; message?: unknown; name?: unknown }, context: ScrubContext): Frame[] {
  if (typeof error.stack !== 'string') return [];
  const stack = error.stack.length > 65_536 ? error.stack.slice(0, 65_536) : error.stack;
  const header = `${String(error.name)}: ${String(error.message)}`;
  const body = stack.startsWith(header) ? stack.slice(header.length) : stack.split('\n').slice(String(error.message).split('\n').length).join('\n');
  const frames: Frame[] = [];
  for (const line of body.split('\n')) {
    const match = /^\s+at (.*)$/.exec(line);
    if (!match?.[1]) continue;
    frames.push(frame(match[1], context));
    if (frames.length >= MAX_FRAMES) break;
  }
  return frames;
}

function frame(text: string, context: ScrubContext): Frame {
  // "fn (location)", or a bare location for an anonymous top-level frame.
  const withName = /^(.*?) \((.*)\)$/.exec(text);
  const name = withName ? withName[1]! : null;
  const location = withName ? withName[2]! : text;
  const at = place(location, context);
  // Names of code outside Airlock (a server's, a dependency's) can be built from data, as with a
  // computed method name; only Airlock's own frames and the runtime's keep theirs.
  const ours = at !== '<external>' || location === '<anonymous>';
  return { function: ours ? functionName(name, context) : null, at };
}

function functionName(name: string | null, context: ScrubContext): string | null {
  if (name === null || !FUNCTION_NAME.test(name)) return null;
  // A function name is code, but code can be named after a server, or built from a value.
  return scrubNamesOnly(name, context) === name && !/[A-Za-z0-9_$]{32,}/.test(name) ? name : null;
}

function place(location: string, context: ScrubContext): string {
  if (location === 'native') return '<native>';
  if (location.startsWith('node:')) return '<node>';
  const match = /^(.*):(\d{1,7}):(\d{1,7})$/.exec(location);
  const root = usablePackageRoot(context);
  if (!match || root === undefined) return '<external>';
  let file = match[1]!;
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file);
    } catch {
      return '<external>';
    }
  }
  const sep = file.includes('\\') && !file.includes('/') ? '\\' : '/';
  if (!file.toLowerCase().startsWith(`${root}${sep}`.toLowerCase()) && !file.startsWith(`${root.replaceAll('\\', '/')}/`)) return '<external>';
  const relative = relativeOrPath(file.slice(root.length + 1), context);
  return relative === '<path>' ? '<external>' : `${relative}:${match[2]}:${match[3]}`;
}
