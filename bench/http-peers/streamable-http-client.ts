import http from 'node:http';

/**
 * The one client every HTTP target is measured with: JSON-RPC over MCP's Streamable HTTP,
 * written by hand on node:http with keep-alive sockets, so the client's own cost is the same
 * bytes and the same code for every target. It sends what a 2025-era client sends
 * (`Accept: application/json, text/event-stream`, the session id and protocol version once
 * known) and reads either a JSON body or an SSE stream, whichever the server answers with.
 */

export const PROTOCOL_VERSION = '2025-06-18';

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string };
}

export class StreamableHttpClient {
  private readonly agent: http.Agent;
  private readonly url: URL;
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private nextId = 1;

  constructor(
    url: string,
    private readonly extraHeaders: Record<string, string> = {},
    maxSockets = 32,
  ) {
    this.url = new URL(url);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** `initialize`, then `notifications/initialized`; resolves with the server's initialize result. */
  async initialize(): Promise<unknown> {
    const answer = await this.request('initialize', { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'airlock-bench', version: '1.0.0' } });
    if (answer.error) throw new Error(`${this.url.href}: initialize failed: ${answer.error.message}`);
    this.protocolVersion = (answer.result as { protocolVersion?: string }).protocolVersion ?? PROTOCOL_VERSION;
    await this.notify('notifications/initialized');
    return answer.result;
  }

  /** One request; resolves with its response once the HTTP exchange has ended. */
  async request(method: string, params?: object): Promise<JsonRpcResponse> {
    const id = this.nextId++;
    const { messages } = await this.post({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    const answer = messages.find((m): m is JsonRpcResponse => typeof m === 'object' && m !== null && (m as JsonRpcResponse).id === id);
    if (!answer) throw new Error(`${this.url.href}: no answer to ${method} #${id} in ${JSON.stringify(messages).slice(0, 300)}`);
    return answer;
  }

  async notify(method: string, params?: object): Promise<void> {
    const { status } = await this.post({ jsonrpc: '2.0', method, ...(params ? { params } : {}) });
    if (status !== 202 && status !== 200) throw new Error(`${this.url.href}: ${method} answered HTTP ${status}`);
  }

  /** Ends the session (DELETE, as a polite client does) and closes the sockets. */
  async close(): Promise<void> {
    if (this.sessionId) {
      await new Promise<void>((resolve) => {
        const req = http.request(this.url, { method: 'DELETE', agent: this.agent, headers: this.headers() }, (res) => {
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', () => resolve());
        req.end();
      });
    }
    this.agent.destroy();
  }

  private headers(): Record<string, string> {
    return {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
      ...(this.protocolVersion ? { 'mcp-protocol-version': this.protocolVersion } : {}),
      ...this.extraHeaders,
    };
  }

  private post(message: object): Promise<{ status: number; messages: unknown[] }> {
    const body = JSON.stringify(message);
    return new Promise((resolve, reject) => {
      const req = http.request(this.url, { method: 'POST', agent: this.agent, headers: { ...this.headers(), 'content-length': Buffer.byteLength(body) } }, (res) => {
        const session = res.headers['mcp-session-id'];
        if (typeof session === 'string') this.sessionId = session;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 400) return reject(new Error(`${this.url.href}: HTTP ${status}: ${text.slice(0, 300)}`));
          try {
            resolve({ status, messages: readBody(String(res.headers['content-type'] ?? ''), text) });
          } catch (error) {
            reject(error as Error);
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

/** The JSON-RPC messages of a response body: one JSON value (or a batch), or the data of each SSE event. */
function readBody(contentType: string, text: string): unknown[] {
  if (text.length === 0) return [];
  if (contentType.startsWith('text/event-stream')) {
    const messages: unknown[] = [];
    for (const event of text.split(/\r?\n\r?\n/)) {
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5));
      if (data.length > 0) messages.push(JSON.parse(data.join('\n')));
    }
    return messages;
  }
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value : [value];
}
