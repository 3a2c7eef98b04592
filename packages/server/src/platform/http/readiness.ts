import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { JobQueue } from '../queue/job-queue.js';

export interface ReadinessReport {
  ok: boolean;
  /** Whatever each dependency reported, shown as-is in the /readyz body. */
  checks: Record<string, unknown>;
}

/** Answers GET /readyz; a thrown error counts as not ready. */
export type ReadinessCheck = () => Promise<ReadinessReport>;

/**
 * The standard readiness check: the database answers `select 1`, and the job queue
 * (when given) reports its counts. Each check is reported separately so an operator
 * sees which part is down.
 *
 * @example
 * const readiness = createReadinessCheck({ database, queue });
 * const app = createHttpApp({ logger, auth, metrics, readiness, demo: config.demo });
 */
export function createReadinessCheck(options: { database: Database; queue?: JobQueue }): ReadinessCheck {
  return async () => {
    const checks: Record<string, { ok: boolean; detail?: unknown }> = {};
    try {
      await sql`select 1`.execute(options.database.db);
      checks.database = { ok: true, detail: { dialect: options.database.dialect } };
    } catch (error) {
      checks.database = { ok: false, detail: (error as Error).message };
    }
    if (options.queue) {
      try {
        checks.queue = { ok: true, detail: await options.queue.stats() };
      } catch (error) {
        checks.queue = { ok: false, detail: (error as Error).message };
      }
    }
    return { ok: Object.values(checks).every((check) => check.ok), checks };
  };
}
