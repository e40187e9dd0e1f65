// The header-adding loopback shim for `npm run conformance -- --server`.
//
// It is the test harness standing in for a client configured with a token: the conformance suite's
// server mode (`conformance server --url …`) has no way to send a header, and Airlock's endpoint
// answers only requests that carry `Authorization: Bearer TOKEN`. The shim listens on its own
// 127.0.0.1 port and forwards every request to Airlock's endpoint with that header added. It
// rewrites Host and Origin ONLY when they name the shim's own address (a loopback name with the
// shim's port), to name Airlock's address instead — exactly what a client pointed at Airlock
// directly would send. Everything else passes unchanged, including a foreign Host or Origin such
// as the dns-rebinding-protection scenario's evil.example.com, so Airlock's own check is what the
// suite judges. Bodies stream both ways without buffering (SSE responses, long-lived GET streams).
import http from 'node:http';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
// Hop-by-hop headers belong to one connection and are not forwarded (RFC 9110 section 7.6.1).
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** `value` with its port changed from `fromPort` to `toPort` when it is a loopback name on `fromPort`; otherwise undefined. */
function renamed(value, fromPort, toPort, withScheme) {
  let url;
  try {
    url = new URL(withScheme ? value : `http://${value}`);
  } catch {
    return undefined;
  }
  if (!LOOPBACK.has(url.hostname) || url.port !== String(fromPort)) return undefined;
  return withScheme ? `${url.protocol}//${url.hostname}:${toPort}` : `${url.hostname}:${toPort}`;
}

function forwardedHeaders(headers, shimPort, target, token) {
  const out = { ...headers };
  for (const name of HOP_BY_HOP) delete out[name];
  if (typeof out.host === 'string') out.host = renamed(out.host, shimPort, target.port, false) ?? out.host;
  if (typeof out.origin === 'string') out.origin = renamed(out.origin, shimPort, target.port, true) ?? out.origin;
  // The harness's token replaces whatever the suite sent (it sends none).
  out.authorization = `Bearer ${token}`;
  return out;
}

/**
 * Starts the shim on 127.0.0.1 (an ephemeral port) in front of `targetUrl` (Airlock's endpoint
 * origin, e.g. http://127.0.0.1:PORT). Resolves with its port, `setToken(token)` (the client it
 * speaks for from the next request on), `close()` and the requests it saw.
 */
export async function startShim({ targetUrl, token: firstToken }) {
  const target = new URL(targetUrl);
  let token = firstToken;
  const seen = [];
  let shimPort = 0;
  const server = http.createServer((req, res) => {
    const headers = forwardedHeaders(req.headers, shimPort, target, token);
    seen.push({ method: req.method, url: req.url, host: headers.host, origin: headers.origin });
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers, setHost: false }, (answer) => {
      const back = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete back[name];
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, back);
      res.flushHeaders();
      answer.pipe(res);
      answer.once('error', () => res.destroy());
      answer.once('aborted', () => res.destroy());
    });
    upstream.once('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`conformance shim: Airlock's endpoint did not answer: ${error.message}\n`);
      else res.destroy();
    });
    // The suite closing a stream (an SSE GET it is done with) closes the one to Airlock too.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  shimPort = server.address().port;
  return {
    port: shimPort,
    seen,
    setToken: (next) => {
      token = next;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
