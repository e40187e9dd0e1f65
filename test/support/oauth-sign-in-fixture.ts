import fs from 'node:fs';
import path from 'node:path';
import { OAuthVault, type SignInOptions, signIn, systemOpener } from '../../src/host/oauth/index.js';
import { OAUTH_BROWSER_SCRIPT, type OAuthTestServer } from './oauth-server.js';

export interface BrowserStep {
  step: 'authorize' | 'landed' | 'error';
  url?: string;
  host?: string;
  path?: string;
  status?: number;
  page?: string;
  message?: string;
}

/** A home with a file-key-sealed OAuth vault and the scripted browser as the system opener. */
export function signInFixture(home: string, server: OAuthTestServer, browserMode?: 'wrong-state') {
  const vault = OAuthVault.open(home);
  const browserLog = path.join(home, 'browser.log');
  const printed: string[] = [];
  const open = systemOpener({ ...process.env, AIRLOCK_BROWSER: OAUTH_BROWSER_SCRIPT, OAUTH_TEST_BROWSER_LOG: browserLog, OAUTH_TEST_BROWSER: browserMode ?? '' });
  return {
    vault,
    printed,
    browserSteps(): BrowserStep[] {
      return fs.existsSync(browserLog) ? fs.readFileSync(browserLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as BrowserStep) : [];
    },
    /** The browser's step once it has written it: it may land after signIn has settled. */
    async browserStep(step: BrowserStep['step']): Promise<BrowserStep> {
      for (let waited = 0; waited < 10_000; waited += 50) {
        const found = this.browserSteps().find((s) => s.step === step);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the scripted browser never reached "${step}": ${JSON.stringify(this.browserSteps())}`);
    },
    signIn(options: Partial<SignInOptions> = {}) {
      return signIn({ server: 'remote', serverUrl: server.mcpUrl, vault, open, print: (line) => printed.push(line), timeoutMs: 20_000, ...options });
    },
  };
}

/** One MCP initialize call with a bearer token; the HTTP status. */
export async function callWithToken(mcpUrl: string, token: string | undefined): Promise<number> {
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }),
  });
  await response.body?.cancel();
  return response.status;
}
