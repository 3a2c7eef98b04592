import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { CatalogTables } from '../migrations.js';
import type { Entity, EntityRelation } from '../model/entity.js';
import { parseEntityRef } from '../model/refs.js';
import { inverseRelation } from '../model/relations.js';
import { toSearchRows } from '../model/search-rows.js';
import { decodeCursor, type EntityCursor, encodeCursor, type FullTextFilter } from '../query/entity-cursor.js';
import { fieldsNeedRelations, projectFields } from '../query/entity-fields.js';
import type { EntityFilter } from '../query/entity-filter.js';
import type { EntityOrder } from '../query/entity-order.js';
import { escapeLike, filterToSql } from '../query/filter-sql.js';
import { fullTextToSql, normalizeFullText } from '../query/full-text.js';
import { keysetSql, orderBySql, sortValueSql } from '../query/page-sql.js';
import { planQuerySource, type QuerySource } from '../query/query-source.js';
import { entityJsonWithRelations, parseRow, relationsJsonByRef } from './entity-json.js';
import { StampedCache } from './stamped-cache.js';

export { parseRow } from './entity-json.js';

/** Default page size of `by-query`, as Backstage's. */
export const DEFAULT_QUERY_LIMIT = 20;
/** Largest page served; larger requests get this many and a next cursor. */
export const MAX_QUERY_LIMIT = 1000;
/** Refs per `IN (...)` list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

/** The columns the read side needs from `catalog_entities`. */
export interface EntityRow {
  uid: string;
  entity_ref: string;
  location_id: string | null;
  file_path: string | null;
  entity_json: string;
  hash: string;
  generation: number;
}

/** One stored (outgoing) relation row. */
export interface RelationRow {
  source_ref: string;
  type: string;
  target_ref: string;
}

export interface QueryEntitiesInput {
  filter?: EntityFilter;
  /** Set when the filter came as a predicate (POST); the cursor then says so to the client. */
  fromPredicate?: boolean;
  orderFields?: EntityOrder[];
  fullTextFilter?: FullTextFilter;
  fields?: string[];
  limit?: number;
  offset?: number;
  /** An opaque cursor from a previous page; the filter, order and full text then come from it. */
  cursor?: string;
  /** `exclude` skips counting; `totalItems` is then 0. */
  totalItems?: 'include' | 'exclude';
}

