import type { Statement } from 'better-sqlite3';
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../../../platform/db/database.js';
import type { CatalogTables } from '../migrations.js';
import { createWalCheckpoints } from './wal-checkpoints.js';

export type LocationRow = CatalogTables['catalog_locations'];
export type EntityRow = CatalogTables['catalog_entities'];
export type ErrorRow = CatalogTables['catalog_errors'];

/** What ingestion needs to know about a stored entity to decide whether to rewrite it. */
export interface EntityHeader {
  uid: string;
  entityRef: string;
  /** Lowercase, from the canonical ref. */
  kind: string;
  filePath: string | null;
  hash: string;
  generation: number;
  createdAt: string;
}

/** One entity to (re)write, with its outgoing relations and search rows. */
export interface EntityWrite {
  row: EntityRow;
  /** The entity is stored already (same ref): its old row, relations and search rows go first. */
  replaces: boolean;
  relations: { type: string; targetRef: string }[];
  search: { key: string; value: string | null }[];
}

export interface LocationErrorWrite {
  id: string;
  filePath: string | null;
  entityRef: string | null;
  line: number | null;
  column: number | null;
  field: string | null;
  level: 'error' | 'warning';
  message: string;
}

/** Everything one refresh changes for one location, applied in one transaction. */
export interface LocationChangeSet {
  locationId: string;
  /** New and changed entities; a changed entity's old row, relations and search rows are replaced. */
  upserts: EntityWrite[];
  /** Refs of this location's entities that are gone. */
  removeRefs: string[];
  /** Files whose errors are replaced by `errors` (and errors with no file when `replaceLocationErrors`). */
  errorFiles: string[];
  replaceLocationErrors: boolean;
  errors: LocationErrorWrite[];
  fileUpserts: { path: string; sha: string }[];
  fileDeletes: string[];
  location: {
    lastCommit: string | null;
    lastRefreshAt: string;
    lastRefreshMs: number;
  };
  now: string;
}

// Under SQLite's 32766 and PostgreSQL's 65535 bound-parameter limits with room to spare,
// and large enough that statement overhead stays small next to the row work.
const ENTITY_CHUNK = 200;
const SMALL_ROW_CHUNK = 1000;
const IN_CHUNK = 500;

const ENTITY_COLUMNS = [
  'uid',
  'entity_ref',
  'kind',
  'namespace',
  'name',
  'location_id',
  'file_path',
  'entity_json',
  'hash',
  'generation',
  'search_text',
  'created_at',
  'updated_at',
] as const;

/**
 * All catalog writes (and the reads ingestion needs to plan them). One refresh is
 * one transaction with batched statements: no per-entity round trips.
 *
 * @example
 * const store = createCatalogWriteStore(database);
 * await store.applyLocationChanges(changeSet);
 */
/**
 * The row of a location that has never been read: every refresh field empty.
 *
 * @example
 * await store.insertLocation(newLocationRow({ id: newId(), type: 'git', target, optionsJson: '{}', createdBy, now: nowIso() }));
 */
export function newLocationRow(input: {
  id: string;
  type: string;
  target: string;
  optionsJson: string;
  parentLocationId?: string | null;
  createdBy: string;
  now: string;
}): LocationRow {
  return {
    id: input.id,
    type: input.type,
    target: input.target,
    options_json: input.optionsJson,
    parent_location_id: input.parentLocationId ?? null,
    created_by: input.createdBy,
    created_at: input.now,
    refresh_state: 'pending',
    last_refresh_at: null,
    last_refresh_ms: null,
    last_commit: null,
    last_error: null,
    entity_count: 0,
    error_count: 0,
  };
}

/**
 * Entities written in one refresh from which it counts as a bulk write: PostgreSQL's
 * planner statistics are refreshed after it, and SQLite defers its WAL checkpoint.
 */
const BULK_WRITE_THRESHOLD = 2_000;

