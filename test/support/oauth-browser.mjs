#!/usr/bin/env node
// A scripted browser for sign-in tests, started through AIRLOCK_BROWSER with the authorization
// URL: it opens the consent page, follows its "Allow" link and lands on the loopback redirect.
// OAUTH_TEST_BROWSER=wrong-state changes the state on the way back; every step goes to
// OAUTH_TEST_BROWSER_LOG as one JSON line.
import fs from 'node:fs';

const logFile = process.env.OAUTH_TEST_BROWSER_LOG;
const note = (step) => logFile && fs.appendFileSync(logFile, `${JSON.stringify(step)}\n`);
try {
  const authorization = new URL(process.argv[2]);
  note({ step: 'authorize', url: authorization.href });
  const consentPage = await fetch(authorization, { redirect: 'manual' });
  const allow = /id="allow" href="([^"]+)"/.exec(await consentPage.text())?.[1];
  if (!allow) throw new Error(`no consent link (HTTP ${consentPage.status})`);
  const consent = await fetch(allow.replace(/&amp;/g, '&'), { redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  if (process.env.OAUTH_TEST_BROWSER === 'wrong-state') back.searchParams.set('state', 'forged-state');
  const landed = await fetch(back, { redirect: 'manual' });
  note({ step: 'landed', host: back.hostname, path: back.pathname, status: landed.status, page: await landed.text() });
} catch (error) {
  note({ step: 'error', message: String(error) });
  process.exitCode = 1;
}
