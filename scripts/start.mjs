#!/usr/bin/env node
// `npm start`: the desktop app when an Electron runtime is on this machine, else the headless
// Host (`airlock serve --open`) with the same window in the browser. Node builtins only.
// Either way it runs in the foreground until Ctrl-C, which it passes on once.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NO_ELECTRON = 'No Electron runtime on this machine (its binary could not be downloaded); starting the headless Airlock host with the window in your browser instead.';

/**
 * The Electron binary the `electron` package would run, if it is there. Read from its path.txt
 * rather than by loading the package: loading it tries to download a missing binary.
 */
function electronRuntime() {
  const pkg = path.join(ROOT, 'node_modules', 'electron');
  let relative = '';
  try {
    relative = fs.readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
  } catch {
    // no path.txt: the binary was never installed
  }
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  const binary = relative && path.join(pkg, 'dist', relative);
  return binary && fs.existsSync(binary) ? binary : undefined;
}

/** The newest modification time of any file under these folders of the repository. */
function newestMtime(dirs) {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/** Runs a build step when its output is missing or older than its sources, so `npm start` never serves stale code. */
function buildIfStale(output, sources, script, args) {
  const out = path.join(ROOT, output);
  if (fs.existsSync(out) && fs.statSync(out).mtimeMs >= newestMtime(sources)) return;
  const result = spawnSync(process.execPath, [path.join(ROOT, script), ...args], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`npm start: building ${output} failed (see above); fix it and run npm start again.\n`);
    process.exit(result.status ?? 1);
  }
}

/**
 * Runs a command in the foreground and exits with its code. Ctrl-C reaches this process twice
 * under npm (from the terminal, and forwarded by npm), so on POSIX the child gets a process
 * group of its own and each signal is passed on once; another one a second later is a user's
 * second Ctrl-C and is passed on too (serve then stops without waiting for in-flight calls).
 * On Windows the console delivers Ctrl-C to the child itself.
 */
function runForeground(command, args) {
  const posix = process.platform !== 'win32';
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], detached: posix });
  let lastForwarded = 0;
  const forward = (signal) => {
    if (!posix || child.exitCode !== null || Date.now() - lastForwarded < 1_000) return;
    lastForwarded = Date.now();
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => forward(signal));
  // Should this script die first, the child (in its own group) must not be left running.
  process.on('exit', () => {
    if (posix && child.exitCode === null && child.signalCode === null) forward('SIGTERM');
  });
  child.on('error', (error) => {
    process.stderr.write(`npm start: could not run ${command}: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = electronRuntime();
if (electron) {
  // electron-vite preview builds main, preload and renderer, then starts Electron on out/main.
  runForeground(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'preview']);
} else {
  process.stdout.write(`${NO_ELECTRON}\n`);
  buildIfStale('dist/cli/main.js', ['src/engine', 'src/proxy', 'src/clients', 'src/host', 'src/cli', 'src/shared'], 'node_modules/typescript/bin/tsc', ['-p', 'tsconfig.node.json']);
  buildIfStale('out/renderer/index.html', ['src'], 'node_modules/electron-vite/bin/electron-vite.js', ['build']);
  runForeground(process.execPath, [path.join(ROOT, 'bin', 'airlock.js'), 'serve', '--open']);
}
