import path from 'node:path';

/**
 * What a server's command launches, read from its words: a package runner and the package spec
 * it was given, an interpreter and its script, a container image, or a program. Only the spec,
 * script path or image is ever taken from the arguments: every other argument may carry a token.
 */
export type Launch =
  | { kind: 'npm'; runner: NpmRunner; spec: string; specIndex: number }
  | { kind: 'python'; runner: PythonRunner; spec: string; specIndex: number }
  | { kind: 'script'; interpreter: string; script: string }
  | { kind: 'program'; command: string }
  | { kind: 'container'; runtime: 'docker' | 'podman'; image: string }
  | { kind: 'unknown'; reason: string };

export type NpmRunner = 'npx' | 'npm exec' | 'pnpm dlx' | 'bunx';
export type PythonRunner = 'uvx' | 'uv tool run' | 'pipx run';

/** The command's own name, without a Windows launcher's extension. */
export function commandName(command: string): string {
  return path.basename(command).replace(/\.(cmd|exe|bat|ps1)$/i, '').toLowerCase();
}

/** Options of each runner that take the next word as their value (so it is not the spec). */
const NPX_VALUE_OPTIONS = new Set(['--package', '-p', '--registry', '--cache', '--userconfig', '--prefix', '-w', '--workspace', '--node-options', '--shell']);
const UV_VALUE_OPTIONS = new Set(['--with', '-w', '--with-requirements', '--python', '-p', '--index-url', '-i', '--extra-index-url', '--index', '--default-index', '--cache-dir', '--directory', '--project', '--config-file', '--env-file', '--constraints', '-c', '--overrides', '--find-links', '-f', '--python-platform']);
const PIPX_VALUE_OPTIONS = new Set(['--python', '--pip-args', '--index-url', '-i', '--backend']);
const NODE_VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--title', '--stack-size', '--input-type']);
const PYTHON_VALUE_OPTIONS = new Set(['-W', '-X', '-Q']);
const DOCKER_VALUE_OPTIONS = new Set([
  '-e', '--env', '--env-file', '-v', '--volume', '--mount', '--name', '-p', '--publish', '--network', '--net', '-w', '--workdir', '--entrypoint', '-u', '--user',
  '-l', '--label', '--label-file', '--platform', '--cpus', '-m', '--memory', '--memory-swap', '--add-host', '--cap-add', '--cap-drop', '--device', '--dns', '--hostname', '-h',
  '--ipc', '--pid', '--pull', '--restart', '--runtime', '--security-opt', '--shm-size', '--stop-signal', '--stop-timeout', '--tmpfs', '--ulimit', '--cidfile', '--log-driver',
  '--log-opt', '--gpus', '--group-add', '--init-path', '--mac-address', '--cgroupns', '--userns', '--uts', '--isolation', '--health-cmd', '--link', '--volumes-from', '-a', '--attach',
]);

/** The index of the first word that is not an option (or an option's value); -1 when none. */
function firstOperand(args: readonly string[], from: number, valueOptions: ReadonlySet<string>): number {
  for (let i = from; i < args.length; i += 1) {
    const word = args[i] as string;
    if (word === '--') return i + 1 < args.length ? i + 1 : -1;
    if (word.startsWith('-') && word !== '-') {
      if (!word.includes('=') && valueOptions.has(word)) i += 1;
      continue;
    }
    return i;
  }
  return -1;
}

/** The value of `--name VALUE` or `--name=VALUE` before the first operand, with the index of the value. */
function optionValue(args: readonly string[], names: readonly string[], until: number): { value: string; index: number } | null {
  const end = until < 0 ? args.length : until;
  for (let i = 0; i < end; i += 1) {
    const word = args[i] as string;
    for (const name of names) {
      if (word === name && i + 1 < args.length) return { value: args[i + 1] as string, index: i + 1 };
      if (word.startsWith(`${name}=`)) return { value: word.slice(name.length + 1), index: i };
    }
  }
  return null;
}

