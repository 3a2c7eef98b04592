import { createHash } from 'node:crypto';

/**
 * Where a hosted code host's credential comes from: a fixed token (a personal or bot
 * token), or a GitHub App whose installation token is renewed before it expires
 * (`github-app-token.ts`). Both the REST calls and git's smart-HTTP ask for the
 * token each time, so a renewed one is used at once.
 */
export interface TokenSource {
  /** The token to send now. */
  current(): Promise<string>;
  /**
   * Who the requests count against on the host (a hash, never the secret): one rate
   * budget per identity, which for an App is its installation, not the token of the hour.
   */
  readonly identity: string;
}

/**
 * The token source for a repository (`owner/name`): the same one for every
 * repository with a fixed token; a GitHub App without a configured installation finds
 * the installation of each repository's owner.
 */
export type TokenSources = (fullName: string) => Promise<TokenSource>;

/**
 * A token that never changes.
 *
 * @example
 * const tokens = staticToken(process.env.BACKBEAT_GITHUB_TOKEN);
 */
export function staticToken(token: string): TokenSource {
  const identity = `token:${createHash('sha256').update(token).digest('hex').slice(0, 24)}`;
  return { identity, current: async () => token };
}
