import type { Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/db/migrations.js';

/**
 * Golden Tech radar tables (portable types; JSON stored as text).
 *
 * - radar_radars: one row per radar name: the definition in force, the YAML it
 *   came from, and the source that manages it (null when edited through the API).
 * - radar_sources: files (in a git repository or on disk) an admin registered,
 *   with the version last read and the problems found in it.
 * - radar_ring_moves: a row each time an entry enters the radar or changes ring:
 *   who, when and why, so the drill-down can show an entry's history.
 */
export const radarMigrations: MigrationSet = {
  'radar/0001-init': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('radar_sources')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('radar_name', 'text')
        .addColumn('last_version', 'text')
        .addColumn('last_loaded_at', 'text')
        .addColumn('last_error', 'text')
        .addColumn('problems_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('radar_sources_target_path', ['type', 'target', 'path', 'ref'])
        .execute();
      await db.schema
        .createTable('radar_radars')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('definition_json', 'text', (c) => c.notNull())
        .addColumn('yaml', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text')
        .addColumn('problems_json', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('radar_ring_moves')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('radar_name', 'text', (c) => c.notNull())
        .addColumn('entry_id', 'text', (c) => c.notNull())
        .addColumn('from_ring', 'text')
        .addColumn('to_ring', 'text', (c) => c.notNull())
        .addColumn('moved_at', 'text', (c) => c.notNull())
        .addColumn('moved_by', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('radar_ring_moves_entry')
        .on('radar_ring_moves')
        .columns(['radar_name', 'entry_id', 'id'])
        .execute();
    },
  },
};
