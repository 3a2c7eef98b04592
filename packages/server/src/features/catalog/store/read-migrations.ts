import type { Kysely } from 'kysely';
import type { MigrationSet } from '../../../platform/db/migrations.js';

/**
 * Indexes for the catalog's read side. The schema's own indexes already serve
 * filters, facets, paging and ordering (`catalog_search (key, value, entity_ref)`
 * read in order); an extra `(entity_ref, key, value)` index was measured and
 * left out: it made the planner probe it for AND-ed filters, ten times slower.
 *
 * - catalog_relations_type_target: relations by type alone, for reverse
 *   relation filters without a value (`filter=relations.ownerof`, derived from
 *   every `ownedBy` edge) and the org tree (all membership, parent and ownership
 *   edges), which otherwise scan the whole relation table.
 */
export const catalogReadMigrations: MigrationSet = {
  'catalog/0002-read-indexes': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('catalog_relations_type_target')
        .on('catalog_relations')
        .columns(['type', 'target_ref'])
        .execute();
    },
  },
};
