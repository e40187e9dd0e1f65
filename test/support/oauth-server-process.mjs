// A local OAuth 2.1 authorization server and an MCP resource server it protects, built from the
// MCP SDK's server auth pieces (mcpAuthRouter, requireBearerAuth, metadataHandler), on two
// 127.0.0.1 ports in this one process. test/support/oauth-server.ts starts it and reads its log.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { InvalidGrantError, InvalidTargetError, InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { metadataHandler } from '@modelcontextprotocol/sdk/server/auth/handlers/metadata.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { createOAuthMetadata, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';

const config = {
  accessTtlSeconds: 3600,
  requiredScopes: ['mcp:read'],
  scopesSupported: ['mcp:read', 'mcp:write'],
  refuseRefresh: false,
  preRegistered: undefined,
  ...JSON.parse(process.env.OAUTH_TEST_CONFIG ?? '{}'),
};
const log = { registrations: [], authorizations: [], codeExchanges: [], refreshes: [], revocations: [], issued: [], metadataDocumentClients: [], mcpCalls: 0 };

const asServer = http.createServer();
const rsServer = http.createServer();
await Promise.all([asServer, rsServer].map((s) => new Promise((resolve) => s.listen(0, '127.0.0.1', resolve))));
const asUrl = `http://127.0.0.1:${asServer.address().port}`;
const rsUrl = `http://127.0.0.1:${rsServer.address().port}`;
const mcpUrl = `${rsUrl}/mcp`;
// Not at the well-known address: a client finds it only through the 401's WWW-Authenticate.
const prmUrl = `${rsUrl}/custom/protected-resource`;

const clients = new Map();
if (config.preRegistered) clients.set(config.preRegistered.client_id, { redirect_uris: ['http://127.0.0.1/airlock/oauth/callback'], token_endpoint_auth_method: 'client_secret_post', ...config.preRegistered });
const pending = new Map(); // consent id → authorization request
const codes = new Map();
const accessTokens = new Map();
const refreshTokens = new Map();
const id = () => randomBytes(18).toString('base64url');

function issue(clientId, scopes, resource) {
  const access = `at-${id()}`;
  const refresh = `rt-${id()}`;
  accessTokens.set(access, { clientId, scopes, resource, expiresAt: Math.floor(Date.now() / 1000) + config.accessTtlSeconds, refresh });
  refreshTokens.set(refresh, { clientId, scopes, resource });
  log.issued.push(access, refresh);
  return { access_token: access, token_type: 'bearer', expires_in: config.accessTtlSeconds, refresh_token: refresh, scope: scopes.join(' ') };
}

function checkResource(resource) {
  if (resource?.href !== mcpUrl) throw new InvalidTargetError(`resource must be ${mcpUrl}, got ${resource?.href ?? 'none'}`);
}

