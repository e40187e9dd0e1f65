import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The bundled `airlock connect` the desktop app ships (`npm run build:connect`). */
export const CONNECT_BUNDLE = path.join(ROOT, 'out', 'connect', 'airlock-connect.mjs');

/** The folders whose code the bundle holds: connect imports from these rooms only. */
const SOURCES = ['src/cli', 'src/proxy', 'src/engine', 'src/host/crash-report'].map((dir) => path.join(ROOT, dir));

/**
 * Builds the bundle with package.json's own `build:connect` command when it is missing or older
 * than its sources (`npm test` builds it first; a developer may run vitest alone). It is built
 * in a folder of its own and renamed into place, so test files building it at once never read
 * a half-written file.
 */
export function ensureConnectBundle(): string {
  if (fs.existsSync(CONNECT_BUNDLE) && fs.statSync(CONNECT_BUNDLE).mtimeMs >= newestSource()) return CONNECT_BUNDLE;
  const script = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['build:connect'];
  const [program, ...words] = script?.split(' ') ?? [];
  if (program !== 'rolldown') throw new Error(`package.json's build:connect should run rolldown, not: ${script}`);
  fs.mkdirSync(path.dirname(CONNECT_BUNDLE), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(CONNECT_BUNDLE), '.build-'));
  try {
    const args = words.map((word) => (word === 'out/connect/airlock-connect.mjs' ? path.join(staging, 'airlock-connect.mjs') : word));
    const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'rolldown', 'bin', 'cli.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`building the connect bundle failed: ${result.stderr}${result.stdout}`);
    fs.renameSync(path.join(staging, 'airlock-connect.mjs'), CONNECT_BUNDLE);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return CONNECT_BUNDLE;
}

function newestSource(): number {
  let newest = 0;
  for (const dir of SOURCES) {
    for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}
