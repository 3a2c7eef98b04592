import { type RawBuilder, sql } from 'kysely';
import { RELATION_PAIRS } from '../model/relations.js';
import type { EntityFilter, FieldMatch } from './entity-filter.js';

/** Lowercased relation type -> the type as stored (`ownerof` -> `ownerOf`). */
const STORED_RELATION_TYPES = new Map(Object.keys(RELATION_PAIRS).map((type) => [type.toLowerCase(), type]));

/**
 * Escapes LIKE wildcards so a user's `%` or `_` match literally; pair with `ESCAPE '\'`.
 *
 * @example
 * escapeLike('50%_off') // '50\\%\\_off'
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Turns a filter into a SQL condition on `<alias>.entity_ref` (or on a given ref expression). Each field
 * condition is an `IN (SELECT entity_ref FROM catalog_search WHERE key = ? ...)`
 * sub-select that the (key, value, entity_ref) index answers alone.
 *
 * A `relations.<type>` condition also matches relations derived in reverse: the
 * table stores only the edges an entity declares, so `relations.ownerof=x` holds
 * for the entity that `x` declares `ownedBy`.
 *
 * @example
 * sql`select entity_ref from catalog_entities e where ${filterToSql(filter, 'e')}`
 */
export function filterToSql(filter: EntityFilter, alias: string | RawBuilder<unknown>): RawBuilder<boolean> {
  const ref = typeof alias === 'string' ? sql.ref(`${alias}.entity_ref`) : alias;
  if ('all' in filter) {
    if (filter.all.length === 0) return sql<boolean>`1 = 1`;
    return sql<boolean>`(${sql.join(
      filter.all.map((f) => filterToSql(f, alias)),
      sql` and `,
    )})`;
  }
  if ('any' in filter) {
    if (filter.any.length === 0) return sql<boolean>`1 = 0`;
    return sql<boolean>`(${sql.join(
      filter.any.map((f) => filterToSql(f, alias)),
      sql` or `,
    )})`;
  }
  if ('not' in filter) return sql<boolean>`not (${filterToSql(filter.not, alias)})`;

  const { key, match } = filter;
  let valueCondition: RawBuilder<unknown> | undefined;
  if ('in' in match) {
    valueCondition =
      match.in.length === 1
        ? sql`s.value = ${match.in[0]}`
        : sql`s.value in (${sql.join(match.in.map((v) => sql`${v}`))})`;
  } else if ('prefix' in match) {
    valueCondition = sql`s.value like ${`${escapeLike(match.prefix)}%`} escape '\\'`;
  }
  const stored = valueCondition
    ? sql`select s.entity_ref from catalog_search s where s.key = ${key} and ${valueCondition}`
    : sql`select s.entity_ref from catalog_search s where s.key = ${key}`;

  // One IN over a UNION rather than two ORed INs: PostgreSQL then drives the
  // query from the (small) matching set instead of scanning every entity.
  const derived = key.startsWith('relations.') ? derivedRelationSql(key.slice('relations.'.length), match) : undefined;
  return derived ? sql<boolean>`${ref} in (${stored} union all ${derived})` : sql<boolean>`${ref} in (${stored})`;
}

/** Entities that hold `type` towards a target only because the target declares the inverse. */
function derivedRelationSql(lowerType: string, match: FieldMatch): RawBuilder<unknown> | undefined {
  const storedType = STORED_RELATION_TYPES.get(lowerType);
  const inverseType = storedType ? RELATION_PAIRS[storedType] : undefined;
  if (!inverseType) return undefined;
  if ('exists' in match) {
    return sql`select r.target_ref from catalog_relations r where r.type = ${inverseType}`;
  }
  if ('in' in match) {
    const sources =
      match.in.length === 1 ? sql`= ${match.in[0]}` : sql`in (${sql.join(match.in.map((v) => sql`${v}`))})`;
    return sql`select r.target_ref from catalog_relations r where r.source_ref ${sources} and r.type = ${inverseType}`;
  }
  return sql`select r.target_ref from catalog_relations r where r.source_ref like ${`${escapeLike(match.prefix)}%`} escape '\\' and r.type = ${inverseType}`;
}
