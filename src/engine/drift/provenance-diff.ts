import type { ItemChange } from './drift-types.js';
import { ItemFindings } from './item-findings.js';

/**
 * Drift of the program that serves a surface (issue 17). A provenance record (surface.ts,
 * written by src/host/provenance/) says which package and version, which file by SHA-256, which
 * image digest or which URL ran. Only its identity decides: where it was found and its note
 * may differ between two starts of the same program (a pinned spec installs into another npx
 * folder), and such a difference is recorded, never held.
 */

type Rec = Record<string, unknown>;

const isRecord = (value: unknown): value is Rec => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The fields that name the program itself, per kind; everything else in a record only describes it. */
export function provenanceIdentity(value: unknown): Rec {
  if (!isRecord(value)) return { invalid: true };
  const pick = (...keys: string[]): Rec => Object.fromEntries([['kind', value.kind], ...keys.map((k) => [k, value[k] ?? null])]);
  switch (value.kind) {
    case 'npm':
      return pick('package', 'version', 'integrity');
    case 'python':
      return pick('package', 'version');
    case 'file': {
      const interpreter = isRecord(value.interpreter) ? (value.interpreter.sha256 ?? null) : null;
      return { ...pick('sha256', 'package'), interpreter };
    }
    case 'container':
      return pick('image', 'digest');
    case 'remote':
      return pick('url');
    case 'unknown':
      return pick('command');
    default:
      return value;
  }
}

/** One line naming the program: "npm @vendor/server 1.4.2", "file ~/bin/server sha256:ab12cd34…". */
export function describeProvenance(value: unknown): string {
  if (!isRecord(value)) return 'an unreadable provenance record';
  switch (value.kind) {
    case 'npm':
    case 'python': {
      const version = str(value.version) ?? 'version unknown';
      return `${value.kind} ${str(value.package) ?? '?'} ${version}`;
    }
    case 'file': {
      const pkg = isRecord(value.package) ? ` (${str(value.package.name) ?? '?'} ${str(value.package.version) ?? ''})`.replace(' )', ')') : '';
      return `file ${str(value.path) ?? '?'}${pkg} ${shortDigest(value.sha256)}`;
    }
    case 'container':
      return `image ${str(value.image) ?? '?'} ${value.digest ? shortDigest(value.digest) : '(digest unknown)'}`;
    case 'remote':
      return `remote ${str(value.url) ?? '?'}`;
    case 'unknown':
      return `command ${str(value.command) ?? '?'} (not resolved)`;
    default:
      return `${str(value.kind) ?? 'unknown'} program`;
  }
}

/** "sha256:ab12cd34ef56…": enough to tell two files apart in a sentence; the record keeps the whole digest. */
export function shortDigest(value: unknown): string {
  const text = str(value);
  if (text === null) return 'sha256 unknown';
  return text.length > 19 ? `${text.slice(0, 19)}…` : text;
}

/** What changed between two records of the same server, in the words a Review item shows. */
function changeText(before: Rec, after: Rec): string {
  if (before.kind !== after.kind) return `the program changed: ${describeProvenance(before)} → ${describeProvenance(after)}`;
  switch (after.kind) {
    case 'npm':
    case 'python': {
      if (before.package !== after.package) return `the package changed: ${describeProvenance(before)} → ${describeProvenance(after)}`;
      const name = str(after.package) ?? '?';
      if (before.version !== after.version) return `${name} ${str(before.version) ?? 'version unknown'} → ${str(after.version) ?? 'version unknown'}`;
      return `${name} ${str(after.version) ?? ''}: same version, different content (integrity ${shortDigest(before.integrity)} → ${shortDigest(after.integrity)})`;
    }
    case 'file': {
      const before_ = provenanceIdentity(before);
      const after_ = provenanceIdentity(after);
      if (before_.sha256 !== after_.sha256) return `script changed: ${shortDigest(before.sha256)} → ${shortDigest(after.sha256)} (${str(after.path) ?? '?'})`;
      if (before_.interpreter !== after_.interpreter) {
        const path = isRecord(after.interpreter) ? (str(after.interpreter.path) ?? '?') : '?';
        return `interpreter changed: ${shortDigest(before_.interpreter)} → ${shortDigest(after_.interpreter)} (${path})`;
      }
      return `the package around the script changed: ${describeProvenance(before)} → ${describeProvenance(after)}`;
    }
    case 'container':
      return `image ${str(after.image) ?? '?'}: ${before.image !== after.image ? `was ${str(before.image) ?? '?'}, ` : ''}digest ${before.digest ? shortDigest(before.digest) : 'unknown'} → ${after.digest ? shortDigest(after.digest) : 'unknown'}`;
    case 'remote':
      return `the URL changed: ${str(before.url) ?? '?'} → ${str(after.url) ?? '?'}`;
    default:
      return `the program changed: ${describeProvenance(before)} → ${describeProvenance(after)}`;
  }
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

/**
 * A provenance record in both surfaces whose hashes differ. Another program is high: every call
 * of the server waits (server-controller.ts), since its tools can now do anything.
 */
export function compareProvenance(before: unknown, after: unknown): ItemChange {
  const f = new ItemFindings('provenance', 'provenance');
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  if (sameJson(provenanceIdentity(b), provenanceIdentity(a))) {
    f.add('provenance.detail', 'info', '', before, after, `same program (${describeProvenance(a)}); only where it was found or its note changed, recorded automatically`, true);
    return { kind: 'provenance', key: 'provenance', status: 'cosmetic', findings: f.findings };
  }
  f.add('provenance.changed', 'high', '', before, after, `${changeText(b, a)}; every call to this server waits until you approve the new program`);
  return { kind: 'provenance', key: 'provenance', status: 'changed', findings: f.findings };
}

/**
 * A provenance record where the approved baseline has none: the baseline was approved before
 * Airlock recorded programs. It is recorded without a hold (nothing says the program moved)
 * and the log says so.
 */
export function recordedProvenance(after: unknown): ItemChange {
  const f = new ItemFindings('provenance', 'provenance');
  f.add('provenance.recorded', 'info', '', undefined, after, `recorded for the first time: ${describeProvenance(after)} (the approval predates program pinning)`, true);
  return { kind: 'provenance', key: 'provenance', status: 'cosmetic', findings: f.findings };
}

/** The approved baseline names a program but this start could not say which one ran: fail closed. */
export function missingProvenance(before: unknown): ItemChange {
  const f = new ItemFindings('provenance', 'provenance');
  f.add('provenance.removed', 'high', '', before, undefined, `this start did not say which program ran (approved: ${describeProvenance(before)}); every call to this server waits until you review it`);
  return { kind: 'provenance', key: 'provenance', status: 'removed', findings: f.findings };
}