export function readLaunch(command: string, args: readonly string[]): Launch {
  const name = commandName(command);
  if (name === 'npx' || (name === 'npm' && (args[0] === 'exec' || args[0] === 'x')) || name === 'bunx' || (name === 'bun' && args[0] === 'x') || (name === 'pnpm' && args[0] === 'dlx')) {
    const runner: NpmRunner = name === 'npx' ? 'npx' : name === 'npm' ? 'npm exec' : name === 'pnpm' ? 'pnpm dlx' : 'bunx';
    const from = name === 'npx' || name === 'bunx' ? 0 : 1;
    const operand = firstOperand(args, from, NPX_VALUE_OPTIONS);
    const pkg = optionValue(args, ['--package', '-p'], operand);
    if (pkg) return { kind: 'npm', runner, spec: pkg.value, specIndex: pkg.index };
    if (operand < 0) return { kind: 'unknown', reason: `${runner} names no package` };
    return { kind: 'npm', runner, spec: args[operand] as string, specIndex: operand };
  }
  if (name === 'uvx' || (name === 'uv' && args[0] === 'tool' && args[1] === 'run') || (name === 'pipx' && args[0] === 'run')) {
    const runner: PythonRunner = name === 'uvx' ? 'uvx' : name === 'uv' ? 'uv tool run' : 'pipx run';
    const from = name === 'uvx' ? 0 : name === 'uv' ? 2 : 1;
    const operand = firstOperand(args, from, name === 'pipx' ? PIPX_VALUE_OPTIONS : UV_VALUE_OPTIONS);
    const spec = optionValue(args, name === 'pipx' ? ['--spec'] : ['--from'], operand);
    if (spec) return { kind: 'python', runner, spec: spec.value, specIndex: spec.index };
    if (operand < 0) return { kind: 'unknown', reason: `${runner} names no package` };
    return { kind: 'python', runner, spec: args[operand] as string, specIndex: operand };
  }
  if (name === 'docker' || name === 'podman') {
    if (args[0] !== 'run') return { kind: 'unknown', reason: `${name} ${args[0] ?? ''} is not "${name} run IMAGE"`.trim() };
    const operand = firstOperand(args, 1, DOCKER_VALUE_OPTIONS);
    if (operand < 0) return { kind: 'unknown', reason: `${name} run names no image` };
    return { kind: 'container', runtime: name, image: args[operand] as string };
  }
  if (/^(node|nodejs|bun|deno)$/.test(name) || /^python(\d+(\.\d+)?)?$/.test(name) || /^(ruby|perl|php|bash|sh|zsh)$/.test(name)) {
    const python = name.startsWith('python');
    const inline = python ? ['-c', '-m'] : ['-e', '--eval', '-p', '--print', '-c'];
    const valueOptions = python ? PYTHON_VALUE_OPTIONS : NODE_VALUE_OPTIONS;
    const operand = firstOperand(args, name === 'bun' && args[0] === 'run' ? 1 : name === 'deno' && args[0] === 'run' ? 1 : 0, valueOptions);
    const before = operand < 0 ? args : args.slice(0, operand);
    if (before.some((word) => inline.includes(word))) return { kind: 'unknown', reason: `${name} runs inline code or a module (${python ? '-c/-m' : '-e/-p'}), not a script file` };
    if (operand < 0) return { kind: 'unknown', reason: `${name} is given no script` };
    return { kind: 'script', interpreter: command, script: args[operand] as string };
  }
  return { kind: 'program', command };
}

/** An npm spec's package name: "@scope/name@1.2.3" → "@scope/name"; null when the spec is not a registry name. */
export function npmPackageName(spec: string): string | null {
  const match = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)(?:@(.*))?$/i.exec(spec);
  return match ? (match[1] as string) : null;
}

/** The version an npm spec names exactly ("1.4.2"), or null for a range, a tag or no version. */
export function npmExactVersion(spec: string): string | null {
  const name = npmPackageName(spec);
  if (name === null || spec.length === name.length) return null;
  const version = spec.slice(name.length + 1);
  return /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version) ? version.replace(/^v/, '') : null;
}

/** A Python spec's distribution name: "mcp-server-git==1.2" → "mcp-server-git"; null when not a plain name. */
export function pythonPackageName(spec: string): string | null {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?(?:(?:==|@|>=|<=|~=|>|<|!=).*)?$/.exec(spec);
  return match ? (match[1] as string) : null;
}

/** The version a Python spec pins exactly ("pkg==1.2.3" or uvx's "pkg@1.2.3"), or null. */
export function pythonExactVersion(spec: string): string | null {
  const match = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]]*\])?(?:==|@)([0-9][0-9A-Za-z.+!-]*)$/.exec(spec);
  return match ? (match[1] as string) : null;
}
