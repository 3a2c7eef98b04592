import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id`; the package declares it as a const enum, which isolated modules cannot read. */
const ARGON2ID = 2;

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Prefix every Backbeat API token starts with, so secret scanners and humans recognise one. */
export const API_TOKEN_PREFIX = 'bb_';
const API_TOKEN_RANDOM_LENGTH = 40;

/**
 * SHA-256 hex digest: what is stored for sessions, API tokens and sign-in links.
 * These secrets are long and random, so a fast hash is enough (no offline guessing);
 * passwords, chosen by people, get argon2id instead.
 *
 * @example
 * const stored = sha256Hex(token);
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** `length` characters of uniform base62, by rejection sampling so no character is favoured. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes at or above it would skew the distribution.
      if (byte < 248) out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * A new API token: `bb_` followed by 40 base62 characters (about 238 bits).
 *
 * @example
 * const token = newApiToken(); // "bb_3kV..."
 */
export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBase62(API_TOKEN_RANDOM_LENGTH)}`;
}

/** A new opaque secret for session cookies and sign-in links: 32 random bytes, base64url. */
export function newOpaqueSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The few leading characters of a token kept for display, so people can tell their
 * tokens apart without the secret being recoverable.
 */
export function tokenDisplayPrefix(token: string): string {
  const visible = token.startsWith(API_TOKEN_PREFIX) ? API_TOKEN_PREFIX.length + 4 : 4;
  return token.slice(0, visible);
}

/**
 * Argon2id hash of a password (OWASP's recommended parameters, the library default).
 *
 * @example
 * const stored = await hashPassword('correct horse battery staple');
 * await verifyPassword(stored, 'correct horse battery staple'); // true
 */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Constant-time string comparison for equal-length secrets. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
