import type { Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/db/migrations.js';

/**
 * Fleet Shift tables. Portable types only (text, integer) so one migration runs on
 * SQLite and PostgreSQL; JSON is stored as text.
 *
 * - fleet_shifts: one row per shift name: the applied spec and the shift's state.
 * - fleet_targets: one row per (shift, entity): its current state and everything
 *   needed to resume after a crash (base commit, planned commit and its fixed date,
 *   the last commit pushed, so a re-push never duplicates or overwrites).
 * - fleet_transitions: every state change with its attempt and log; totals and the
 *   burndown are derived from these.
 * - fleet_plan_cache: trees and diffs by (steps, repository, base commit), so a preview,
 *   a re-apply or another shift with the same steps does not run the steps again
 *   (0002 adds the tree, from which each shift commits with its own metadata).
 * - fleet_merge_locks: one merge at a time per (repository, base branch).
 *
 * Target lists are read a page at a time in (entity_ref, id) order: the unique
 * (shift_id, entity_ref) index serves the whole list, and 0003 puts the same order
 * under each state, so a page of one state is a range read however large the shift.
 */
export const fleetMigrations: MigrationSet = {
  'fleet/0001-init': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('fleet_shifts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('owner_ref', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('spec_yaml', 'text', (c) => c.notNull())
        .addColumn('spec_json', 'text', (c) => c.notNull())
        .addColumn('plan_hash', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('preview', 'integer', (c) => c.notNull())
        .addColumn('applied_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('rate_limited_until', 'text')
        .execute();

      await db.schema
        .createTable('fleet_targets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('shift_id', 'text', (c) => c.notNull())
        .addColumn('entity_ref', 'text', (c) => c.notNull())
        .addColumn('repository', 'text', (c) => c.notNull())
        .addColumn('owner_ref', 'text')
        .addColumn('wave', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('checks', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('plan_hash', 'text')
        .addColumn('base_branch', 'text')
        .addColumn('base_commit', 'text')
        .addColumn('change_commit', 'text')
        .addColumn('commit_date', 'text', (c) => c.notNull())
        .addColumn('pushed_commit', 'text')
        .addColumn('merged_commit', 'text')
        .addColumn('branch', 'text')
        .addColumn('change_number', 'integer')
        .addColumn('change_url', 'text')
        .addColumn('title', 'text')
        .addColumn('body', 'text')
        .addColumn('commit_message', 'text')
        .addColumn('labels_json', 'text')
        .addColumn('diff', 'text')
        .addColumn('diff_files', 'integer')
        .addColumn('diff_additions', 'integer')
        .addColumn('diff_deletions', 'integer')
        .addColumn('check_log', 'text')
        .addColumn('last_log', 'text')
        .addColumn('error', 'text')
        .addColumn('published_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('fleet_targets_shift_entity', ['shift_id', 'entity_ref'])
        .execute();
      await db.schema
        .createIndex('fleet_targets_shift_state')
        .on('fleet_targets')
        .columns(['shift_id', 'state'])
        .execute();

      await db.schema
        .createTable('fleet_transitions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('shift_id', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('log', 'text')
        .execute();
      await db.schema
        .createIndex('fleet_transitions_shift')
        .on('fleet_transitions')
        .columns(['shift_id', 'id'])
        .execute();
      await db.schema
        .createIndex('fleet_transitions_target')
        .on('fleet_transitions')
        .columns(['target_id', 'id'])
        .execute();

      await db.schema
        .createTable('fleet_plan_cache')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('change_commit', 'text')
        .addColumn('diff', 'text')
        .addColumn('diff_files', 'integer')
        .addColumn('diff_additions', 'integer')
        .addColumn('diff_deletions', 'integer')
        .addColumn('log', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('fleet_merge_locks')
        .addColumn('lock_key', 'text', (c) => c.primaryKey())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('acquired_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  'fleet/0002-plan-cache-tree': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema.alterTable('fleet_plan_cache').addColumn('change_tree', 'text').execute();
    },
  },
  'fleet/0003-target-pages': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      // Replaces (shift_id, state), which it starts with: totals by state use it as they did.
      await db.schema
        .createIndex('fleet_targets_shift_state_ref')
        .on('fleet_targets')
        .columns(['shift_id', 'state', 'entity_ref', 'id'])
        .execute();
      await db.schema.dropIndex('fleet_targets_shift_state').execute();
    },
  },
};
