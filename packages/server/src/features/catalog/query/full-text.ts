import { type RawBuilder, sql } from 'kysely';
import type { FullTextFilter } from './entity-cursor.js';
import { escapeLike } from './filter-sql.js';

/**
 * Normalizes a full-text filter: trims the term, lowercases the field keys, and
 * drops it entirely when the term is blank.
 *
 * @example
 * normalizeFullText({ term: '  Web ', fields: ['metadata.Name'] }) // { term: 'web', fields: ['metadata.name'] }
 */
export function normalizeFullText(input: FullTextFilter | undefined): FullTextFilter | undefined {
  const term = input?.term?.trim().toLocaleLowerCase('en-US');
  if (!term) return undefined;
  const fields = input?.fields?.map((f) => f.trim().toLocaleLowerCase('en-US')).filter((f) => f !== '');
  return fields && fields.length > 0 ? { term, fields } : { term };
}

/**
 * The SQL condition for a full-text filter on `<alias>`: a substring match in
 * the listed search keys, or, without fields, in the entity's search text (name,
 * title, description, tags, owner).
 *
 * @example
 * sql`select entity_ref from catalog_entities e where ${fullTextToSql({ term: 'web' }, 'e')}`
 */
export function fullTextToSql(
  filter: FullTextFilter,
  alias: string,
  refExpression?: RawBuilder<unknown>,
): RawBuilder<boolean> {
  const pattern = `%${escapeLike(filter.term)}%`;
  if (filter.fields && filter.fields.length > 0) {
    return sql<boolean>`${refExpression ?? sql.ref(`${alias}.entity_ref`)} in (select s.entity_ref from catalog_search s where s.key in (${sql.join(
      filter.fields.map((f) => sql`${f}`),
    )}) and s.value like ${pattern} escape '\\')`;
  }
  return sql<boolean>`${sql.ref(`${alias}.search_text`)} like ${pattern} escape '\\'`;
}
