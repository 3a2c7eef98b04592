import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { CodeHostError } from './rest-client.js';
import type { TokenSource, TokenSources } from './token-source.js';

/** A GitHub App installed on the organisations whose repositories a shift changes. */
export interface GitHubAppCredentials {
  /** The App's id (or client id): the `iss` of the JSON Web Token it signs. */
  appId: string;
  /** One installation for every repository; without it, each repository owner's installation is looked up. */
  installationId?: string;
  /** The App's private key, PEM. */
  privateKey: string;
}

export interface GitHubAppOptions {
  appId: string;
  privateKey: string;
  /** REST API base, e.g. `https://api.github.com`. */
  apiUrl: string;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

export interface GitHubAppTokenOptions extends GitHubAppOptions {
  installationId: string;
}

/** GitHub accepts an App JWT for at most ten minutes; nine leaves room for clock drift. */
const JWT_LIFETIME_S = 9 * 60;
/** Issued a minute in the past, as GitHub recommends, in case this clock runs ahead. */
const JWT_BACKDATE_S = 60;
/** An installation token lives an hour; it is renewed when less than this is left. */
const RENEW_BEFORE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** What both the token source and the installation lookup need: the App's signed requests to GitHub. */
function createAppClient(options: GitHubAppOptions) {
  const who = `GitHub App ${options.appId}`;
  let key: KeyObject;
  try {
    key = createPrivateKey(options.privateKey);
  } catch (error) {
    throw new Error(`${who}: the private key is not a PEM key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`${who}: the private key must be an RSA key`);
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const apiUrl = options.apiUrl.replace(/\/+$/, '');

  function appJwt(): string {
    const issuedAt = Math.floor(now() / 1000) - JWT_BACKDATE_S;
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
    const payload = base64url(JSON.stringify({ iat: issuedAt, exp: issuedAt + JWT_LIFETIME_S, iss: options.appId }));
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), key);
    return `${header}.${payload}.${base64url(signature)}`;
  }

  /** A request signed as the App; `what` names it in errors, `expect` is the status of success. */
  async function request<T>(method: 'GET' | 'POST', path: string, what: string, expect: number): Promise<T> {
    const url = `${apiUrl}${path}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
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
        `${what}: could not reach ${url}: ${cause?.message ?? (error as Error).message}`,
        undefined,
      );
    }
    const body = (await response.json().catch(() => undefined)) as (T & { message?: unknown }) | undefined;
    if (response.status !== expect || body === undefined) {
      const reason = typeof body?.message === 'string' ? ` (${body.message.slice(0, 300)})` : '';
      throw new CodeHostError(`${what} failed: HTTP ${response.status}${reason}`, response.status);
    }
    return body;
  }

  return { appId: options.appId, who, now, request };
}

/**
 * Installation tokens of one GitHub App installation: a JWT signed with the App's
 * private key (RS256) is exchanged for an installation token, which is kept until
 * five minutes before it expires. Calls while a renewal is under way share it. The
 * key is parsed at once, so a broken key is a configuration error, not a failed shift.
 *
 * @example
 * const tokens = githubAppToken({ apiUrl: 'https://api.github.com', appId: '123', installationId: '456', privateKey });
 * const token = await tokens.current(); // 'ghs_…'
 */
export function githubAppToken(options: GitHubAppTokenOptions): TokenSource {
  return installationToken(createAppClient(options), options.installationId);
}

function installationToken(app: ReturnType<typeof createAppClient>, installationId: string): TokenSource {
  const what = `${app.who} (installation ${installationId})`;
  if (!/^\d+$/.test(installationId)) throw new Error(`${what}: installationId must be a number`);
  let held: { token: string; expiresAt: number } | undefined;
  let renewing: Promise<string> | undefined;

  async function renew(): Promise<string> {
    const body = await app.request<{ token?: unknown; expires_at?: unknown }>(
      'POST',
      `/app/installations/${installationId}/access_tokens`,
      `${what}: the installation token request`,
      201,
    );
    if (typeof body.token !== 'string') throw new CodeHostError(`${what}: GitHub answered without a token`, 201);
    const expiresAt = typeof body.expires_at === 'string' ? Date.parse(body.expires_at) : Number.NaN;
    held = { token: body.token, expiresAt: Number.isNaN(expiresAt) ? app.now() + 3_600_000 : expiresAt };
    return body.token;
  }

  return {
    identity: `github-app:${app.appId}/${installationId}`,
    async current() {
      if (held && held.expiresAt - app.now() > RENEW_BEFORE_MS) return held.token;
      renewing ??= renew().finally(() => {
        renewing = undefined;
      });
      return renewing;
    },
  };
}

/**
 * The App's token source for each repository: the configured installation's for all
 * of them, or, without one, the installation on the repository's owner, looked up
 * once per owner (`GET /repos/{owner}/{repo}/installation`), so one App serves every
 * organisation it is installed on, each with its own rate budget.
 *
 * @example
 * const tokensFor = githubAppInstallations({ apiUrl, appId: '123', privateKey });
 * const token = await (await tokensFor('org/web')).current();
 */
export function githubAppInstallations(options: GitHubAppOptions & { installationId?: string }): TokenSources {
  const app = createAppClient(options);
  if (options.installationId) {
    const only = installationToken(app, options.installationId);
    return async () => only;
  }
  const byOwner = new Map<string, Promise<TokenSource>>();
  return (fullName) => {
    const owner = fullName.split('/')[0] ?? fullName;
    let source = byOwner.get(owner);
    if (!source) {
      source = app
        .request<{ id?: unknown }>(
          'GET',
          `/repos/${fullName.split('/').map(encodeURIComponent).join('/')}/installation`,
          `${app.who}: finding its installation on ${fullName}`,
          200,
        )
        .then((installation) => forgetWhenGone(installationToken(app, String(installation.id)), owner));
      // A failed lookup (not installed yet, GitHub away) is asked again next time.
      source.catch(() => byOwner.delete(owner));
      byOwner.set(owner, source);
    }
    return source;
  };

  /** An installation that is gone (the App was uninstalled, perhaps installed again under a new id) is looked up afresh. */
  function forgetWhenGone(source: TokenSource, owner: string): TokenSource {
    return {
      identity: source.identity,
      current: () =>
        source.current().catch((error: unknown) => {
          if (error instanceof CodeHostError && error.status === 404) byOwner.delete(owner);
          throw error;
        }),
    };
  }
}