export interface QueryEntitiesResult {
  items: Partial<Entity>[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

export interface ListEntitiesInput {
  filter?: EntityFilter;
  fields?: string[];
  order?: EntityOrder[];
  offset?: number;
  limit?: number;
}

export interface FacetValue {
  value: string;
  count: number;
}

/**
 * The catalog's read model: every query the catalog API and Backbeat's catalog
 * views ask, answered from `catalog_entities`, `catalog_relations`,
 * `catalog_search` and `catalog_errors`. Entities come back with their
 * relations: the stored outgoing ones plus the inverse of every relation another
 * entity declares towards them.
 *
 * @example
 * const readStore = createCatalogReadStore({ database });
 * await readStore.getEntityByRef('component:default/web');
 * await readStore.queryEntities({ filter: parseFilterParams(['kind=component']), limit: 100 });
 */
export class CatalogReadStore {
  private readonly db: Kysely<CatalogTables>;

  private readonly dialect: Database['dialect'];
  /** Facet answers and match counts by request, each valid while the database shows the same change stamp. */
  private readonly facetCache = new StampedCache<Record<string, FacetValue[]>>(64);
  private readonly countCache = new StampedCache<number>(256);

  constructor(database: Database) {
    this.db = database.db as unknown as Kysely<CatalogTables>;
    this.dialect = database.dialect;
  }

  // --- rows -------------------------------------------------------------------

  /** The stored row of a canonical ref (`kind:namespace/name`, lowercase). */
  async findRow(entityRef: string): Promise<EntityRow | undefined> {
    return this.db
      .selectFrom('catalog_entities')
      .select(['uid', 'entity_ref', 'location_id', 'file_path', 'entity_json', 'hash', 'generation'])
      .where('entity_ref', '=', entityRef)
      .executeTakeFirst();
  }

  /** Rows for many canonical refs, keyed by ref; missing refs are absent. An optional filter narrows them. */
  async findRows(entityRefs: readonly string[], filter?: EntityFilter): Promise<Map<string, EntityRow>> {
    const found = new Map<string, EntityRow>();
    const unique = [...new Set(entityRefs)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      let query = this.db
        .selectFrom('catalog_entities as e')
        .select(['e.uid', 'e.entity_ref', 'e.location_id', 'e.file_path', 'e.entity_json', 'e.hash', 'e.generation'])
        .where('e.entity_ref', 'in', chunk);
      if (filter) query = query.where(filterToSql(filter, 'e'));
      for (const row of await query.execute()) found.set(row.entity_ref, row);
    }
    return found;
  }

  /** Which of these canonical refs exist. */
  async existingRefs(entityRefs: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(entityRefs)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('catalog_entities')
        .select('entity_ref')
        .where('entity_ref', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) found.add(row.entity_ref);
    }
    return found;
  }

  /** Every stored relation that starts or ends at one of these refs: one query per chunk of refs. */
  async relationsTouching(entityRefs: readonly string[]): Promise<RelationRow[]> {
    const out: RelationRow[] = [];
    const unique = [...new Set(entityRefs)];
    if (this.dialect === 'postgres' && unique.length > 0) {
      // One array parameter instead of a list of hundreds: PostgreSQL plans it several times faster.
      const { rows } = await sql<RelationRow>`
        select source_ref, type, target_ref from catalog_relations
        where source_ref = any(${unique}::text[]) or target_ref = any(${unique}::text[])`.execute(this.db);
      return rows;
    }
    for (let i = 0; i < unique.length; i += CHUNK) {
      const chunk = unique.slice(i, i + CHUNK);
      const rows = await this.db
        .selectFrom('catalog_relations')
        .select(['source_ref', 'type', 'target_ref'])
        .where((eb) => eb.or([eb('source_ref', 'in', chunk), eb('target_ref', 'in', chunk)]))
        .execute();
      out.push(...rows);
    }
    return out;
  }

  /** Every stored relation of the given types (exact spelling, e.g. `memberOf`). */
  async relationsOfTypes(types: readonly string[]): Promise<RelationRow[]> {
    if (types.length === 0) return [];
    return this.db
      .selectFrom('catalog_relations')
      .select(['source_ref', 'type', 'target_ref'])
      .where('type', 'in', [...types])
      .execute();
  }

  /**
   * For each entity at one end of a relation, how many distinct entities it is
   * related to, counting both declared directions: `(ownedBy, ownerOf)` counts,
   * per owner, the entities that declare `ownedBy` it plus those it declares
   * `ownerOf`. One GROUP BY, whatever the catalog size.
   *
   * @example
   * await readStore.countRelated('ownedBy', 'ownerOf') // Map { 'group:default/team-a' => 12, ... }
   */
  async countRelated(type: string, inverseType: string): Promise<Map<string, number>> {
    const { rows } = await sql<{ ref: string; n: number | string }>`
      select pairs.ref as ref, count(distinct pairs.other) as n from (
        select r.target_ref as ref, r.source_ref as other from catalog_relations r where r.type = ${type}
        union all
        select r.source_ref as ref, r.target_ref as other from catalog_relations r where r.type = ${inverseType}
      ) pairs
      group by pairs.ref`.execute(this.db);
    return new Map(rows.map((row) => [row.ref, Number(row.n)]));
  }

  /** Canonical refs of every entity of a kind (any case). */
  async refsOfKind(kind: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('catalog_search')
      .select('entity_ref')
      .where('key', '=', 'kind')
      .where('value', '=', kind.toLocaleLowerCase('en-US'))
      .execute();
    return rows.map((r) => r.entity_ref);
  }

  /** Ingestion problems recorded for an entity. */
  async errorRows(entityRef: string): Promise<CatalogTables['catalog_errors'][]> {
    return this.db
      .selectFrom('catalog_errors')
      .selectAll()
      .where('entity_ref', '=', entityRef)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  /** The location an entity was read from, and its parent location. */
  async locationOf(locationId: string): Promise<{ id: string; parent_location_id: string | null } | undefined> {
    return this.db
      .selectFrom('catalog_locations')
      .select(['id', 'parent_location_id'])
      .where('id', '=', locationId)
      .executeTakeFirst();
  }

  /** Location-kind entities read from a location (they point at further locations). */
  async locationEntityRowsIn(locationId: string): Promise<EntityRow[]> {
    return this.db
      .selectFrom('catalog_entities as e')
      .select(['e.uid', 'e.entity_ref', 'e.location_id', 'e.file_path', 'e.entity_json', 'e.hash', 'e.generation'])
      .where('e.location_id', '=', locationId)
      .where('e.entity_ref', 'like', 'location:%')
      .orderBy('e.entity_ref')
      .execute();
  }

  /**
   * Entities whose search text holds every term, ranked: exact name, then name
   * prefix, then name substring, then any other match; ties by name.
   */
  async searchRows(terms: readonly string[], whole: string, limit: number): Promise<EntityRow[]> {
    if (terms.length === 0) return [];
    const conditions = terms.map((t) => sql<boolean>`e.search_text like ${`%${escapeLike(t)}%`} escape '\\'`);
    const prefix = `${escapeLike(whole)}%`;
    const anywhere = `%${escapeLike(whole)}%`;
    const rank = sql`case when lower(e.name) = ${whole} then 0 when lower(e.name) like ${prefix} escape '\\' then 1 when lower(e.name) like ${anywhere} escape '\\' then 2 else 3 end`;
    const result =
      await sql<EntityRow>`select e.uid, e.entity_ref, e.location_id, e.file_path, e.entity_json, e.hash, e.generation
      from catalog_entities e
      where ${sql.join(conditions, sql` and `)}
      order by ${rank}, lower(e.name), e.entity_ref
      limit ${limit}`.execute(this.db);
    return result.rows;
  }

  // --- entities ---------------------------------------------------------------

  /**
   * One entity by canonical ref, with relations, or undefined.
   *
   * @example
   * await readStore.getEntityByRef('group:default/team-a')
   */
  async getEntityByRef(entityRef: string): Promise<Entity | undefined> {
    // The ref is known up front, so its relations are read alongside the row (in parallel on PostgreSQL).
    const [row, relations] = await Promise.all([this.findRow(entityRef), this.relationsTouching([entityRef])]);
    if (!row) return undefined;
    const entity = parseRow(row);
    entity.relations = groupRelations([entityRef], relations).get(entityRef) ?? [];
    return entity;
  }

  /**
   * {@link getEntityByRef} as JSON text (same bytes as `JSON.stringify` of it), or undefined.
   *
   * @example
   * await readStore.getEntityJsonByRef('group:default/team-a') // '{"apiVersion":...,"relations":[...]}'
   */
  async getEntityJsonByRef(entityRef: string): Promise<string | undefined> {
    const [row, relations] = await Promise.all([this.findRow(entityRef), this.relationsTouching([entityRef])]);
    if (!row) return undefined;
    return entityJsonWithRelations(row, relationsJsonByRef([entityRef], relations).get(entityRef) ?? '[]');
  }

  /** One entity by uid, with relations, or undefined. */
  async getEntityByUid(uid: string): Promise<Entity | undefined> {
    const row = await this.db
      .selectFrom('catalog_entities')
      .select(['uid', 'entity_ref', 'location_id', 'file_path', 'entity_json', 'hash', 'generation'])
      .where('uid', '=', uid)
      .executeTakeFirst();
    if (!row) return undefined;
    const [entity] = await this.assemble([row], undefined);
    return entity as Entity;
  }

  /**
   * Entities for refs in the same order and length, null where a ref is unknown,
   * unparseable or filtered out. Refs may be written in any case.
   *
   * @example
   * await readStore.getEntitiesByRefs({ entityRefs: ['component:default/web', 'component:default/gone'] })
   * // { items: [ {...}, null ] }
   */
  async getEntitiesByRefs(input: {
    entityRefs: readonly string[];
    fields?: string[];
    filter?: EntityFilter;
  }): Promise<{ items: (Partial<Entity> | null)[] }> {
    const canonical = input.entityRefs.map(canonicalOrUndefined);
    const rows = await this.findRows(
      canonical.filter((r): r is string => r !== undefined),
      input.filter,
    );
    const found = [...rows.values()];
    const entities = await this.assemble(found, input.fields);
    const byRef = new Map(found.map((row, i) => [row.entity_ref, entities[i]!]));
    return { items: canonical.map((ref) => (ref === undefined ? null : (byRef.get(ref) ?? null))) };
  }

  /**
   * The deprecated `GET /entities` listing: ordered by the given fields (then
   * ref), with plain offset and limit; no limit means everything.
   */
  async listEntities(input: ListEntitiesInput): Promise<{ items: Partial<Entity>[]; hasMore: boolean }> {
    const orders = input.order ?? [];
    const limit = input.limit;
    const rows = await this.pageRows({
      filter: input.filter,
      orders,
      direction: 'next',
      limit: limit === undefined ? undefined : limit + 1,
      offset: input.offset,
    });
    const hasMore = limit !== undefined && rows.length > limit;
    const page = hasMore ? rows.slice(0, limit) : rows;
    return { items: await this.assemble(page, input.fields), hasMore };
  }

  /**
   * Backstage's `queryEntities`: filter, order, full text, offset on the first
   * page, then keyset cursors that carry the whole query, both directions.
   *
   * @example
   * const first = await readStore.queryEntities({ filter, limit: 100 });
   * const second = await readStore.queryEntities({ cursor: first.pageInfo.nextCursor });
   */
  async queryEntities(input: QueryEntitiesInput): Promise<QueryEntitiesResult> {
    const { rows, totalItems, pageInfo } = await this.queryPage(input);
    return { items: await this.assemble(rows, input.fields), totalItems, pageInfo };
  }

  /**
   * {@link queryEntities} without a `fields` projection, answered as the JSON
   * text of its result: each entity's stored JSON with its relations appended,
   * never parsed (see {@link entityJsonWithRelations}). Same bytes as
   * `JSON.stringify(await queryEntities(input))`.
   *
   * @example
   * return c.body(await readStore.queryEntitiesJson({ filter, limit: 100 }), 200, { 'content-type': 'application/json' });
   */
  async queryEntitiesJson(input: Omit<QueryEntitiesInput, 'fields'>): Promise<string> {
    const { rows, totalItems, pageInfo } = await this.queryPage(input);
    const items = await this.assembleJson(rows);
    return `{"items":[${items.join(',')}],"totalItems":${JSON.stringify(totalItems)},"pageInfo":${JSON.stringify(pageInfo)}}`;
  }

  /** One page of rows for a query, with the count and the cursors around it. */
  private async queryPage(
    input: QueryEntitiesInput,
  ): Promise<{ rows: PageRow[]; totalItems: number; pageInfo: QueryEntitiesResult['pageInfo'] }> {
    const limit = Math.min(Math.max(input.limit ?? DEFAULT_QUERY_LIMIT, 0), MAX_QUERY_LIMIT);
    let base: Omit<EntityCursor, 'position' | 'direction' | 'totalItems'>;
    let from: { position: (string | null)[]; direction: 'next' | 'prev' } | undefined;
    let totalItems: number | undefined;
    if (input.cursor) {
      const cursor = decodeCursor(input.cursor);
      base = {
        ...(cursor.filter ? { filter: cursor.filter } : {}),
        ...(cursor.query ? { query: cursor.query } : {}),
        orderFields: cursor.orderFields,
        ...(cursor.fullTextFilter ? { fullTextFilter: cursor.fullTextFilter } : {}),
      };
      from = { position: cursor.position, direction: cursor.direction };
      totalItems = cursor.totalItems;
    } else {
      const fullText = normalizeFullText(input.fullTextFilter);
      base = {
        ...(input.filter ? { [input.fromPredicate ? 'query' : 'filter']: input.filter } : {}),
        orderFields: input.orderFields ?? [],
        ...(fullText ? { fullTextFilter: fullText } : {}),
      };
    }
    const filter = base.query ?? base.filter;
    // The count and the page are independent: on PostgreSQL they run side by side on two pooled connections.
    const counting =
      totalItems !== undefined
        ? Promise.resolve(totalItems)
        : input.totalItems === 'exclude'
          ? Promise.resolve(-1)
          : this.countMatches(filter, base.fullTextFilter);
    const direction = from?.direction ?? 'next';
    const paging =
      limit === 0
        ? Promise.resolve([])
        : this.pageRows({
            filter,
            fullText: base.fullTextFilter,
            orders: base.orderFields,
            direction,
            ...(from ? { position: from.position } : {}),
            limit: limit + 1,
            offset: from ? undefined : input.offset,
          });
    const [counted, rows] = await Promise.all([counting, paging]);
    totalItems = counted;

    let page: PageRow[];
    let hasNext: boolean;
    let hasPrev: boolean;
    if (direction === 'next') {
      hasNext = rows.length > limit;
      page = hasNext ? rows.slice(0, limit) : rows;
      hasPrev = from !== undefined && page.length > 0;
    } else {
      hasPrev = rows.length > limit;
      page = (hasPrev ? rows.slice(0, limit) : rows).reverse();
      hasNext = page.length > 0;
    }
    const cursorAt = (row: PageRow, dir: 'next' | 'prev'): string =>
      encodeCursor({
        ...base,
        position: [...base.orderFields.map((_, i) => row.sortValues[i] ?? null), row.entity_ref],
        direction: dir,
        totalItems: totalItems as number,
      });
    const first = page[0];
    const last = page[page.length - 1];
    return {
      rows: page,
      totalItems: Math.max(totalItems, 0),
      pageInfo: {
        ...(hasNext && last ? { nextCursor: cursorAt(last, 'next') } : {}),
        ...(hasPrev && first ? { prevCursor: cursorAt(first, 'prev') } : {}),
      },
    };
  }

  /**
   * Value counts per facet (a dotted key such as `kind` or `spec.type`) over the
   * entities matching the filter. Each entity counts once per value. Values are
   * returned in their original case, read from one entity holding each value.
   * Answers (and the match counts of `queryEntities`) are kept until the data
   * changes: user interfaces ask the same facets on every page load.
   *
   * @example
   * await readStore.facets({ facets: ['kind'], filter }) // { facets: { kind: [{ value: 'Component', count: 12 }] } }
   */
  async facets(input: {
    facets: readonly string[];
    filter?: EntityFilter;
  }): Promise<{ facets: Record<string, FacetValue[]> }> {
    // Read before computing: a write landing meanwhile changes the stamp, so the answer is never kept past it.
    const stamp = await this.changeStamp();
    const cacheKey = JSON.stringify([input.facets, input.filter ?? null]);
    const cached = this.facetCache.get(cacheKey, stamp);
    if (cached) return { facets: copyFacets(cached) };

    const facets = await this.countFacets(input);
    // Answers with very many values (names, uids) are not kept: they would crowd memory.
    const size = Object.values(facets).reduce((n, values) => n + values.length, 0);
    if (size <= FACET_CACHE_MAX_VALUES) this.facetCache.set(cacheKey, stamp, copyFacets(facets));
    return { facets };
  }

  /**
   * A value that changes whenever any data may have changed. SQLite: this
   * connection's running count of changed rows plus the file's data version,
   * which moves when another connection commits. PostgreSQL: the transaction
   * snapshot; two equal snapshots see exactly the same rows, and any write
   * starting or ending (in any database of the server) changes it.
   */
  private async changeStamp(): Promise<string | undefined> {
    if (this.dialect === 'postgres') {
      const { rows } = await sql<{ stamp: string }>`select txid_current_snapshot()::text as stamp`.execute(this.db);
      return rows[0]?.stamp;
    }
    const { rows } = await sql<{ changes: number; version: number }>`
      select total_changes() as changes, (select data_version from pragma_data_version()) as version`.execute(this.db);
    const row = rows[0];
    return row ? `${row.changes}:${row.version}` : undefined;
  }

  private async countFacets(input: {
    facets: readonly string[];
    filter?: EntityFilter;
  }): Promise<Record<string, FacetValue[]>> {
    const keys = [...new Set(input.facets.map((f) => f.toLocaleLowerCase('en-US')))];
    const result: Record<string, FacetValue[]> = {};
    if (keys.length === 0) return result;
    const rows = input.filter
      ? await this.groupFacetRows(keys, input.filter, await this.fewMatches(input.filter))
      : await this.walkFacetRows(keys);

    const samples = await this.findRows(rows.map((r) => r.sample));
    const originals = new Map<string, string>();
    for (const row of samples.values()) {
      const entity = JSON.parse(row.entity_json) as Entity;
      for (const search of toSearchRows(entity, [])) {
        if (search.value !== null && search.originalValue !== null && keys.includes(search.key)) {
          originals.set(`${row.entity_ref}\u0000${search.key}\u0000${search.value}`, search.originalValue);
        }
      }
    }
    const byKey = new Map<string, FacetValue[]>(keys.map((k) => [k, []]));
    for (const row of rows) {
      const value = originals.get(`${row.sample}\u0000${row.key}\u0000${row.value}`) ?? row.value;
      byKey.get(row.key)?.push({ value, count: Number(row.n) });
    }
    for (const facet of input.facets) {
      const values = byKey.get(facet.toLocaleLowerCase('en-US')) ?? [];
      values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
      result[facet] = values;
    }
    return result;
  }

  /**
   * Value counts of facets over the entities matching a filter: one GROUP BY over
   * the facet keys' search rows, each checked against the filter's matches.
   */
  private async groupFacetRows(
    keys: readonly string[],
    filter: EntityFilter | undefined,
    fromMatches = false,
  ): Promise<FacetRow[]> {
    const condition = filter ? sql<boolean>` and ${filterToSql(filter, 'f')}` : sql``;
    // With few matches, reading each match's own search rows beats scanning every row of the keys;
    // `+` keeps SQLite off the key index so it does (PostgreSQL picks this plan by itself).
    const key = fromMatches ? sql`+f.key` : sql`f.key`;
    const { rows } = await sql<FacetRow>`
      select f.key as key, f.value as value, count(*) as n, min(f.entity_ref) as sample
      from catalog_search f
      where ${key} in (${sql.join(keys.map((k) => sql`${k}`))}) and f.value is not null${condition}
      group by f.key, f.value`.execute(this.db);
    return rows;
  }

  /**
   * Value counts of facets over the whole catalog. Facet keys usually hold a few
   * distinct values (kinds, types, tags): these are found by hopping the
   * (key, value) index from one value to the next, then each is counted over its
   * own index range, which SQLite does about twice as fast as a GROUP BY over
   * every row of the key. A key with many distinct values (names) falls back to
   * the GROUP BY.
   */
  private async walkFacetRows(keys: readonly string[]): Promise<FacetRow[]> {
    const out: FacetRow[] = [];
    const crowded: string[] = [];
    for (const key of keys) {
      const { rows } = await sql<Omit<FacetRow, 'key'>>`
        with recursive v(x) as (
          select min(s.value) from catalog_search s where s.key = ${key}
          union all
          select (select min(s.value) from catalog_search s where s.key = ${key} and s.value > v.x) from v where v.x is not null
        )
        select w.x as value,
          (select count(*) from catalog_search c where c.key = ${key} and c.value = w.x) as n,
          (select min(c.entity_ref) from catalog_search c where c.key = ${key} and c.value = w.x) as sample
        from (select v.x from v where v.x is not null limit ${FACET_WALK_LIMIT + 1}) w`.execute(this.db);
      if (rows.length > FACET_WALK_LIMIT) crowded.push(key);
      else out.push(...rows.map((row) => ({ ...row, key })));
    }
    if (crowded.length > 0) out.push(...(await this.groupFacetRows(crowded, undefined)));
    return out;
  }

  /**
   * Turns rows into API entities: server fields (`uid`, `etag`, `generation`)
   * filled in, relations attached (one query for the whole page, skipped when the
   * projection drops them), then the `fields` projection applied.
   */
  async assemble(rows: readonly EntityRow[], fields: string[] | undefined): Promise<Partial<Entity>[]> {
    const relations = fieldsNeedRelations(fields)
      ? groupRelations(
          rows.map((r) => r.entity_ref),
          await this.relationsTouching(rows.map((r) => r.entity_ref)),
        )
      : undefined;
    return rows.map((row) => {
      const entity = parseRow(row);
      if (relations) entity.relations = relations.get(row.entity_ref) ?? [];
      return projectFields(entity, fields);
    });
  }

  /**
   * {@link assemble} without a projection, as one JSON text per row: the stored
   * text with the relations appended (one query for the whole page).
   */
  async assembleJson(rows: readonly EntityRow[]): Promise<string[]> {
    const refs = rows.map((r) => r.entity_ref);
    const relations = relationsJsonByRef(refs, await this.relationsTouching(refs));
    return rows.map((row) => entityJsonWithRelations(row, relations.get(row.entity_ref) ?? '[]'));
  }

  /** Whether, on SQLite, a filter matches few enough entities to drive a facet count from them. */
  private async fewMatches(filter: EntityFilter): Promise<boolean> {
    if (this.dialect !== 'sqlite') return false;
    return (await this.countMatches(filter, undefined)) <= FACET_DRIVE_LIMIT;
  }

  /** How many entities match a filter and full text; repeated asks are answered from the count cache. */
  private async countMatches(filter: EntityFilter | undefined, fullText: FullTextFilter | undefined): Promise<number> {
    const stamp = await this.changeStamp();
    const key = JSON.stringify([filter ?? null, fullText ?? null]);
    return (
      this.countCache.get(key, stamp) ??
      this.countCache.set(key, stamp, await this.countRows(planQuerySource(filter, fullText)))
    );
  }

  private async countRows(source: QuerySource): Promise<number> {
    const where = source.countWhere ? sql` where ${source.countWhere}` : sql``;
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${source.countFrom}${where}`.execute(
      this.db,
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async pageRows(options: PageRequest): Promise<PageRow[]> {
    const { orders } = options;
    const single = orders.length === 1 ? orders[0] : undefined;
    if (single && SINGLE_VALUED_KEYS.has(single.field) && !options.offset && options.limit !== undefined) {
      return this.walkRows({ ...options, order: single, limit: options.limit });
    }
    const source = planQuerySource(options.filter, options.fullText);
    const sortColumns = orders.map((order, i) => sql`, ${sortValueSql(order, 'e')} as ${sql.ref(`sv${i}`)}`);
    const where = source.where ? sql` where ${source.where}` : sql``;
    const keyset = options.position ? sql` where ${keysetSql(orders, options.position, options.direction)}` : sql``;
    const limit = options.limit === undefined ? sql`` : sql` limit ${options.limit}`;
    // PostgreSQL accepts OFFSET without LIMIT; SQLite does not, so pair it with LIMIT -1 there.
    const offset =
      options.offset && options.offset > 0
        ? options.limit === undefined
          ? sql` limit ${MAX_SAFE_LIMIT} offset ${options.offset}`
          : sql` offset ${options.offset}`
        : sql``;
    const { rows } = await sql<RawPageRow>`
      select t.* from (
        select e.uid, ${source.refColumn} as entity_ref, e.location_id, e.file_path, e.entity_json, e.hash, e.generation${sql.join(sortColumns, sql``)}
        from ${source.from}${where}
      ) t${keyset}
      order by ${orderBySql(orders, options.direction)}${limit}${offset}`.execute(this.db);
    return rows.map((row) => toPageRow(row, orders.length));
  }

  /**
   * A page ordered by one single-valued field, read straight off the search
   * index in value order (so a page stops after `limit` index entries), then the
   * entities that lack the field (the nulls, last in either direction).
   */
  private async walkRows(options: PageRequest & { order: EntityOrder; limit: number }): Promise<PageRow[]> {
    const { filter, fullText, order, direction, position, limit } = options;
    const forward = direction === 'next';
    const ascending = (order.order === 'asc') === forward;
    const dir = ascending ? sql`asc` : sql`desc`;
    // Concatenation hides entity_ref from the planner, which would otherwise
    // collect every filter match first and sort them, instead of walking the index.
    const opaqueRef = sql`(o.entity_ref || '')`;
    const base: RawBuilder<boolean>[] = [sql<boolean>`o.key = ${order.field}`, sql<boolean>`o.value is not null`];
    if (filter) base.push(filterToSql(filter, opaqueRef));
    if (fullText) {
      base.push(fullText.fields?.length ? fullTextToSql(fullText, 'o', opaqueRef) : fullTextToSql(fullText, 'e'));
    }
    const valued = async (from: [string, string] | undefined, count: number): Promise<PageRow[]> => {
      const conditions = [...base];
      if (from) {
        const [value, ref] = from;
        conditions.push(
          ascending
            ? sql<boolean>`(o.value > ${value} or (o.value = ${value} and o.entity_ref > ${ref}))`
            : sql<boolean>`(o.value < ${value} or (o.value = ${value} and o.entity_ref < ${ref}))`,
        );
      }
      const { rows } = await sql<RawPageRow>`
        select e.uid, o.entity_ref as entity_ref, e.location_id, e.file_path, e.entity_json, e.hash, e.generation, o.value as sv0
        from catalog_search o join catalog_entities e on e.entity_ref = o.entity_ref
        where ${sql.join(conditions, sql` and `)}
        order by o.value ${dir}, o.entity_ref ${dir}
        limit ${count}`.execute(this.db);
      return rows.map((row) => toPageRow(row, 1));
    };
    const valueless = async (fromRef: string | undefined, count: number): Promise<PageRow[]> => {
      const source = planQuerySource(filter, fullText);
      const conditions: RawBuilder<boolean>[] = source.where ? [source.where] : [];
      conditions.push(
        sql<boolean>`${source.refColumn} not in (select s.entity_ref from catalog_search s where s.key = ${order.field} and s.value is not null)`,
      );
      if (fromRef !== undefined) {
        conditions.push(
          ascending ? sql<boolean>`${source.refColumn} > ${fromRef}` : sql<boolean>`${source.refColumn} < ${fromRef}`,
        );
      }
      const { rows } = await sql<RawPageRow>`
        select e.uid, ${source.refColumn} as entity_ref, e.location_id, e.file_path, e.entity_json, e.hash, e.generation, null as sv0
        from ${source.from}
        where ${sql.join(conditions, sql` and `)}
        order by ${source.refColumn} ${dir}
        limit ${count}`.execute(this.db);
      return rows.map((row) => toPageRow(row, 1));
    };

    const pivotValue = position?.[0] ?? null;
    const pivotRef = position?.[1] ?? undefined;
    const pivot: [string, string] | undefined =
      position && pivotValue !== null ? [pivotValue, pivotRef ?? ''] : undefined;
    if (forward) {
      if (position && pivotValue === null) return valueless(pivotRef ?? '', limit);
      const rows = await valued(pivot, limit);
      return rows.length < limit ? [...rows, ...(await valueless(undefined, limit - rows.length))] : rows;
    }
    if (position && pivotValue !== null) return valued(pivot, limit);
    const rows = await valueless(pivotRef, limit);
    return rows.length < limit ? [...rows, ...(await valued(undefined, limit - rows.length))] : rows;
  }
}

/**
 * Fields sorted by reading the search index in order. Each holds at most one
 * value per entity, so one index entry is one entity; other fields (tags,
 * annotations with several values) sort by their smallest value the slower way.
 */
const SINGLE_VALUED_KEYS: ReadonlySet<string> = new Set([
  'kind',
  'apiversion',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'metadata.uid',
  'spec.type',
  'spec.lifecycle',
  'spec.owner',
  'spec.system',
  'spec.domain',
  'spec.parent',
  'spec.profile.displayname',
  'spec.profile.email',
]);

interface PageRequest {
  filter?: EntityFilter;
  fullText?: FullTextFilter;
  orders: readonly EntityOrder[];
  direction: 'next' | 'prev';
  position?: readonly (string | null)[];
  limit: number | undefined;
  offset: number | undefined;
}

type RawPageRow = Omit<EntityRow, 'generation'> & { generation: number | string } & Record<string, unknown>;

interface PageRow extends EntityRow {
  sortValues: (string | null)[];
}

function toPageRow(row: RawPageRow, sortCount: number): PageRow {
  return {
    uid: row.uid,
    entity_ref: row.entity_ref,
    location_id: row.location_id,
    file_path: row.file_path,
    entity_json: row.entity_json,
    hash: row.hash,
    generation: Number(row.generation),
    sortValues: Array.from({ length: sortCount }, (_, i) => (row[`sv${i}`] as string | null | undefined) ?? null),
  };
}

/** One counted facet value, with the smallest ref holding it (read for the value's original case). */
interface FacetRow {
  key: string;
  value: string;
  n: number | string;
  sample: string;
}

/** Most matches for which a filtered facet count starts from the matching entities (about 20 search rows each). */
const FACET_DRIVE_LIMIT = 1000;

/** Facet answers with more values than this are not cached. */
const FACET_CACHE_MAX_VALUES = 2000;

/** A copy callers may change without touching the cached answer. */
function copyFacets(facets: Record<string, FacetValue[]>): Record<string, FacetValue[]> {
  return Object.fromEntries(Object.entries(facets).map(([key, values]) => [key, values.map((v) => ({ ...v }))]));
}

/** Distinct values a facet key may hold before counting per value stops paying off. */
const FACET_WALK_LIMIT = 200;

/** Large enough to mean "no limit" on both engines. */
const MAX_SAFE_LIMIT = 2147483647;

function canonicalOrUndefined(ref: string): string | undefined {
  try {
    const parsed = parseEntityRef(ref);
    return `${parsed.kind}:${parsed.namespace}/${parsed.name}`.toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/**
 * The relations of each ref: its stored outgoing edges, plus the inverse of
 * every edge pointing at it. Sorted by type, then target, for stable output.
 *
 * @example
 * groupRelations(['group:default/a'], [{ source_ref: 'component:default/web', type: 'ownedBy', target_ref: 'group:default/a' }])
 * // Map { 'group:default/a' => [{ type: 'ownerOf', targetRef: 'component:default/web', target: {...} }] }
 */
export function groupRelations(refs: readonly string[], rows: readonly RelationRow[]): Map<string, EntityRelation[]> {
  const wanted = new Set(refs);
  const out = new Map<string, Map<string, EntityRelation>>();
  const add = (ref: string, type: string, targetRef: string): void => {
    if (!wanted.has(ref)) return;
    let list = out.get(ref);
    if (!list) {
      list = new Map();
      out.set(ref, list);
    }
    list.set(`${type}\u0000${targetRef}`, { type, targetRef, target: compoundOf(targetRef) });
  };
  for (const row of rows) {
    add(row.source_ref, row.type, row.target_ref);
    const inverse = inverseRelation(row.type);
    if (inverse) add(row.target_ref, inverse, row.source_ref);
  }
  const result = new Map<string, EntityRelation[]>();
  for (const [ref, list] of out) {
    result.set(
      ref,
      [...list.values()].sort((a, b) =>
        a.type === b.type ? (a.targetRef < b.targetRef ? -1 : 1) : a.type < b.type ? -1 : 1,
      ),
    );
  }
  return result;
}

/** `kind:namespace/name` -> its parts (canonical refs always have all three). */
export function compoundOf(ref: string): { kind: string; namespace: string; name: string } {
  const colon = ref.indexOf(':');
  const slash = ref.indexOf('/', colon + 1);
  return { kind: ref.slice(0, colon), namespace: ref.slice(colon + 1, slash), name: ref.slice(slash + 1) };
}

/**
 * Builds the catalog read store over the shared database.
 *
 * @example
 * const readStore = createCatalogReadStore({ database });
 */
export function createCatalogReadStore(options: { database: Database }): CatalogReadStore {
  return new CatalogReadStore(options.database);
}