export function createCatalogWriteStore(database: Database) {
  const db = database.db as unknown as Kysely<CatalogTables>;
  const placeholder = database.dialect === 'postgres' ? (i: number) => `$${i + 1}` : () => '?';

  const sqlite = database.sqlite;
  const checkpoints = createWalCheckpoints(database);
  const preparedInserts = new Map<string, Statement<unknown[]>>();

  /**
   * Inserts rows in bulk. On SQLite, one cached prepared single-row statement run
   * per row on the raw handle: measured faster than multi-row statements, which
   * Kysely's driver prepares anew each time along with their thousands of
   * parameters. Only called inside a Kysely transaction: its connection is the raw
   * handle, and the synchronous runs cannot interleave with other queries.
   * Elsewhere, a multi-row INSERT built as SQL text with bound parameters: Kysely's
   * query builder costs microseconds per value to compile, which dominates a bulk
   * ingest of millions of search rows; the statement shape here is trivial and fixed.
   */
  async function bulkInsert<T extends keyof CatalogTables>(
    trx: Transaction<CatalogTables>,
    table: T,
    columns: readonly (keyof CatalogTables[T] & string)[],
    rows: readonly CatalogTables[T][],
    chunkSize: number,
  ): Promise<void> {
    if (rows.length === 0) return;
    const columnList = columns.map((c) => `"${c}"`).join(', ');
    if (sqlite) {
      const text = `insert into "${table}" (${columnList}) values (${columns.map(() => '?').join(', ')})`;
      let statement = preparedInserts.get(text);
      if (!statement) {
        statement = sqlite.prepare<unknown[]>(text);
        preparedInserts.set(text, statement);
      }
      const values: unknown[] = new Array(columns.length);
      for (const row of rows) {
        for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]!] ?? null;
        statement.run(values);
      }
      return;
    }
    for (let start = 0; start < rows.length; start += chunkSize) {
      const chunk = rows.slice(start, start + chunkSize);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (const row of chunk) {
        const marks: string[] = [];
        for (const column of columns) {
          marks.push(placeholder(params.length));
          params.push(row[column] ?? null);
        }
        tuples.push(`(${marks.join(', ')})`);
      }
      await trx.executeQuery(
        CompiledQuery.raw(`insert into "${table}" (${columnList}) values ${tuples.join(', ')}`, params),
      );
    }
  }

  async function insertLocation(row: LocationRow): Promise<void> {
    await db.insertInto('catalog_locations').values(row).execute();
  }

  async function getLocation(id: string): Promise<LocationRow | undefined> {
    return db.selectFrom('catalog_locations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async function findLocation(type: string, target: string): Promise<LocationRow | undefined> {
    return db
      .selectFrom('catalog_locations')
      .selectAll()
      .where('type', '=', type)
      .where('target', '=', target)
      .executeTakeFirst();
  }

  async function listLocations(): Promise<LocationRow[]> {
    return db.selectFrom('catalog_locations').selectAll().orderBy('id').execute();
  }

  async function childLocations(parentId: string): Promise<LocationRow[]> {
    return db.selectFrom('catalog_locations').selectAll().where('parent_location_id', '=', parentId).execute();
  }

  /** Locations whose last refresh started before `olderThan` (or never ran). */
  async function locationsDueBefore(olderThan: string): Promise<string[]> {
    const rows = await db
      .selectFrom('catalog_locations')
      .select('id')
      .where((eb) => eb.or([eb('last_refresh_at', 'is', null), eb('last_refresh_at', '<', olderThan)]))
      .execute();
    return rows.map((r) => r.id);
  }

  async function listFiles(locationId: string): Promise<Map<string, string>> {
    const rows = await db
      .selectFrom('catalog_location_files')
      .select(['path', 'blob_sha'])
      .where('location_id', '=', locationId)
      .execute();
    return new Map(rows.map((r) => [r.path, r.blob_sha]));
  }

  async function entityHeaders(locationId: string): Promise<EntityHeader[]> {
    const rows = await db
      .selectFrom('catalog_entities')
      .select(['uid', 'entity_ref', 'file_path', 'hash', 'generation', 'created_at'])
      .where('location_id', '=', locationId)
      .execute();
    return rows.map((r) => ({
      uid: r.uid,
      entityRef: r.entity_ref,
      kind: r.entity_ref.slice(0, r.entity_ref.indexOf(':')),
      filePath: r.file_path,
      hash: r.hash,
      generation: Number(r.generation),
      createdAt: r.created_at,
    }));
  }

  async function entityJsonByRefs(refs: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const chunk of chunks(refs, IN_CHUNK)) {
      const rows = await db
        .selectFrom('catalog_entities')
        .select(['entity_ref', 'entity_json'])
        .where('entity_ref', 'in', chunk)
        .execute();
      for (const r of rows) out.set(r.entity_ref, r.entity_json);
    }
    return out;
  }

  /** Which location owns each of these refs (refs nobody owns are absent). */
  async function ownersOf(refs: readonly string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (const chunk of chunks(refs, IN_CHUNK)) {
      const rows = await db
        .selectFrom('catalog_entities')
        .select(['entity_ref', 'location_id'])
        .where('entity_ref', 'in', chunk)
        .execute();
      for (const r of rows) out.set(r.entity_ref, r.location_id);
    }
    return out;
  }

  async function entitiesOfLocations(locationIds: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const chunk of chunks(locationIds, IN_CHUNK)) {
      const rows = await db
        .selectFrom('catalog_entities')
        .select('entity_json')
        .where('location_id', 'in', chunk)
        .orderBy('entity_ref')
        .execute();
      for (const r of rows) out.push(r.entity_json);
    }
    return out;
  }

  async function entityByRef(ref: string): Promise<EntityRow | undefined> {
    return db.selectFrom('catalog_entities').selectAll().where('entity_ref', '=', ref).executeTakeFirst();
  }

  async function entityByUid(uid: string): Promise<EntityRow | undefined> {
    return db.selectFrom('catalog_entities').selectAll().where('uid', '=', uid).executeTakeFirst();
  }

  async function outgoingRelations(
    sourceRefs: readonly string[],
    type: string,
  ): Promise<{ source: string; target: string }[]> {
    const out: { source: string; target: string }[] = [];
    for (const chunk of chunks(sourceRefs, IN_CHUNK)) {
      const rows = await db
        .selectFrom('catalog_relations')
        .select(['source_ref', 'target_ref'])
        .where('type', '=', type)
        .where('source_ref', 'in', chunk)
        .execute();
      for (const r of rows) out.push({ source: r.source_ref, target: r.target_ref });
    }
    return out;
  }

  async function incomingRelations(
    targetRefs: readonly string[],
    type: string,
  ): Promise<{ source: string; target: string }[]> {
    const out: { source: string; target: string }[] = [];
    for (const chunk of chunks(targetRefs, IN_CHUNK)) {
      const rows = await db
        .selectFrom('catalog_relations')
        .select(['source_ref', 'target_ref'])
        .where('type', '=', type)
        .where('target_ref', 'in', chunk)
        .execute();
      for (const r of rows) out.push({ source: r.source_ref, target: r.target_ref });
    }
    return out;
  }

  async function listErrors(locationId: string): Promise<ErrorRow[]> {
    return db
      .selectFrom('catalog_errors')
      .selectAll()
      .where('location_id', '=', locationId)
      .orderBy('file_path')
      .orderBy('line')
      .orderBy('id')
      .execute();
  }

  /** Locations (other than `exceptId`) holding an error about one of these refs: conflicts that may now resolve. */
  async function locationsWithErrorsFor(refs: readonly string[], exceptId: string): Promise<string[]> {
    const ids = new Set<string>();
    for (const chunk of chunks(refs, IN_CHUNK)) {
      const rows = await db
        .selectFrom('catalog_errors')
        .select('location_id')
        .distinct()
        .where('entity_ref', 'in', chunk)
        .where('location_id', '!=', exceptId)
        .execute();
      for (const r of rows) ids.add(r.location_id);
    }
    return [...ids];
  }

  let cacheSized = database.dialect !== 'sqlite';
  /**
   * SQLite's default page cache (2 MB) is far smaller than the search indexes of a
   * large catalog; a refresh writing thousands of entities then spills and re-reads
   * index pages constantly. 64 MB keeps them in memory. Per connection, set once.
   */
  async function ensureSqliteCache(): Promise<void> {
    if (cacheSized) return;
    cacheSized = true;
    await sql`pragma cache_size = -65536`.execute(db);
  }

  async function applyLocationChanges(
    changes: LocationChangeSet,
  ): Promise<{ entityCount: number; errorCount: number }> {
    await ensureSqliteCache();
    const bulk = changes.upserts.length + changes.removeRefs.length >= BULK_WRITE_THRESHOLD;
    if (!bulk) return writeLocationChanges(changes);
    await checkpoints.beforeBulkWrite();
    try {
      return await writeLocationChanges(changes);
    } finally {
      await checkpoints.afterBulkWrite();
    }
  }

  async function writeLocationChanges(
    changes: LocationChangeSet,
  ): Promise<{ entityCount: number; errorCount: number }> {
    return db.transaction().execute(async (trx) => {
      const L = changes.locationId;
      // Deleted while it was being read: writing now would leave orphaned entities.
      const stillThere = await trx.selectFrom('catalog_locations').select('id').where('id', '=', L).executeTakeFirst();
      if (!stillThere) return { entityCount: 0, errorCount: 0 };
      const replaced = [
        ...changes.removeRefs,
        ...changes.upserts.filter((u) => u.replaces).map((u) => u.row.entity_ref),
      ];
      await deleteEntityData(trx, replaced);

      // In ref order (and search rows in key order within a ref), most index inserts
      // land at the end of their b-tree: measurably less work on large ingests.
      const upserts = [...changes.upserts].sort((a, b) => compare(a.row.entity_ref, b.row.entity_ref));
      await bulkInsert(
        trx,
        'catalog_entities',
        ENTITY_COLUMNS,
        upserts.map((u) => u.row),
        ENTITY_CHUNK,
      );
      const relations: CatalogTables['catalog_relations'][] = [];
      const search: CatalogTables['catalog_search'][] = [];
      for (const u of upserts) {
        const ref = u.row.entity_ref;
        for (const r of u.relations) relations.push({ source_ref: ref, type: r.type, target_ref: r.targetRef });
        const rows = [...u.search].sort((a, b) => compare(a.key, b.key) || compare(a.value ?? '', b.value ?? ''));
        for (const row of rows) search.push({ entity_ref: ref, key: row.key, value: row.value });
      }
      await bulkInsert(trx, 'catalog_relations', ['source_ref', 'type', 'target_ref'], relations, SMALL_ROW_CHUNK);
      await bulkInsert(trx, 'catalog_search', ['entity_ref', 'key', 'value'], search, SMALL_ROW_CHUNK);

      for (const chunk of chunks(changes.errorFiles, IN_CHUNK)) {
        await trx.deleteFrom('catalog_errors').where('location_id', '=', L).where('file_path', 'in', chunk).execute();
      }
      if (changes.replaceLocationErrors) {
        await trx.deleteFrom('catalog_errors').where('location_id', '=', L).where('file_path', 'is', null).execute();
      }
      const errorRows = changes.errors.map((e) => ({
        id: e.id,
        location_id: L,
        file_path: e.filePath,
        entity_ref: e.entityRef,
        line: e.line,
        column: e.column,
        field: e.field,
        level: e.level,
        message: e.message,
        created_at: changes.now,
      }));
      for (const chunk of chunks(errorRows, ENTITY_CHUNK)) {
        await trx.insertInto('catalog_errors').values(chunk).execute();
      }

      const touchedFiles = [...changes.fileDeletes, ...changes.fileUpserts.map((f) => f.path)];
      for (const chunk of chunks(touchedFiles, IN_CHUNK)) {
        await trx
          .deleteFrom('catalog_location_files')
          .where('location_id', '=', L)
          .where('path', 'in', chunk)
          .execute();
      }
      const fileRows = changes.fileUpserts.map((f) => ({ location_id: L, path: f.path, blob_sha: f.sha }));
      await bulkInsert(trx, 'catalog_location_files', ['location_id', 'path', 'blob_sha'], fileRows, SMALL_ROW_CHUNK);

      const counts = await countsOf(trx, L);
      await trx
        .updateTable('catalog_locations')
        .set({
          refresh_state: 'ok',
          last_commit: changes.location.lastCommit,
          last_refresh_at: changes.location.lastRefreshAt,
          last_refresh_ms: changes.location.lastRefreshMs,
          last_error: null,
          entity_count: counts.entityCount,
          error_count: counts.errorCount,
        })
        .where('id', '=', L)
        .execute();
      return counts;
    });
  }

  /** A refresh that found nothing new: only the bookkeeping columns change. */
  async function markRefreshed(id: string, at: string, ms: number): Promise<void> {
    await db
      .updateTable('catalog_locations')
      .set({ refresh_state: 'ok', last_refresh_at: at, last_refresh_ms: ms, last_error: null })
      .where('id', '=', id)
      .execute();
  }

  async function markFailed(id: string, at: string, ms: number, message: string): Promise<void> {
    await db
      .updateTable('catalog_locations')
      .set({ refresh_state: 'failed', last_refresh_at: at, last_refresh_ms: ms, last_error: message })
      .where('id', '=', id)
      .execute();
  }

  /** Makes the next refresh re-list the tree and re-read these files even if the commit is unchanged. */
  async function forceReread(locationId: string, paths: readonly string[]): Promise<void> {
    await db.transaction().execute(async (trx) => {
      for (const chunk of chunks(paths, IN_CHUNK)) {
        await trx
          .updateTable('catalog_location_files')
          .set({ blob_sha: '' })
          .where('location_id', '=', locationId)
          .where('path', 'in', chunk)
          .execute();
      }
      await trx.updateTable('catalog_locations').set({ last_commit: null }).where('id', '=', locationId).execute();
    });
  }

  /** Deletes locations with everything they own (entities, relations, search rows, errors, files). Returns the removed refs. */
  async function deleteLocations(ids: readonly string[]): Promise<string[]> {
    return db.transaction().execute(async (trx) => {
      const refs: string[] = [];
      for (const chunk of chunks(ids, IN_CHUNK)) {
        const rows = await trx
          .selectFrom('catalog_entities')
          .select('entity_ref')
          .where('location_id', 'in', chunk)
          .execute();
        refs.push(...rows.map((r) => r.entity_ref));
      }
      await deleteEntityData(trx, refs);
      for (const chunk of chunks(ids, IN_CHUNK)) {
        await trx.deleteFrom('catalog_errors').where('location_id', 'in', chunk).execute();
        await trx.deleteFrom('catalog_location_files').where('location_id', 'in', chunk).execute();
        await trx.deleteFrom('catalog_locations').where('id', 'in', chunk).execute();
      }
      return refs;
    });
  }

  /** Deletes one entity (with relations and search rows) and refreshes its location's count. */
  async function deleteEntity(ref: string, locationId: string | null): Promise<void> {
    await db.transaction().execute(async (trx) => {
      await deleteEntityData(trx, [ref]);
      if (locationId) {
        const counts = await countsOf(trx, locationId);
        await trx
          .updateTable('catalog_locations')
          .set({ entity_count: counts.entityCount })
          .where('id', '=', locationId)
          .execute();
      }
    });
  }

  async function deleteEntityData(trx: Transaction<CatalogTables>, refs: readonly string[]): Promise<void> {
    for (const chunk of chunks(refs, IN_CHUNK)) {
      await trx.deleteFrom('catalog_relations').where('source_ref', 'in', chunk).execute();
      await trx.deleteFrom('catalog_search').where('entity_ref', 'in', chunk).execute();
      await trx.deleteFrom('catalog_entities').where('entity_ref', 'in', chunk).execute();
    }
  }

  async function countsOf(trx: Transaction<CatalogTables>, locationId: string) {
    const entities = await trx
      .selectFrom('catalog_entities')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('location_id', '=', locationId)
      .executeTakeFirst();
    const errors = await trx
      .selectFrom('catalog_errors')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('location_id', '=', locationId)
      .executeTakeFirst();
    return { entityCount: Number(entities?.n ?? 0), errorCount: Number(errors?.n ?? 0) };
  }

  /**
   * PostgreSQL plans filters and counts from table statistics, which are stale after a
   * large write until autovacuum catches up: measured at 100k entities, a one-filter
   * count took 920 ms before ANALYZE and about 20 ms after. VACUUM as well: until it
   * marks the new pages all-visible, counts and index-only scans visit every heap
   * page, and the first reads after the write set hint bits on them and write them
   * back (measured: a `kind=component` count of 40,000 took 260 ms after ANALYZE
   * alone, 11 ms after VACUUM). VACUUM skips pages already all-visible, so after an
   * insert it costs about what was written. SQLite needs nothing.
   */
  async function refreshStatisticsAfterBulkWrite(entitiesWritten: number): Promise<void> {
    if (database.dialect !== 'postgres' || entitiesWritten < BULK_WRITE_THRESHOLD) return;
    await sql`VACUUM (ANALYZE) catalog_entities, catalog_search, catalog_relations`.execute(db);
  }

  return {
    refreshStatisticsAfterBulkWrite,
    /** Runs a WAL checkpoint that bulk writes deferred, if any (SQLite; nothing elsewhere). */
    flushDeferredCheckpoint: checkpoints.flush,
    insertLocation,
    getLocation,
    findLocation,
    listLocations,
    childLocations,
    locationsDueBefore,
    listFiles,
    entityHeaders,
    entityJsonByRefs,
    ownersOf,
    entitiesOfLocations,
    entityByRef,
    entityByUid,
    outgoingRelations,
    incomingRelations,
    listErrors,
    locationsWithErrorsFor,
    applyLocationChanges,
    markRefreshed,
    markFailed,
    forceReread,
    deleteLocations,
    deleteEntity,
  };
}

export type CatalogWriteStore = ReturnType<typeof createCatalogWriteStore>;

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits a list into pieces of at most `size`.
 *
 * @example
 * chunks([1, 2, 3], 2) // [[1, 2], [3]]
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
