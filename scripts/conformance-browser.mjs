#!/usr/bin/env node
// The "browser" for conformance sign-ins, started through AIRLOCK_BROWSER with the authorization
// URL. The suite's authorization server consents at once and redirects back to Airlock's loopback
// listener, so following the redirects is all a user would do here. Errors go to stderr only:
// Airlock started this detached and does not wait for it.
const start = process.argv.at(-1);
try {
  const landed = await fetch(start, { redirect: 'follow', signal: AbortSignal.timeout(15_000) });
  process.stderr.write(`conformance browser: ${landed.status} at ${new URL(landed.url).origin}${new URL(landed.url).pathname}\n`);
} catch (error) {
  process.stderr.write(`conformance browser: ${error}\n`);
  process.exitCode = 1;
}