const provider = {
  skipLocalPkceValidation: true,
  clientsStore: {
    getClient(clientId) {
      if (config.clientIdMetadataDocuments && clientId.startsWith('https://')) {
        log.metadataDocumentClients.push(clientId);
        return { client_id: clientId, client_name: 'Airlock', redirect_uris: ['http://127.0.0.1/airlock/oauth/callback'], token_endpoint_auth_method: 'none' };
      }
      return clients.get(clientId);
    },
    registerClient(client) {
      const full = { ...client, client_id: `dyn-${id()}`, client_id_issued_at: Math.floor(Date.now() / 1000) };
      clients.set(full.client_id, full);
      log.registrations.push({ client_id: full.client_id, redirect_uris: full.redirect_uris, token_endpoint_auth_method: full.token_endpoint_auth_method });
      return full;
    },
  },
  // A consent page with one "Allow" link, which the scripted browser follows.
  async authorize(client, params, res) {
    const consent = id();
    pending.set(consent, { clientId: client.client_id, ...params });
    log.authorizations.push({ clientId: client.client_id, scopes: params.scopes ?? [], resource: params.resource?.href, codeChallenge: params.codeChallenge, redirectUri: params.redirectUri, state: params.state });
    res.status(200).type('html').send(`<!doctype html><p>Allow Airlock?</p><a id="allow" href="${asUrl}/consent?id=${consent}">Allow</a>`);
  },
  async challengeForAuthorizationCode(_client, code) {
    const entry = codes.get(code);
    if (!entry) throw new InvalidGrantError('unknown authorization code');
    return entry.codeChallenge;
  },
  async exchangeAuthorizationCode(client, code, verifier, _redirectUri, resource) {
    const entry = codes.get(code);
    codes.delete(code);
    if (!entry || entry.clientId !== client.client_id) throw new InvalidGrantError('unknown authorization code');
    checkResource(resource);
    // PKCE checked here rather than by the SDK's token handler (skipLocalPkceValidation), so the log records it.
    const s256 = createHash('sha256').update(verifier ?? '').digest('base64url') === entry.codeChallenge;
    log.codeExchanges.push({ clientId: client.client_id, resource: resource?.href, pkceS256: s256 });
    if (!s256) throw new InvalidGrantError('code_verifier does not match the S256 challenge');
    return issue(client.client_id, entry.scopes ?? [], resource.href);
  },
  async exchangeRefreshToken(client, refreshToken, _scopes, resource) {
    const entry = refreshTokens.get(refreshToken);
    log.refreshes.push({ clientId: client.client_id, resource: resource?.href, refused: config.refuseRefresh || !entry });
    if (config.refuseRefresh || !entry || entry.clientId !== client.client_id) throw new InvalidGrantError('refresh token expired or revoked');
    checkResource(resource);
    refreshTokens.delete(refreshToken);
    return issue(client.client_id, entry.scopes, entry.resource);
  },
  async verifyAccessToken(token) {
    const entry = accessTokens.get(token);
    if (!entry) throw new InvalidTokenError('unknown or revoked token');
    return { token, clientId: entry.clientId, scopes: entry.scopes, expiresAt: entry.expiresAt, resource: new URL(entry.resource) };
  },
  async revokeToken(client, request) {
    const kind = refreshTokens.has(request.token) ? 'refresh_token' : accessTokens.has(request.token) ? 'access_token' : 'unknown';
    log.revocations.push({ clientId: client.client_id, kind });
    refreshTokens.delete(request.token);
    accessTokens.delete(request.token);
    for (const [token, entry] of accessTokens) if (entry.refresh === request.token) accessTokens.delete(token);
  },
};

const as = express();
const noLimit = { rateLimit: false };
if (config.clientIdMetadataDocuments) {
  // Client ID metadata documents: the SDK's router does not advertise them, so this metadata
  // route comes first and adds the flag. The document itself is not fetched (it would need a
  // public https host); getClient stands in with what it would say.
  as.get('/.well-known/oauth-authorization-server', (_req, res) => void res.json({ ...createOAuthMetadata({ provider, issuerUrl: new URL(asUrl), scopesSupported: config.scopesSupported }), client_id_metadata_document_supported: true }));
}
as.use(mcpAuthRouter({ provider, issuerUrl: new URL(asUrl), scopesSupported: config.scopesSupported, authorizationOptions: noLimit, tokenOptions: noLimit, clientRegistrationOptions: noLimit, revocationOptions: noLimit }));
as.get('/consent', (req, res) => {
  const request = pending.get(String(req.query.id));
  pending.delete(String(req.query.id));
  if (!request) return void res.status(400).send('unknown consent');
  const code = id();
  codes.set(code, request);
  const target = new URL(request.redirectUri);
  target.searchParams.set('code', code);
  if (request.state !== undefined) target.searchParams.set('state', request.state);
  res.redirect(302, target.href);
});
as.get('/test/log', (_req, res) => void res.json(log));
as.post('/test/config', express.json(), (req, res) => {
  Object.assign(config, req.body);
  res.json(config);
});
asServer.on('request', as);

const rs = express();
rs.use('/custom/protected-resource', metadataHandler({ resource: mcpUrl, authorization_servers: [asUrl], scopes_supported: config.scopesSupported }));
rs.post('/mcp', (req, res, next) => requireBearerAuth({ verifier: provider, requiredScopes: config.requiredScopes, resourceMetadataUrl: prmUrl, expectedResource: new URL(mcpUrl) })(req, res, next), express.json(), (req, res) => {
  log.mcpCalls += 1;
  if (req.body?.id === undefined) return void res.status(202).end();
  res.json({ jsonrpc: '2.0', id: req.body?.id ?? null, result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'oauth-test-resource', version: '1' } } });
});
rs.get('/mcp', (_req, res) => void res.status(405).set('allow', 'POST').end());
// An MCP endpoint that needs no sign-in, beside the protected one.
rs.post('/open-mcp', express.json(), (req, res) => void res.json({ jsonrpc: '2.0', id: req.body?.id ?? null, result: {} }));
rsServer.on('request', rs);

process.stdout.write(`${JSON.stringify({ asUrl, rsUrl, mcpUrl, prmUrl })}\n`);
