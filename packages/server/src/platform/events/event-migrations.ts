import type { Kysely } from 'kysely';
import type { MigrationSet } from '../db/migrations.js';

/**
 * The `events` table: the append-only log behind the EventLog port and the audit
 * trail. Ids are ULIDs, so ordering by id is ordering by time and doubles as the
 * paging cursor. Before/after/data are JSON text (portable across engines).
 */
export const eventsMigrations: MigrationSet = {
  'platform/0001-events': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text', (c) => c.notNull())
        .addColumn('actor_user_ref', 'text')
        .addColumn('before_json', 'text')
        .addColumn('after_json', 'text')
        .addColumn('data_json', 'text')
        .execute();
      // Every query pages newest-first by id, so each filter index ends in id.
      await db.schema.createIndex('events_type_id').on('events').columns(['type', 'id']).execute();
      await db.schema.createIndex('events_subject_id').on('events').columns(['subject', 'id']).execute();
      await db.schema.createIndex('events_actor_id_id').on('events').columns(['actor_id', 'id']).execute();
    },
  },
};
