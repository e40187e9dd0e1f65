// Scans the files git knows (tracked, plus new files not ignored) with secretlint and its
// recommended preset (AWS, GCP, GitHub, Slack, npm, private keys, basic auth, connection
// strings, ...). Findings are printed masked, never in clear. supply-chain/secret-scan-ignore.json
// may skip files that hold fake secrets on purpose, each with its reason; an entry that no
// longer matches a file fails, so the list cannot rot into a blind spot.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { runIfMain } from './check-result.mjs';
import { runCommand } from './run-npm.mjs';

export const IGNORE_FILE = 'supply-chain/secret-scan-ignore.json';
export const CONFIG_FILE = 'supply-chain/secretlintrc.json';
const OWN_CONFIG = new URL('../../supply-chain/secretlintrc.json', import.meta.url);
const require = createRequire(import.meta.url);
const CHUNK = 400; // files per secretlint run, well under any command-line length limit

function secretlintBin() {
  const pkgFile = require.resolve('secretlint/package.json');
  const bin = JSON.parse(readFileSync(pkgFile, 'utf8')).bin;
  return path.join(path.dirname(pkgFile), typeof bin === 'string' ? bin : bin.secretlint);
}

async function gitFiles(root) {
  const res = await runCommand('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root });
  if (res.code !== 0) throw new Error(`git ls-files failed in ${root}: ${res.stderr.trim()}`);
  // A file deleted in the work tree but still tracked has nothing to scan.
  return [...new Set(res.stdout.split('\0').filter(Boolean))].filter((f) => existsSync(path.join(root, f)));
}

function readIgnores(root) {
  const file = path.join(root, IGNORE_FILE);
  if (!existsSync(file)) return [];
  return JSON.parse(readFileSync(file, 'utf8')).ignore ?? [];
}

/** An entry ending in / covers a folder; any other entry is one exact file. */
const covers = (entry, file) => (entry.path.endsWith('/') ? file.startsWith(entry.path) : file === entry.path);

/** Adds one masked line per finding (secretlint masks the value in its message). */
function reportFindings(root, results, problems) {
  let count = 0;
  for (const result of results) {
    for (const m of result.messages) {
      count += 1;
      problems.push(`${path.relative(root, result.filePath)}:${m.loc?.start?.line ?? '?'} ${m.ruleId}: ${m.message}; remove it, and revoke it if it was real`);
    }
  }
  return count;
}

export async function checkSecrets(root) {
  const all = await gitFiles(root);
  const ignores = readIgnores(root);
  const problems = [];
  for (const entry of ignores) {
    if (typeof entry.reason !== 'string' || entry.reason.trim() === '') problems.push(`${IGNORE_FILE}: "${entry.path}" has no reason; say why its secrets are fake`);
    if (!all.some((f) => covers(entry, f))) problems.push(`${IGNORE_FILE}: "${entry.path}" matches no file; remove the entry`);
  }
  const files = all.filter((f) => !ignores.some((entry) => covers(entry, f)));
  const config = existsSync(path.join(root, CONFIG_FILE)) ? path.join(root, CONFIG_FILE) : OWN_CONFIG.pathname;

  let findings = 0;
  // secretlint exits before a large stdout has drained into a pipe, so it writes to a file.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'airlock-secretlint-'));
  try {
    for (let i = 0; i < files.length; i += CHUNK) {
      const output = path.join(tmp, `${i}.json`);
      const args = [secretlintBin(), '--secretlintrc', config, '--format', 'json', '--output', output, '--no-color', '--no-glob', ...files.slice(i, i + CHUNK)];
      // secretlint must run in the scanned folder (it refuses paths outside its cwd).
      const res = await runCommand(process.execPath, args, { cwd: root });
      let results;
      try { results = JSON.parse(readFileSync(output, 'utf8')); } catch {
        return { ok: false, summary: `secretlint could not run: ${res.stderr.trim().split('\n')[0] || `exit ${res.code}`}`, problems };
      }
      findings += reportFindings(root, results, problems);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return {
    ok: problems.length === 0,
    summary: `secretlint (preset recommend) over ${files.length} files${ignores.length ? `, ${ignores.length} fixture paths skipped` : ''}: ${findings} findings`,
    problems,
  };
}

await runIfMain(import.meta.url, 'secrets', checkSecrets);
