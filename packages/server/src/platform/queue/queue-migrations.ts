import type { Kysely } from 'kysely';
import type { MigrationSet } from '../db/migrations.js';

/**
 * Job queue tables. Created on both engines so one migration list fits all;
 * on PostgreSQL the jobs themselves live in graphile-worker's own schema and
 * `backbeat_jobs` stays empty.
 *
 * - backbeat_jobs: the SQLite queue. A job is `waiting`, `running` (claimed with a
 *   lease, `locked_until`, renewed by heartbeat) or `failed` (attempts used up, kept
 *   for inspection). Finished jobs are deleted, as graphile-worker does.
 * - backbeat_job_schedules: one row per cron schedule with the last tick that was
 *   enqueued; claiming a tick is a conditional update, so one worker wins per tick.
 * - backbeat_workers: heartbeats of PostgreSQL worker pools, so jobs of a dead
 *   worker are released after its lease instead of graphile-worker's 4 hours.
 *
 * Timestamps are ISO-8601 UTC text, which sorts chronologically as text.
 */
export const queueMigrations: MigrationSet = {
  'platform/0002-jobs': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('backbeat_jobs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('job_key', 'text', (c) => c.unique())
        .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_at', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'text')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // The claim query filters by state and orders by priority, then run time.
      await db.schema
        .createIndex('backbeat_jobs_state_priority_run_at')
        .on('backbeat_jobs')
        .columns(['state', 'priority', 'run_at'])
        .execute();

      await db.schema
        .createTable('backbeat_job_schedules')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('cron', 'text', (c) => c.notNull())
        .addColumn('last_tick', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('backbeat_workers')
        .addColumn('worker_id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
