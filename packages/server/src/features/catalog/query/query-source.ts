import { type RawBuilder, sql } from 'kysely';
import type { FullTextFilter } from './entity-cursor.js';
import type { EntityFilter } from './entity-filter.js';
import { filterToSql } from './filter-sql.js';
import { fullTextToSql } from './full-text.js';

/**
 * Where a query's candidate entities come from. Most queries carry one plain
 * `key = value` condition (`kind=component`); reading the search index for that
 * pair yields the candidates already in entity_ref order, so a page of 100 stops
 * after 100 index entries instead of collecting every match first. That
 * condition "drives" the query: it becomes a join from `catalog_search d`, and
 * the remaining conditions filter the joined rows.
 */
export interface QuerySource {
  /** FROM clause binding `e` (catalog_entities), and `d` when driven. */
  from: RawBuilder<unknown>;
  /** WHERE condition, if any. */
  where: RawBuilder<boolean> | undefined;
  /** The column that holds the entity ref, in index order when driven. */
  refColumn: RawBuilder<unknown>;
  /** The same query for counting, without joining entities when it can. */
  countFrom: RawBuilder<unknown>;
  countWhere: RawBuilder<boolean> | undefined;
}

type DrivingCondition = { key: string; value: string };

/**
 * Plans the FROM and WHERE of an entity query.
 *
 * @example
 * const source = planQuerySource(parseFilterParams(['kind=component,spec.type=service']), undefined);
 * sql`select ${source.refColumn} from ${source.from} where ${source.where}`
 */
export function planQuerySource(filter: EntityFilter | undefined, fullText: FullTextFilter | undefined): QuerySource {
  const { driver, rest } = pickDriver(filter);
  const fullTextNeedsEntity = fullText !== undefined && !fullText.fields?.length;
  if (!driver) {
    const parts = [...(rest ? [filterToSql(rest, 'e')] : []), ...(fullText ? [fullTextToSql(fullText, 'e')] : [])];
    const where = and(parts);
    return {
      from: sql`catalog_entities e`,
      where,
      refColumn: sql`e.entity_ref`,
      countFrom: sql`catalog_entities e`,
      countWhere: where,
    };
  }
  const drive = sql<boolean>`d.key = ${driver.key} and d.value = ${driver.value}`;
  const restParts = [
    ...(rest ? [filterToSql(rest, 'd')] : []),
    ...(fullText && !fullTextNeedsEntity ? [fullTextToSql(fullText, 'd')] : []),
  ];
  const entityParts = fullText && fullTextNeedsEntity ? [fullTextToSql(fullText, 'e')] : [];
  const joined = sql`catalog_search d join catalog_entities e on e.entity_ref = d.entity_ref`;
  return {
    from: joined,
    where: and([drive, ...restParts, ...entityParts]),
    refColumn: sql`d.entity_ref`,
    // (key, value) rows are unique per entity, and search rows exist only for stored entities.
    countFrom: entityParts.length > 0 ? joined : sql`catalog_search d`,
    countWhere: and([drive, ...restParts, ...entityParts]),
  };
}

function pickDriver(filter: EntityFilter | undefined): { driver?: DrivingCondition; rest?: EntityFilter } {
  if (!filter) return {};
  const driving = asDriving(filter);
  if (driving) return { driver: driving };
  if ('all' in filter) {
    const index = filter.all.findIndex((f) => asDriving(f) !== undefined);
    if (index !== -1) {
      const others = filter.all.filter((_, i) => i !== index);
      return {
        driver: asDriving(filter.all[index]!),
        ...(others.length > 0 ? { rest: others.length === 1 ? others[0]! : { all: others } } : {}),
      };
    }
  }
  return { rest: filter };
}

/** A single `key = value` on a stored key; relation keys also match derived edges, so they cannot drive. */
function asDriving(filter: EntityFilter): DrivingCondition | undefined {
  if (!('key' in filter) || filter.key.startsWith('relations.')) return undefined;
  const { match } = filter;
  if (!('in' in match) || match.in.length !== 1) return undefined;
  return { key: filter.key, value: match.in[0]! };
}

function and(parts: RawBuilder<boolean>[]): RawBuilder<boolean> | undefined {
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : sql<boolean>`(${sql.join(parts, sql` and `)})`;
}
