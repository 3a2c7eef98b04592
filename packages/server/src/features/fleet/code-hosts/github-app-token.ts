import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { CodeHostError } from './rest-client.js';
import type { TokenSource } from './token-source.js';

/** A GitHub App installed on the organisation whose repositories a shift changes. */
export interface GitHubAppCredentials {
  /** The App's id (or client id): the `iss` of the JSON Web Token it signs. */
  appId: string;
  installationId: string;
  /** The App's private key, PEM. */
  privateKey: string;
}

export interface GitHubAppTokenOptions extends GitHubAppCredentials {
  /** REST API base, e.g. `https://api.github.com`. */
  apiUrl: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

/** GitHub accepts an App JWT for at most ten minutes; nine leaves room for clock drift. */
const JWT_LIFETIME_S = 9 * 60;
/** Issued a minute in the past, as GitHub recommends, in case this clock runs ahead. */
const JWT_BACKDATE_S = 60;
/** An installation token lives an hour; it is renewed when less than this is left. */
const RENEW_BEFORE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * Installation tokens of a GitHub App: a JWT signed with the App's private key (RS256)
 * is exchanged for an installation token, which is kept until five minutes before it
 * expires. Calls while a renewal is under way share it. The key is parsed once, at
 * start, so a broken key is a configuration error, not a failed shift.
 *
 * @example
 * const tokens = githubAppToken({ apiUrl: 'https://api.github.com', appId: '123', installationId: '456', privateKey });
 * const token = await tokens.current(); // 'ghs_…'
 */
export function githubAppToken(options: GitHubAppTokenOptions): TokenSource {
  const { appId, installationId } = options;
  const who = `GitHub App ${appId} (installation ${installationId})`;
  if (!/^\d+$/.test(installationId)) throw new Error(`${who}: installationId must be a number`);
  let key: KeyObject;
  try {
    key = createPrivateKey(options.privateKey);
  } catch (error) {
    throw new Error(`${who}: the private key is not a PEM key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`${who}: the private key must be an RSA key`);
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const url = `${options.apiUrl.replace(/\/+$/, '')}/app/installations/${installationId}/access_tokens`;
  let held: { token: string; expiresAt: number } | undefined;
  let renewing: Promise<string> | undefined;

  function appJwt(): string {
    const issuedAt = Math.floor(now() / 1000) - JWT_BACKDATE_S;
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const payload = base64url(JSON.stringify({ iat: issuedAt, exp: issuedAt + JWT_LIFETIME_S, iss: appId }));
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${base64url(signature)}`;
  }

  async function renew(): Promise<string> {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${appJwt()}`,
          Accept: 'application/vnd.github+json',
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'backbeat',
        },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      throw new CodeHostError(
        `${who}: could not reach ${url}: ${cause?.message ?? (error as Error).message}`,
        undefined,
      );
    }
    const body = (await response.json().catch(() => undefined)) as
      | { token?: unknown; expires_at?: unknown; message?: unknown }
      | undefined;
    if (response.status !== 201 || typeof body?.token !== 'string' || typeof body.expires_at !== 'string') {
      const reason = typeof body?.message === 'string' ? ` (${body.message.slice(0, 300)})` : '';
      throw new CodeHostError(
        `${who}: the installation token request failed: HTTP ${response.status}${reason}`,
        response.status,
      );
    }
    const expiresAt = Date.parse(body.expires_at);
    held = { token: body.token, expiresAt: Number.isNaN(expiresAt) ? now() + 3_600_000 : expiresAt };
    return body.token;
  }

  return {
    identity: `github-app:${appId}/${installationId}`,
    async current() {
      if (held && held.expiresAt - now() > RENEW_BEFORE_MS) return held.token;
      renewing ??= renew().finally(() => {
        renewing = undefined;
      });
      return renewing;
    },
  };
}
