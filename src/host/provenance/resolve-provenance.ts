import type { ServerConfig } from '../../engine/store/server-configs.js';
import type { Provenance } from '../../engine/surface.js';
import { findImageDigest } from './container-image.js';
import { fileDigest, findCommand, findFile, packageAround, shownPath } from './file-digest.js';
import { commandName, readLaunch } from './launch-words.js';
import { findNpmPackage } from './npm-package.js';
import { findPythonPackage } from './python-package.js';

/** Where a stdio server was started: its cwd, and the environment it got (whose PATH found the command). */
export interface LaunchPlace {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The program a server's command ran (issue 17), as a small record of allow-listed fields: a
 * package name and version, a file digest, an image digest, a URL. Never an argument other
 * than the package spec, script or image, never an env value. Read from disk after the server
 * started (npx installs on first run), never from a registry. Never throws: what cannot be
 * resolved becomes a record that says so, which is itself pinned.
 */
export function resolveProvenance(config: Pick<ServerConfig, 'command' | 'args' | 'remote'>, place: LaunchPlace | null): Provenance {
  try {
    if (config.remote) return remoteProvenance(config.remote.url);
    if (!place) return { kind: 'unknown', command: commandName(config.command), note: 'where the server was started is not known' };
    return stdioProvenance(config.command, config.args, place);
  } catch (error) {
    return { kind: 'unknown', command: commandName(config.command), note: `could not be resolved: ${(error as Error).message.slice(0, 200)}` };
  }
}

/** A remote server: its URL without credentials, query or fragment (which may carry a key). */
export function remoteProvenance(url: string): Provenance {
  try {
    const parsed = new URL(url);
    const dropped = parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '';
    return { kind: 'remote', url: `${parsed.protocol}//${parsed.host}${parsed.pathname}`, ...(dropped ? { note: 'credentials, query and fragment are not recorded' } : {}) };
  } catch {
    return { kind: 'unknown', command: 'remote', note: 'the URL cannot be read' };
  }
}

function stdioProvenance(command: string, args: readonly string[], { cwd, env }: LaunchPlace): Provenance {
  const launch = readLaunch(command, args);
  switch (launch.kind) {
    case 'npm': {
      const found = findNpmPackage(launch.runner, launch.spec, cwd, env);
      const name = /^((?:@[^/@]+\/)?[^@]+)/.exec(launch.spec)?.[1] ?? launch.spec;
      return { kind: 'npm', runner: launch.runner, package: name, version: found.version, integrity: found.integrity, source: found.source, note: found.note };
    }
    case 'python': {
      const found = findPythonPackage(launch.runner, launch.spec, env);
      return { kind: 'python', runner: launch.runner, package: found.package ?? launch.spec, version: found.version, note: found.note };
    }
    case 'container': {
      const found = findImageDigest(launch.runtime, launch.image, env);
      return { kind: 'container', runtime: launch.runtime, image: launch.image, digest: found.digest, note: found.note };
    }
    case 'script': {
      const interpreterPath = findCommand(launch.interpreter, cwd, env.PATH ?? env.Path);
      const scriptPath = findFile(launch.script, cwd);
      if (scriptPath === null) return { kind: 'unknown', command: commandName(command), note: `the script ${JSON.stringify(launch.script)} was not found from ${shownPath(cwd)}` };
      const script = fileDigest(scriptPath);
      const interpreter = interpreterPath === null ? { path: launch.interpreter, sha256: null } : { path: shownPath(interpreterPath), sha256: fileDigest(interpreterPath).sha256 };
      return fileRecord(scriptPath, script, interpreter);
    }
    case 'program': {
      const found = findCommand(launch.command, cwd, env.PATH ?? env.Path);
      if (found === null) return { kind: 'unknown', command: commandName(command), note: `${JSON.stringify(launch.command)} was not found on the server's PATH` };
      return fileRecord(found, fileDigest(found), null);
    }
    case 'unknown':
      return { kind: 'unknown', command: commandName(command), note: launch.reason };
  }
}

function fileRecord(file: string, digest: ReturnType<typeof fileDigest>, interpreter: { path: string; sha256: string | null } | null): Provenance {
  const pkg = packageAround(file);
  return {
    kind: 'file',
    path: shownPath(file),
    sha256: digest.sha256,
    ...(interpreter ? { interpreter } : {}),
    ...(pkg ? { package: pkg } : {}),
    ...(digest.sha256 === null ? { note: `the file ${digest.problem}` } : {}),
  };
}
