import { ValidationError } from '../../../platform/http/problem.js';
import type { EntityFilter } from './entity-filter.js';
import type { EntityOrder } from './entity-order.js';

/** Full-text condition of a query: a term, and optionally the search keys to look in. */
export interface FullTextFilter {
  term: string;
  fields?: string[];
}

/**
 * Everything a next or previous page needs, carried by the client between
 * requests so the server keeps no state. The filter lives under `query` when the
 * query came as a predicate: `@backstage/catalog-client` looks for that key to
 * send the follow-up request to `POST /entities/by-query`.
 */
export interface EntityCursor {
  filter?: EntityFilter;
  query?: EntityFilter;
  orderFields: EntityOrder[];
  fullTextFilter?: FullTextFilter;
  /** Sort values then entity_ref of the row the page starts after (or before). */
  position: (string | null)[];
  direction: 'next' | 'prev';
  /** Counted on the first page; -1 when the client asked not to count. */
  totalItems: number;
}

/**
 * Encodes a cursor as base64 JSON. Plain base64 rather than base64url because
 * `@backstage/catalog-client` decodes cursors with `atob`, which rejects `-` and `_`.
 *
 * @example
 * const token = encodeCursor(cursor); decodeCursor(token) // deep-equals cursor
 */
export function encodeCursor(cursor: EntityCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64');
}

/**
 * Decodes a cursor from {@link encodeCursor}; accepts base64url as well.
 *
 * @throws ValidationError when the cursor is not one this server issued.
 */
export function decodeCursor(token: string): EntityCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw badCursor('it is not base64-encoded JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw badCursor('it is not an object');
  const c = parsed as Partial<EntityCursor>;
  if (!Array.isArray(c.orderFields) || !Array.isArray(c.position)) throw badCursor('it lacks order or position');
  if (c.direction !== 'next' && c.direction !== 'prev') throw badCursor('it lacks a direction');
  if (typeof c.totalItems !== 'number') throw badCursor('it lacks totalItems');
  if (c.position.length !== c.orderFields.length + 1) throw badCursor('its position does not match its order');
  if (!c.position.every((v) => v === null || typeof v === 'string')) throw badCursor('its position is malformed');
  return c as EntityCursor;
}

function badCursor(why: string): ValidationError {
  return new ValidationError(`Malformed cursor: ${why}`, [{ field: 'cursor', message: why }]);
}
