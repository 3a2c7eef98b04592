import type { Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/db/migrations.js';

/**
 * Catalog tables. Portable types only (text, integer): the same migration runs on
 * SQLite and PostgreSQL. JSON is stored as text.
 *
 * - catalog_locations: what was registered; refresh bookkeeping.
 * - catalog_location_files: one row per descriptor file last read from a location,
 *   with its git blob id, so a refresh skips unchanged files.
 * - catalog_entities: one row per entity (final form without relations).
 * - catalog_relations: outgoing edges only, as declared by the source entity;
 *   the reverse edge (ownerOf, dependencyOf...) is derived when reading, so removing
 *   an entity never leaves half a relation behind.
 * - catalog_search: flattened `key = value` rows (lowercased) that filters and
 *   facets query, as Backstage's search table does.
 * - catalog_errors: problems found while reading a location, per file and entity.
 */
export const catalogMigrations: MigrationSet = {
  'catalog/0001-init': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('catalog_locations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('options_json', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('parent_location_id', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('refresh_state', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('last_refresh_at', 'text')
        .addColumn('last_refresh_ms', 'integer')
        .addColumn('last_commit', 'text')
        .addColumn('last_error', 'text')
        .addColumn('entity_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addUniqueConstraint('catalog_locations_type_target', ['type', 'target'])
        .execute();

      await db.schema
        .createTable('catalog_location_files')
        .addColumn('location_id', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('blob_sha', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('catalog_location_files_pk', ['location_id', 'path'])
        .execute();

      await db.schema
        .createTable('catalog_entities')
        .addColumn('uid', 'text', (c) => c.primaryKey())
        .addColumn('entity_ref', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('location_id', 'text')
        .addColumn('file_path', 'text')
        .addColumn('entity_json', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('generation', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('catalog_entities_location').on('catalog_entities').column('location_id').execute();
      await db.schema
        .createIndex('catalog_entities_kind_name')
        .on('catalog_entities')
        .columns(['kind', 'name'])
        .execute();

      await db.schema
        .createTable('catalog_relations')
        .addColumn('source_ref', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('target_ref', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('catalog_relations_pk', ['source_ref', 'type', 'target_ref'])
        .execute();
      await db.schema
        .createIndex('catalog_relations_target')
        .on('catalog_relations')
        .columns(['target_ref', 'type'])
        .execute();

      await db.schema
        .createTable('catalog_search')
        .addColumn('entity_ref', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text')
        .execute();
      await db.schema
        .createIndex('catalog_search_key_value')
        .on('catalog_search')
        .columns(['key', 'value', 'entity_ref'])
        .execute();
      await db.schema.createIndex('catalog_search_entity').on('catalog_search').column('entity_ref').execute();

      await db.schema
        .createTable('catalog_errors')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('location_id', 'text', (c) => c.notNull())
        .addColumn('file_path', 'text')
        .addColumn('entity_ref', 'text')
        .addColumn('line', 'integer')
        .addColumn('column', 'integer')
        .addColumn('field', 'text')
        .addColumn('level', 'text', (c) => c.notNull().defaultTo('error'))
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('catalog_errors_location').on('catalog_errors').column('location_id').execute();
      await db.schema.createIndex('catalog_errors_entity').on('catalog_errors').column('entity_ref').execute();
    },
  },
};

/** Row types, for `Kysely<CatalogTables>`. */
export interface CatalogTables {
  catalog_locations: {
    id: string;
    type: string;
    target: string;
    options_json: string;
    parent_location_id: string | null;
    created_by: string;
    created_at: string;
    refresh_state: string;
    last_refresh_at: string | null;
    last_refresh_ms: number | null;
    last_commit: string | null;
    last_error: string | null;
    entity_count: number;
    error_count: number;
  };
  catalog_location_files: { location_id: string; path: string; blob_sha: string };
  catalog_entities: {
    uid: string;
    entity_ref: string;
    kind: string;
    namespace: string;
    name: string;
    location_id: string | null;
    file_path: string | null;
    entity_json: string;
    hash: string;
    generation: number;
    search_text: string;
    created_at: string;
    updated_at: string;
  };
  catalog_relations: { source_ref: string; type: string; target_ref: string };
  catalog_search: { entity_ref: string; key: string; value: string | null };
  catalog_errors: {
    id: string;
    location_id: string;
    file_path: string | null;
    entity_ref: string | null;
    line: number | null;
    column: number | null;
    field: string | null;
    level: string;
    message: string;
    created_at: string;
  };
}
