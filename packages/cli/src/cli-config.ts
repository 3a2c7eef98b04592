/** Where the client verbs send requests when neither `--server` nor BACKBEAT_URL says otherwise. */
export const DEFAULT_SERVER_URL = 'http://localhost:7007';

/** Everything the client verbs read from the environment, read in this one place. */
export interface ClientSettings {
  serverUrl: string;
  token: string | undefined;
}

/**
 * Resolves the server URL and API token: a flag wins over the environment
 * (BACKBEAT_URL, BACKBEAT_TOKEN), which wins over the default.
 *
 * @example
 * resolveClientSettings({ server: undefined, token: 'bb_x' }, { BACKBEAT_URL: 'http://ci:7007' })
 * // { serverUrl: 'http://ci:7007', token: 'bb_x' }
 */
export function resolveClientSettings(
  flags: { server?: string; token?: string },
  env: NodeJS.ProcessEnv,
): ClientSettings {
  const serverUrl = (flags.server || env.BACKBEAT_URL || DEFAULT_SERVER_URL).replace(/\/+$/, '');
  const token = flags.token || env.BACKBEAT_TOKEN || undefined;
  return { serverUrl, token };
}
