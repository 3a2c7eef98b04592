import { type RawBuilder, sql } from 'kysely';
import type { EntityOrder } from './entity-order.js';

/**
 * SQL pieces for keyset paging over `t`, a derived table with columns
 * `sv0..svN` (one sort value per order field, null when the entity lacks the
 * field) and `entity_ref` as the unique tie-breaker (in the first field's
 * direction, see {@link tieOrder}). Nulls sort last in either
 * direction, as in Backstage; a page "after" a position holds the rows that come
 * later in that order, a page "before" the rows that come earlier.
 */

/**
 * The sort value of one order field: the smallest value of the key, so an entity
 * with several values (tags) still sorts once.
 */
export function sortValueSql(order: EntityOrder, alias: string): RawBuilder<string | null> {
  return sql<
    string | null
  >`(select min(o.value) from catalog_search o where o.entity_ref = ${sql.ref(`${alias}.entity_ref`)} and o.key = ${order.field})`;
}

/** ORDER BY for walking forward (`next`) or backward (`prev`) from a position. */
export function orderBySql(orders: readonly EntityOrder[], direction: 'next' | 'prev'): RawBuilder<unknown> {
  const backward = direction === 'prev';
  const parts: RawBuilder<unknown>[] = [];
  orders.forEach((order, i) => {
    const column = sql.ref(`t.sv${i}`);
    const ascending = (order.order === 'asc') !== backward;
    parts.push(backward ? sql`(${column} is null) desc` : sql`(${column} is null) asc`);
    parts.push(ascending ? sql`${column} asc` : sql`${column} desc`);
  });
  const tieAscending = (tieOrder(orders) === 'asc') !== backward;
  parts.push(tieAscending ? sql`t.entity_ref asc` : sql`t.entity_ref desc`);
  return sql.join(parts);
}

/**
 * The rows strictly after (`next`) or before (`prev`) `position` in the forward
 * order: a lexicographic comparison over the sort values, then entity_ref.
 *
 * @example
 * sql`select * from (...) t where ${keysetSql(orders, ['web', 'component:default/web'], 'next')}`
 */
export function keysetSql(
  orders: readonly EntityOrder[],
  position: readonly (string | null)[],
  direction: 'next' | 'prev',
): RawBuilder<boolean> {
  const alternatives: RawBuilder<boolean>[] = [];
  const equalSoFar: RawBuilder<boolean>[] = [];
  orders.forEach((order, i) => {
    const column = sql.ref(`t.sv${i}`);
    const pivot = position[i] ?? null;
    const step = direction === 'next' ? stepAfter(column, pivot, order.order) : stepBefore(column, pivot, order.order);
    if (step) alternatives.push(conjunction([...equalSoFar, step]));
    equalSoFar.push(pivot === null ? sql<boolean>`${column} is null` : sql<boolean>`${column} = ${pivot}`);
  });
  const ref = position[orders.length] ?? '';
  const later = (direction === 'next') === (tieOrder(orders) === 'asc');
  const tie = later ? sql<boolean>`t.entity_ref > ${ref}` : sql<boolean>`t.entity_ref < ${ref}`;
  alternatives.push(conjunction([...equalSoFar, tie]));
  return sql<boolean>`(${sql.join(alternatives, sql` or `)})`;
}

type Column = ReturnType<typeof sql.ref>;

/**
 * Direction of the entity_ref tie-breaker: that of the first order field, so a
 * single-field order is one index direction (value and ref both ascending or
 * both descending) and can be read straight off the search index.
 */
export function tieOrder(orders: readonly EntityOrder[]): 'asc' | 'desc' {
  return orders[0]?.order ?? 'asc';
}

/** Later than the pivot in forward order; nothing is later than null (nulls are last). */
function stepAfter(column: Column, pivot: string | null, order: 'asc' | 'desc'): RawBuilder<boolean> | undefined {
  if (pivot === null) return undefined;
  const beyond = order === 'asc' ? sql`${column} > ${pivot}` : sql`${column} < ${pivot}`;
  return sql<boolean>`(${column} is null or ${beyond})`;
}

/** Earlier than the pivot in forward order; every non-null value is earlier than null. */
function stepBefore(column: Column, pivot: string | null, order: 'asc' | 'desc'): RawBuilder<boolean> {
  if (pivot === null) return sql<boolean>`${column} is not null`;
  const earlier = order === 'asc' ? sql`${column} < ${pivot}` : sql`${column} > ${pivot}`;
  return sql<boolean>`(${column} is not null and ${earlier})`;
}

function conjunction(parts: RawBuilder<boolean>[]): RawBuilder<boolean> {
  return parts.length === 1 ? parts[0]! : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}
