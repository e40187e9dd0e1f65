import { appendAuditEvent } from '../../engine/audit/index.js';
import { describeProvenance } from '../../engine/drift/provenance-diff.js';
import { getServerConfig, putServerConfig, type ServerConfig } from '../../engine/store/server-configs.js';
import type { Store } from '../../engine/store/index.js';
import type { Provenance } from '../../engine/surface.js';
import { npmExactVersion, npmPackageName, pythonExactVersion, pythonPackageName, readLaunch } from './launch-words.js';

export class PinRefusedError extends Error {
  override name = 'PinRefusedError';
}

/** Whether a server's registered command names its program exactly, so nothing upgrades it behind the user's back. */
export type PinStatus = 'pinned' | 'unpinned' | 'not-a-package';

export function pinStatus(config: Pick<ServerConfig, 'command' | 'args' | 'remote'>): PinStatus {
  if (config.remote) return 'not-a-package';
  const launch = readLaunch(config.command, config.args);
  if (launch.kind === 'npm') return npmExactVersion(launch.spec) !== null ? 'pinned' : 'unpinned';
  if (launch.kind === 'python') return pythonExactVersion(launch.spec) !== null ? 'pinned' : 'unpinned';
  return 'not-a-package';
}

/** The program the server's approved baseline names, if any. */
export function approvedProvenance(store: Store, server: string): Provenance | null {
  const record = store.getServer(server);
  if (!record || record.generation === 0) return null;
  return store.getBaseline(server, record.generation)?.surface.provenance ?? null;
}

export interface PinResult {
  server: string;
  from: string;
  to: string;
  args: string[];
}

/**
 * The args with the package spec rewritten to the approved exact version (`-y pkg` → `-y
 * pkg@1.4.2`), every other argument kept as it is. Refuses, saying why and what to do, when
 * the command runs no package, when no approved version is known, or when it is pinned already.
 */
export function pinnedArgs(config: ServerConfig, approved: Provenance | null): PinResult {
  const name = config.name;
  if (config.remote) throw new PinRefusedError(`"${name}" is a remote server: there is no package version to pin; Airlock pins its URL and what it says about itself`);
  const launch = readLaunch(config.command, config.args);
  if (launch.kind !== 'npm' && launch.kind !== 'python') {
    throw new PinRefusedError(`"${name}" does not run a package through npx, pnpm dlx, bunx, uvx or pipx run, so there is no version to pin; Airlock pins its program by ${launch.kind === 'container' ? 'image digest' : 'file hash'} instead`);
  }
  const spec = launch.spec;
  const pkg = launch.kind === 'npm' ? npmPackageName(spec) : pythonPackageName(spec);
  if (pkg === null) throw new PinRefusedError(`"${name}" runs ${JSON.stringify(spec)}, which is not a registry package name; there is no version to pin`);
  const version = approved && approved.kind === launch.kind && samePackage(launch.kind, approved.package, pkg) && typeof approved.version === 'string' ? approved.version : null;
  if (version === null) {
    const what = approved ? `the approved program is ${describeProvenance(approved)}` : 'no program has been approved for it yet';
    throw new PinRefusedError(`"${name}" cannot be pinned yet: ${what}. Start it once (connect a client), approve what it runs (airlock review ${name}), then pin it`);
  }
  const requirement = launch.kind === 'python' && (launch.runner === 'pipx run' || /^--(from|spec)$/.test(config.args[launch.specIndex - 1] ?? '') || /^--(from|spec)=/.test(config.args[launch.specIndex] ?? ''));
  const to = launch.kind === 'npm' ? `${pkg}@${version}` : pythonSpec(spec, pkg, version, requirement);
  if (to === spec) throw new PinRefusedError(`"${name}" is already pinned to ${spec}`);
  const args = [...config.args];
  const word = args[launch.specIndex] as string;
  // `--package=pkg` and `--from=pkg` keep their option; a separate word is replaced whole.
  args[launch.specIndex] = word === spec ? to : `${word.slice(0, word.length - spec.length)}${to}`;
  return { server: name, from: spec, to, args };
}

const samePackage = (kind: string, approved: unknown, spec: string): boolean =>
  typeof approved === 'string' && (kind === 'python' ? approved.toLowerCase().replace(/[-_.]+/g, '-') === spec.toLowerCase().replace(/[-_.]+/g, '-') : approved === spec);

/** uvx takes `pkg@1.2.3`; `--from`, `--spec` and pipx take a requirement, `pkg==1.2.3`. Extras are kept. */
function pythonSpec(spec: string, pkg: string, version: string, requirement: boolean): string {
  const extras = /^[^[]*(\[[^\]]*\])/.exec(spec)?.[1] ?? '';
  return `${pkg}${extras}${requirement ? '==' : '@'}${version}`;
}

/**
 * `airlock servers pin` and the Servers view's Pin: rewrites the registered command to the
 * approved exact version and logs it, in one store transaction. The next start runs that
 * version, which is the approved program, so nothing is held.
 */
export function pinServer(store: Store, server: string): PinResult {
  return store.transaction(() => {
    const config = getServerConfig(store, server);
    if (!config) throw new PinRefusedError(`there is no server named "${server}"; see them with: airlock servers list`);
    const approved = approvedProvenance(store, server);
    const result = pinnedArgs(config, approved);
    const launch = readLaunch(config.command, config.args);
    const version = approved && typeof approved.version === 'string' ? approved.version : null;
    putServerConfig(store, { ...config, args: result.args });
    // The spec only: other arguments can hold tokens (like server.added, which logs the command alone).
    appendAuditEvent(store, { type: 'server.pinned', server, detail: { runner: launch.kind === 'npm' || launch.kind === 'python' ? launch.runner : null, from: result.from, to: result.to, version } });
    return result;
  });
}
