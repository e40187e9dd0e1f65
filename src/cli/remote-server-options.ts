import { HEADER_NAME_PATTERN, parseServerConfig, remoteUrlProblem, ServerConfigError, type ServerConfig } from '../engine/store/server-configs.js';
import { remoteSecretValues } from '../host/server-registration.js';
import { UsageError } from './exit-codes.js';
import { readSecretValues, type SecretInputSource } from './secret-input.js';

/** The options of `servers add` that make a remote server. */
export interface RemoteAddOptions {
  url?: string;
  transport?: string;
  header?: string[];
  oauthClientId?: string;
  oauthClientSecret?: boolean;
  oauthClientMetadataUrl?: string;
  approve?: boolean;
  env?: string[];
  envFrom?: string[];
  secret?: string[];
}

const TRANSPORTS = ['streamable-http', 'sse'] as const;

/** How the client secret is named in prompts and stdin errors: it is read like a header value, after them. */
const CLIENT_SECRET_LABEL = 'the OAuth client secret';

/**
 * A remote server's config from `servers add NAME --url …`. Refused with exit 2 before anything
 * is read or stored: a command or environment beside --url, a bad URL, a header given as NAME=VALUE.
 */
export function remoteConfigFromOptions(name: string, options: RemoteAddOptions, commandWords: readonly string[]): ServerConfig {
  const url = options.url ?? '';
  if (commandWords.length > 0) throw new UsageError(`a remote server (--url) has no command: drop the words after --, or drop --url to start a local server. Nothing was changed.`);
  const local = [options.env?.length ? '--env' : '', options.envFrom?.length ? '--env-from' : '', options.secret?.length ? '--secret' : ''].filter(Boolean);
  if (local.length > 0) throw new UsageError(`${local.join(', ')} set a local server's environment; a remote server (--url) takes its keys as --header NAME instead. Nothing was changed.`);
  const problem = remoteUrlProblem(url);
  if (problem !== undefined) throw new UsageError(`--url: ${problem}. Nothing was changed.`);
  const transport = options.transport ?? 'streamable-http';
  if (!(TRANSPORTS as readonly string[]).includes(transport)) throw new UsageError(`--transport must be streamable-http (the default; Airlock falls back to the older SSE transport by itself) or sse, not ${JSON.stringify(transport)}. Nothing was changed.`);
  const headers = options.header ?? [];
  for (const header of headers) {
    if (header.includes('=') || header.includes(':')) {
      throw new UsageError(
        `--header takes a header name only, never NAME=VALUE or "NAME: VALUE": a value on the command line is visible to other users in the process list and stays in your shell history. ` +
          `Pipe it on stdin (printf '%s\\n' "$KEY" | airlock servers add ${name} --url ${url} --header X-Api-Key) or run the command in a terminal to be prompted. ` +
          `If the value you typed is a real key, consider it exposed and rotate it. Nothing was changed.`,
      );
    }
    if (!HEADER_NAME_PATTERN.test(header)) throw new UsageError(`--header ${JSON.stringify(header)} is not a valid HTTP header name: use letters, digits and "-". Nothing was changed.`);
  }
  if (options.oauthClientMetadataUrl !== undefined && options.oauthClientId !== undefined) throw new UsageError('--oauth-client-metadata-url and --oauth-client-id are two ways to name the client: give one. Nothing was changed.');
  if (options.oauthClientSecret && options.oauthClientId === undefined) throw new UsageError('--oauth-client-secret goes with --oauth-client-id ID: the secret of the client you registered with the server. Nothing was changed.');
  try {
    return parseServerConfig({
      name,
      command: '',
      args: [],
      env: {},
      envFrom: {},
      secretKeys: [],
      approveOnFirstList: options.approve === true,
      remote: {
        url,
        transport,
        headers: {},
        secretHeaders: headers,
        ...(options.oauthClientId === undefined ? {} : { oauthClientId: options.oauthClientId }),
        ...(options.oauthClientMetadataUrl === undefined ? {} : { oauthClientMetadataUrl: options.oauthClientMetadataUrl }),
      },
      createdAt: new Date().toISOString(),
    });
  } catch (error) {
    if (error instanceof ServerConfigError) throw new UsageError(`${error.message}. Nothing was changed.`);
    throw error;
  }
}

/**
 * The secret-vault entries of a remote server: each --header's value, then the client secret,
 * read like --secret (one line each on stdin, in that order, or a hidden prompt on a terminal).
 */
export async function readRemoteSecrets(config: ServerConfig, options: RemoteAddOptions, source: SecretInputSource): Promise<Record<string, string>> {
  const names = [...(config.remote?.secretHeaders ?? []), ...(options.oauthClientSecret ? [CLIENT_SECRET_LABEL] : [])];
  const values = await readSecretValues(names, source);
  const { [CLIENT_SECRET_LABEL]: clientSecret, ...headers } = values;
  return remoteSecretValues(headers, clientSecret);
}
