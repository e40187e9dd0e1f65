import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Types only: zod and the HostApi schemas stay out of `airlock connect`, which keeps reports too.
import type { CrashComponent, CrashKind, CrashReport } from '../../shared/host-api/index.js';
import type { RuleId } from '../../engine/gate/verdict.js';
import { scrubNamesOnly, scrubText, type ScrubContext } from './crash-scrub.js';
import { stackFrames } from './crash-stack.js';

/** What the caller knows when something crashed; everything else the builder finds out itself. */
export interface CrashContext {
  component: CrashComponent;
  /** `failure` when the component failed but the process lived on; a crash otherwise. */
  kind?: CrashKind;
  /** The gate rule that was running, when known. */
  rule?: RuleId;
  /** The Host's registered server names: removed from the report (the builder cannot know them). */
  serverNames?: readonly string[];
  /** The Airlock home, removed from the report. */
  airlockHome?: string;
  /** Defaults: this process's user, package and runtime (tests pass their own). */
  userHome?: string;
  userName?: string;
  packageRoot?: string;
  airlockVersion?: string;
  runtime?: { platform: string; arch: string; node: string };
}

/** A report before it is counted: the store adds count, firstSeen and lastSeen. */
export type BuiltCrashReport = Omit<CrashReport, 'count' | 'firstSeen' | 'lastSeen'>;

const CLASS_NAME = /^[A-Z][A-Za-z0-9_]{0,63}$/;
const FINGERPRINT_FRAMES = 5;

/**
 * The allow-listed payload of a crash: versions, the error's class (when it has the shape of a
 * class name), its message scrubbed, its stack made relative to Airlock's package, the component
 * and the gate rule. Arguments, answers, the environment, server names and configs have no field.
 */
export function buildCrashReport(error: unknown, context: CrashContext): BuiltCrashReport {
  const scrub = scrubContext(context);
  const isError = typeof error === 'object' && error !== null;
  const raw = error as { name?: unknown; message?: unknown; stack?: unknown; constructor?: { name?: unknown } };
  const name = isError ? (typeof raw.name === 'string' ? raw.name : typeof raw.constructor?.name === 'string' ? raw.constructor.name : null) : null;
  const className = name !== null && CLASS_NAME.test(name) && scrubNamesOnly(name, scrub) === name && scrubText(name, scrub) === name ? name : null;
  const message = isError ? (typeof raw.message === 'string' ? raw.message : '') : typeof error === 'string' ? error : `a ${error === null ? 'null' : typeof error} value was thrown`;
  const stack = isError ? stackFrames(raw, scrub) : [];
  const scrubbed = scrubText(message, scrub);
  const runtime = context.runtime ?? { platform: process.platform, arch: process.arch, node: process.versions.node };
  // The same crash is the same fingerprint: its place in the code, not its (scrubbed) words,
  // unless there is no stack to go by. A failure is never the same as a crash (and a crash's id
  // stays what it was before failures were kept).
  const basis = [context.component, ...(context.kind === 'failure' ? ['failure'] : []), className ?? '', ...(stack.length > 0 ? stack.slice(0, FINGERPRINT_FRAMES).map((f) => `${f.function ?? ''}@${f.at.replace(/:\d+:\d+$/, '')}`) : [scrubbed])].join('\u0000');
  const digest = createHash('sha256').update(basis).digest('hex');
  const report: BuiltCrashReport = {
    format: 'airlock-crash-report/1',
    id: digest.slice(0, 16),
    fingerprint: `sha256:${digest}`,
    airlockVersion: safeToken(context.airlockVersion ?? airlockPackage().version, '0.0.0'),
    runtime: { platform: safeToken(runtime.platform, 'unknown'), arch: safeToken(runtime.arch, 'unknown'), node: safeToken(runtime.node, 'unknown') },
    component: context.component,
    ...(context.kind === 'failure' ? { kind: 'failure' as const } : {}),
    rule: context.rule ?? null,
    error: { class: className, message: scrubbed, stack },
  };
  // Every field above is built from allow-listed parts; the strict schema checks it again where it
  // is written by the Host and the app (crashReportText), and wherever a report is read or shown.
  return report;
}

export function scrubContext(context: CrashContext): ScrubContext {
  return {
    userHome: context.userHome ?? os.homedir(),
    userName: context.userName ?? currentUserName(),
    ...(context.airlockHome ? { airlockHome: path.resolve(context.airlockHome) } : {}),
    ...(context.packageRoot ?? airlockPackage().root ? { packageRoot: context.packageRoot ?? airlockPackage().root! } : {}),
    serverNames: context.serverNames ?? [],
  };
}

function currentUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

function safeToken(value: string, fallback: string): string {
  return /^[0-9A-Za-z.+_-]{1,40}$/.test(value) ? value : fallback;
}

let found: { root: string | undefined; version: string } | undefined;

/** Airlock's package folder and version: the nearest package.json named mcp-airlock above this file. */
export function airlockPackage(): { root: string | undefined; version: string } {
  if (found) return found;
  found = { root: undefined, version: '0.0.0' };
  try {
    let dir = path.dirname(fileURLToPath(import.meta.url));
    for (let i = 0; i < 8; i++) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'mcp-airlock') {
          found = { root: dir, version: typeof pkg.version === 'string' ? pkg.version : '0.0.0' };
          break;
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch {
    // No package found: every frame is <external>, the version 0.0.0.
  }
  return found;
}
