import type { Kysely } from 'kysely';
import type { MigrationSet } from '../../../platform/db/migrations.js';

/**
 * Indexes for the catalog's read side.
 *
 * - catalog_search_entity_key: ordering by a field looks up one key of each
 *   candidate entity (`min(value) where entity_ref = ? and key = ?`); with
 *   (entity_ref, key, value) that is one index probe and no table read, instead
 *   of scanning every search row of the entity.
 */
export const catalogReadMigrations: MigrationSet = {
  'catalog/0002-read-indexes': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('catalog_search_entity_key')
        .on('catalog_search')
        .columns(['entity_ref', 'key', 'value'])
        .execute();
    },
  },
};
