import type { Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/db/migrations.js';

/**
 * Tech-health tables. Portable types only (text, integer); JSON is stored as text.
 *
 * - health_fact_state: the latest facts per (entity, collector), with the
 *   fingerprint (a repository's HEAD) that lets an unchanged input be skipped, and
 *   the last error.
 * - health_fact_history: a row each time an entity's facts from a collector changed.
 * - health_definitions: applied Check, Track and Campaign documents.
 * - health_entity_state: each entity's latest results and certifications.
 * - health_result_history: a row when an entity's check statuses change (pass-rate
 *   trends and campaign burndowns replay it).
 * - health_certification_history: a row when an entity's level on a track changes.
 * - health_attestations: manual checks attested by owners, with their expiry.
 */
export const healthMigrations: MigrationSet = {
  'health/0001-init': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('health_fact_state')
        .addColumn('entity_ref', 'text', (c) => c.notNull())
        .addColumn('collector', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('fingerprint', 'text')
        .addColumn('facts_json', 'text')
        .addColumn('facts_hash', 'text')
        .addColumn('error', 'text')
        .addColumn('collected_at', 'text')
        .addColumn('checked_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('health_fact_state_pk', ['entity_ref', 'collector'])
        .execute();
      await db.schema
        .createTable('health_fact_history')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('entity_ref', 'text', (c) => c.notNull())
        .addColumn('collector', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('facts_json', 'text', (c) => c.notNull())
        .addColumn('facts_hash', 'text', (c) => c.notNull())
        .addColumn('collected_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('health_fact_history_entity')
        .on('health_fact_history')
        .columns(['entity_ref', 'collector', 'id'])
        .execute();
      await db.schema
        .createTable('health_definitions')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('spec_json', 'text', (c) => c.notNull())
        .addColumn('source', 'text')
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('health_definitions_pk', ['kind', 'name'])
        .execute();
      await db.schema
        .createTable('health_entity_state')
        .addColumn('entity_ref', 'text', (c) => c.primaryKey())
        .addColumn('owner_ref', 'text')
        .addColumn('results_json', 'text', (c) => c.notNull())
        .addColumn('certifications_json', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('evaluated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('health_entity_state_owner').on('health_entity_state').column('owner_ref').execute();
      await db.schema
        .createTable('health_result_history')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('entity_ref', 'text', (c) => c.notNull())
        .addColumn('owner_ref', 'text')
        .addColumn('statuses_json', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('health_result_history_entity')
        .on('health_result_history')
        .columns(['entity_ref', 'at'])
        .execute();
      await db.schema
        .createTable('health_certification_history')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('entity_ref', 'text', (c) => c.notNull())
        .addColumn('owner_ref', 'text')
        .addColumn('track', 'text', (c) => c.notNull())
        .addColumn('level', 'text')
        .addColumn('rank', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('health_certification_history_track')
        .on('health_certification_history')
        .columns(['track', 'at'])
        .execute();
      await db.schema
        .createTable('health_attestations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('entity_ref', 'text', (c) => c.notNull())
        .addColumn('check_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('attested_by', 'text', (c) => c.notNull())
        .addColumn('attested_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('health_attestations_entity')
        .on('health_attestations')
        .columns(['entity_ref', 'check_name', 'attested_at'])
        .execute();
    },
  },
};
