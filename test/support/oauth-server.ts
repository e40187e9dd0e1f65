import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const OAUTH_SERVER_SCRIPT = path.join(here, 'oauth-server-process.mjs');
/** The scripted browser, for AIRLOCK_BROWSER. */
export const OAUTH_BROWSER_SCRIPT = path.join(here, 'oauth-browser.mjs');

export interface OAuthServerConfig {
  accessTtlSeconds?: number;
  requiredScopes?: string[];
  scopesSupported?: string[];
  /** The authorization server's answer to every refresh: invalid_grant. */
  refuseRefresh?: boolean;
  preRegistered?: { client_id: string; client_secret?: string };
  /** Advertise client_id_metadata_document_supported and accept https client ids. */
  clientIdMetadataDocuments?: boolean;
}

/** What the authorization server and resource server saw (oauth-server-process.mjs keeps it). */
export interface OAuthServerLog {
  registrations: Array<{ client_id: string; redirect_uris: string[]; token_endpoint_auth_method?: string }>;
  authorizations: Array<{ clientId: string; scopes: string[]; resource?: string; codeChallenge: string; redirectUri: string; state?: string }>;
  codeExchanges: Array<{ clientId: string; resource?: string; pkceS256: boolean }>;
  refreshes: Array<{ clientId: string; resource?: string; refused: boolean }>;
  revocations: Array<{ clientId: string; kind: 'refresh_token' | 'access_token' | 'unknown' }>;
  /** Every access and refresh token it issued, to look for in files. */
  issued: string[];
  /** Client ids that were client ID metadata document URLs. */
  metadataDocumentClients: string[];
  mcpCalls: number;
}

export interface OAuthTestServer {
  asUrl: string;
  mcpUrl: string;
  prmUrl: string;
  log(): Promise<OAuthServerLog>;
  configure(change: OAuthServerConfig): Promise<void>;
  close(): Promise<void>;
}

/** Starts oauth-server-process.mjs as a child process (real HTTP on 127.0.0.1) and waits for its addresses. */
export async function startOAuthServer(config: OAuthServerConfig = {}): Promise<OAuthTestServer> {
  const child: ChildProcess = spawn(process.execPath, [OAUTH_SERVER_SCRIPT], {
    env: { ...process.env, OAUTH_TEST_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the OAuth test server exited with ${code} before it was ready`)));
  });
  const urls = JSON.parse(first) as { asUrl: string; mcpUrl: string; prmUrl: string };
  return {
    ...urls,
    async log() {
      return (await (await fetch(`${urls.asUrl}/test/log`)).json()) as OAuthServerLog;
    },
    async configure(change) {
      const response = await fetch(`${urls.asUrl}/test/config`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change) });
      if (!response.ok) throw new Error(`configure failed: HTTP ${response.status}`);
    },
    async close() {
      child.kill();
      await exited;
    },
  };
}
