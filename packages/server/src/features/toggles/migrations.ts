import type { Kysely } from 'kysely';
import type { MigrationSet } from '../../platform/db/migrations.js';
import { nowIso } from '../../platform/ids.js';

/**
 * Toggle tables. Portable types only, JSON as text, so one migration runs on SQLite
 * and PostgreSQL.
 *
 * - toggles_projects: a project groups flags; linked to a catalog component or
 *   system and owned by a group.
 * - toggles_environments: development, staging and production are seeded; `production`
 *   marks the environments whose changes only owners and admins may make.
 * - toggles_flags: one row per (project, name); `dependencies_json` as Unleash has them.
 * - toggles_flag_environments: the switch, strategies and variants of a flag in one
 *   environment (validated JSON).
 * - toggles_segments: reusable constraint lists; integer ids, as client payloads reference them.
 * - toggles_tokens: client and frontend tokens for one project and environment; only a hash is kept.
 * - toggles_revision: one counter bumped by every change; ETags and streaming follow it.
 * - toggles_metrics / toggles_metric_variants: yes/no and variant counts per flag,
 *   environment, application and hour, as SDKs report them.
 * - toggles_applications: SDK instances that registered.
 */
export const togglesMigrations: MigrationSet = {
  'toggles/0001-init': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('toggles_projects')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('entity_ref', 'text')
        .addColumn('owner_ref', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('toggles_environments')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('production', 'integer', (c) => c.notNull())
        .addColumn('sort_order', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      const at = nowIso();
      await db
        .insertInto('toggles_environments')
        .values([
          { key: 'development', name: 'Development', production: 0, sort_order: 10, created_at: at },
          { key: 'staging', name: 'Staging', production: 0, sort_order: 20, created_at: at },
          { key: 'production', name: 'Production', production: 1, sort_order: 30, created_at: at },
        ])
        .execute();

      await db.schema
        .createTable('toggles_flags')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('stale', 'integer', (c) => c.notNull())
        .addColumn('impression_data', 'integer', (c) => c.notNull())
        .addColumn('dependencies_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('archived_at', 'text')
        .addUniqueConstraint('toggles_flags_project_name', ['project_key', 'name'])
        .execute();

      await db.schema
        .createTable('toggles_flag_environments')
        .addColumn('flag_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('strategies_json', 'text', (c) => c.notNull())
        .addColumn('variants_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('toggles_flag_environments_pk', ['flag_id', 'environment'])
        .execute();

      await db.schema
        .createTable('toggles_segments')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('constraints_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('toggles_segments_project_name', ['project_key', 'name'])
        .execute();

      await db.schema
        .createTable('toggles_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('display_prefix', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute();

      await db.schema
        .createTable('toggles_revision')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('revision', 'integer', (c) => c.notNull())
        .execute();
      await db.insertInto('toggles_revision').values({ id: 1, revision: 1 }).execute();

      await db.schema
        .createTable('toggles_metrics')
        .addColumn('flag_name', 'text', (c) => c.notNull())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('app_name', 'text', (c) => c.notNull())
        .addColumn('hour', 'text', (c) => c.notNull())
        .addColumn('yes', 'bigint', (c) => c.notNull())
        .addColumn('no', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('toggles_metrics_pk', ['project_key', 'flag_name', 'environment', 'app_name', 'hour'])
        .execute();
      await db.schema
        .createTable('toggles_metric_variants')
        .addColumn('flag_name', 'text', (c) => c.notNull())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('app_name', 'text', (c) => c.notNull())
        .addColumn('hour', 'text', (c) => c.notNull())
        .addColumn('variant', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('toggles_metric_variants_pk', [
          'project_key',
          'flag_name',
          'environment',
          'app_name',
          'hour',
          'variant',
        ])
        .execute();

      await db.schema
        .createTable('toggles_applications')
        .addColumn('app_name', 'text', (c) => c.notNull())
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('sdk_version', 'text')
        .addColumn('strategies_json', 'text', (c) => c.notNull())
        .addColumn('interval_ms', 'integer')
        .addColumn('started_at', 'text')
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('toggles_applications_pk', ['app_name', 'instance_id', 'environment'])
        .execute();
    },
  },
  /**
   * Rollouts and governance:
   * - toggles_plans: a rollout plan for one flag in one environment; milestones are
   *   percentages, `current_index` is the milestone in effect (-1 before start).
   * - toggles_plan_timeline: what happened to a plan, in order.
   * - toggles_impact: errors and requests per flag, environment, application and
   *   minute, as services report them; guards read a sliding window of it.
   * - toggles_project_settings: per-project governance (four-eyes approval).
   * - toggles_change_requests: changes waiting for approval or for their time.
   */
  'toggles/0002-rollouts-governance': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('toggles_plans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('flag_name', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('milestones_json', 'text', (c) => c.notNull())
        .addColumn('hold_seconds', 'integer')
        .addColumn('guards_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('current_index', 'integer', (c) => c.notNull())
        .addColumn('milestone_at', 'text')
        .addColumn('next_at', 'text')
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('toggles_plans_flag')
        .on('toggles_plans')
        .columns(['project_key', 'flag_name', 'environment'])
        .execute();
      await db.schema
        .createTable('toggles_plan_timeline')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('milestone_index', 'integer')
        .addColumn('percent', 'integer')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('detail_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('toggles_plan_timeline_plan')
        .on('toggles_plan_timeline')
        .columns(['plan_id', 'id'])
        .execute();
      await db.schema
        .createTable('toggles_impact')
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('flag_name', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('app_name', 'text', (c) => c.notNull())
        .addColumn('minute', 'text', (c) => c.notNull())
        .addColumn('errors', 'bigint', (c) => c.notNull())
        .addColumn('requests', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('toggles_impact_pk', ['project_key', 'flag_name', 'environment', 'app_name', 'minute'])
        .execute();
      await db.schema
        .createTable('toggles_project_settings')
        .addColumn('project_key', 'text', (c) => c.primaryKey())
        .addColumn('require_approval', 'integer', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('toggles_change_requests')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('project_key', 'text', (c) => c.notNull())
        .addColumn('flag_name', 'text', (c) => c.notNull())
        .addColumn('environment', 'text', (c) => c.notNull())
        .addColumn('change_json', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('apply_at', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('toggles_change_requests_project')
        .on('toggles_change_requests')
        .columns(['project_key', 'status'])
        .execute();
    },
  },
  /**
   * toggles_guard_observations: every reading a running plan's guards gave (the
   * value, the threshold it was judged against, and whether it was ok, breached or
   * unavailable), for the guard charts. Pruned by age (`toggles.prune-guard-observations`).
   * Values are `double precision`: Prometheus answers need more digits than `real`
   * keeps on PostgreSQL; SQLite stores both as REAL.
   */
  'toggles/0003-guard-observations': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('toggles_guard_observations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('guard_index', 'integer', (c) => c.notNull())
        .addColumn('guard_label', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision')
        .addColumn('threshold', 'double precision', (c) => c.notNull())
        .addColumn('breach_when', 'text', (c) => c.notNull())
        .addColumn('milestone_index', 'integer', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('toggles_guard_observations_plan')
        .on('toggles_guard_observations')
        .columns(['plan_id', 'guard_index', 'at'])
        .execute();
      await db.schema
        .createIndex('toggles_guard_observations_at')
        .on('toggles_guard_observations')
        .column('at')
        .execute();
    },
  },
};
