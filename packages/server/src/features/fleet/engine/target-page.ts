import { ValidationError } from '../../../platform/http/problem.js';
import type { TargetKey } from '../store/fleet-store.js';

/** Targets per page when the caller names no limit, and the most one page may hold. */
export const DEFAULT_TARGET_LIMIT = 200;
export const MAX_TARGET_LIMIT = 1000;

/**
 * The opaque `nextCursor` of a target page: base64url of the last row's sort key
 * and id. The server keeps no state; the cursor works with any filter, because the
 * order (entity ref, then id) does not depend on it.
 *
 * @example
 * decodeTargetCursor(encodeTargetCursor({ entityRef: 'component:default/web', id: '01J…' }));
 */
export function encodeTargetCursor(position: TargetKey): string {
  return Buffer.from(JSON.stringify([position.entityRef, position.id]), 'utf8').toString('base64url');
}

/**
 * Reads a cursor made by {@link encodeTargetCursor}.
 *
 * @throws ValidationError naming the field `cursor` when it is not one.
 */
export function decodeTargetCursor(cursor: string): TargetKey {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor('it is not a cursor this server issued (base64url-encoded JSON)');
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || !parsed.every((v) => typeof v === 'string' && v !== '')) {
    throw badCursor('it does not hold a position in the target list');
  }
  return { entityRef: parsed[0] as string, id: parsed[1] as string };
}

/**
 * The page size asked for, or the default.
 *
 * @throws ValidationError naming the field `limit` unless it is a whole number from 1 to {@link MAX_TARGET_LIMIT}.
 * @example
 * targetLimit(undefined); // 200
 */
export function targetLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_TARGET_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TARGET_LIMIT) {
    throw new ValidationError(`limit must be a whole number from 1 to ${MAX_TARGET_LIMIT}`, [
      { field: 'limit', message: `a whole number from 1 to ${MAX_TARGET_LIMIT}` },
    ]);
  }
  return limit;
}

function badCursor(why: string): ValidationError {
  return new ValidationError(`Malformed cursor: ${why}`, [{ field: 'cursor', message: why }]);
}
