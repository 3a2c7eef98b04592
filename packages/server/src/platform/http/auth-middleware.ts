import type { MiddlewareHandler } from 'hono';
import type { Actor } from '../auth/actor.js';
import type { AppEnv } from './app-env.js';
import { ForbiddenError, UnauthenticatedError } from './problem.js';
import { clearSessionCookie, readSessionCookie, SESSION_COOKIE, writeSessionCookie } from './session-cookie.js';

/** What the middleware needs from the auth service. */
export interface RequestAuthenticator {
  authenticateSession(token: string): Promise<{ actor: Actor; expiresAt: string; renewed: boolean } | undefined>;
  authenticateToken(token: string): Promise<Actor | undefined>;
}

/**
 * Paths whose clients bring their own kind of token (Unleash SDKs); a bearer value
 * Backbeat does not know is left for those routes to judge instead of being a 401.
 */
export const DEFAULT_FOREIGN_TOKEN_PREFIXES = ['/api/client/', '/api/frontend'];

/**
 * Sets `actor` from `Authorization: Bearer <token>` or the session cookie. A bearer
 * token that is unknown, revoked or expired is a 401: a client that sends one
 * expects to be someone. A stale cookie just makes the request anonymous (and is
 * cleared), so public pages keep working. Other Authorization schemes, and unknown
 * bearer values under `foreignTokenPrefixes`, are left to the routes that speak them.
 */
export function authMiddleware(
  auth: RequestAuthenticator,
  options: { foreignTokenPrefixes?: string[] } = {},
): MiddlewareHandler<AppEnv> {
  const foreign = options.foreignTokenPrefixes ?? DEFAULT_FOREIGN_TOKEN_PREFIXES;
  return async (c, next) => {
    const authorization = c.req.header('authorization');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (bearer) {
      const actor = await auth.authenticateToken(bearer);
      if (actor) {
        c.set('actor', actor);
        return next();
      }
      if (foreign.some((prefix) => c.req.path.startsWith(prefix))) return next();
      throw new UnauthenticatedError('The API token is unknown, revoked or expired');
    }
    const sessionToken = readSessionCookie(c);
    if (sessionToken) {
      const session = await auth.authenticateSession(sessionToken);
      if (session) {
        c.set('actor', session.actor);
        if (session.renewed) writeSessionCookie(c, sessionToken, session.expiresAt);
      } else {
        clearSessionCookie(c);
      }
    }
    return next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard for cookie-borne requests. A browser only sends
 * `content-type: application/json` or a custom header cross-site after a CORS
 * preflight, which Backbeat never grants, so requiring one of them on every
 * mutation that carries the session cookie (and on sign-in, which sets one) stops
 * forged form posts. Bearer-token requests carry no ambient credentials and are exempt.
 */
export function csrfMiddleware(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    if (c.get('actor')?.kind === 'token') return next();
    const cookieBorne = (c.req.header('cookie') ?? '').includes(`${SESSION_COOKIE}=`);
    const setsSession = c.req.path.startsWith('/api/auth/');
    if (!cookieBorne && !setsSession) return next();
    const contentType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (contentType === 'application/json' || c.req.header('x-backbeat-csrf') === '1') return next();
    throw new ForbiddenError(
      'Requests made with the session cookie must send content-type: application/json or the header x-backbeat-csrf: 1',
    );
  };
}
