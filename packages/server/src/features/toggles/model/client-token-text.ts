import { randomBase62, sha256Hex } from '../../../platform/auth/secrets.js';

const SECRET_LENGTH = 40;

/**
 * A new client or frontend token in Unleash's format, `<project>:<environment>.<secret>`,
 * so SDKs and people can read its scope; only `hashClientToken` of it is stored.
 *
 * @example
 * newClientToken('checkout', 'production'); // "checkout:production.3kV..."
 */
export function newClientToken(project: string, environment: string): string {
  return `${project}:${environment}.${randomBase62(SECRET_LENGTH)}`;
}

export function hashClientToken(token: string): string {
  return sha256Hex(token);
}

/** The scope and the first characters of the secret, for lists. */
export function clientTokenDisplayPrefix(token: string): string {
  const dot = token.indexOf('.');
  return dot < 0 ? token.slice(0, 8) : token.slice(0, dot + 5);
}

/**
 * The token from an Authorization header as Unleash SDKs send it (the raw token),
 * also accepting `Bearer <token>`.
 */
export function clientTokenFromHeader(header: string | undefined): string | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(value);
  return bearer ? bearer[1] : value;
}
