// The shape every supply-chain check returns, and how one is printed: one line per check,
// then one indented line per problem, so CI's log says what to fix without scrolling.
import { pathToFileURL } from 'node:url';

/**
 * @typedef {{ ok: boolean, summary: string, problems: string[] }} CheckResult
 */

/** @param {string} name @param {CheckResult} result */
export function formatResult(name, result) {
  const head = `${result.ok ? 'ok  ' : 'FAIL'}  ${name.padEnd(9)} ${result.summary}`;
  return [head, ...result.problems.map((p) => `        - ${p}`)].join('\n');
}

/** Runs `check(process.cwd())` when the module is the script node was started with. */
export async function runIfMain(importMetaUrl, name, check) {
  if (!process.argv[1] || importMetaUrl !== pathToFileURL(process.argv[1]).href) return;
  try {
    const result = await check(process.cwd());
    console.log(formatResult(name, result));
    process.exitCode = result.ok ? 0 : 1;
  } catch (error) {
    console.log(formatResult(name, { ok: false, summary: `could not run: ${error instanceof Error ? error.message : String(error)}`, problems: [] }));
    process.exitCode = 1;
  }
}
