import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import type { JobQueue } from './job-queue.js';

/** A job as the UI and CLI show it. Payloads are left out: they may hold secrets. */
export interface JobSummary {
  id: string;
  name: string;
  state: 'waiting' | 'running' | 'failed';
  /** Attempts started so far (the running one included). */
  attempts: number;
  maxAttempts: number;
  priority: number;
  key: string | null;
  /** When the job runs next (waiting), or was due (running, failed). ISO-8601 UTC. */
  runAt: string;
  lastError: string | null;
  createdAt: string;
}

export interface ListJobsOptions {
  state?: JobSummary['state'];
  name?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

/**
 * Timings of a queue instance. Production uses the defaults; tests shrink them so
 * retries, lease expiry and dead-worker recovery happen within a second.
 */
export interface JobQueueTimings {
  /** How often an idle worker looks for due jobs (SQLite also wakes at once on an in-process enqueue; graphile-worker on LISTEN/NOTIFY). */
  pollIntervalMs: number;
  /** How long a claimed job (SQLite) or a worker (PostgreSQL) stays owned without a heartbeat. */
  leaseMs: number;
  /** How often a live worker renews its lease; keep it well below `leaseMs`. */
  heartbeatIntervalMs: number;
  /** How often PostgreSQL workers look for workers whose lease expired and release their jobs. */
  sweepIntervalMs: number;
  /** How often cron schedules are checked for a due tick. */
  scheduleIntervalMs: number;
  /**
   * Scale of the retry backoff, `retryBaseMs × e^min(attempt, 10)` (see backoff.ts).
   * Only the SQLite adapter honours it; graphile-worker's formula is fixed at 1 s.
   */
  retryBaseMs: number;
}

export const DEFAULT_TIMINGS: JobQueueTimings = {
  pollIntervalMs: 100,
  leaseMs: 60_000,
  heartbeatIntervalMs: 15_000,
  sweepIntervalMs: 15_000,
  scheduleIntervalMs: 1_000,
  retryBaseMs: 1_000,
};

/**
 * Defaults overlaid with `overrides`; rejects non-positive values. A heartbeat
 * slower than the lease is allowed (tests use it to play a hung worker) but
 * `leaseWarning` reports it so a misconfigured process says so in its log.
 */
export function resolveTimings(
  overrides: Partial<JobQueueTimings> | undefined,
  base = DEFAULT_TIMINGS,
): JobQueueTimings {
  const timings = { ...base };
  for (const [name, value] of Object.entries(overrides ?? {}) as [keyof JobQueueTimings, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new Error(`Job queue timing "${name}" must be a positive number of milliseconds, got ${value}`);
    }
    timings[name] = value;
  }
  return timings;
}

/** A warning to log when live workers would lose their jobs, or undefined. */
export function leaseWarning(timings: JobQueueTimings): string | undefined {
  if (timings.heartbeatIntervalMs < timings.leaseMs) return undefined;
  return `heartbeatIntervalMs (${timings.heartbeatIntervalMs}) is not shorter than leaseMs (${timings.leaseMs}): running jobs will be taken over by other workers`;
}

export interface JobQueueOptions {
  database: Database;
  logger: Logger;
  /** Jobs run at the same time by this process; default 2. */
  concurrency?: number;
  /** Prefix of this instance's worker id, shown in logs and the workers table (e.g. the host name). */
  workerId?: string;
  timings?: Partial<JobQueueTimings>;
  /** Clock for cron schedules; tests move it instead of waiting for a minute to pass. */
  now?: () => Date;
}

/**
 * What both adapters offer beyond the port: the instance's worker id and a way to
 * evaluate cron schedules at a given time (tests, and `backbeat` admin tooling).
 *
 * @example
 * const queue = createJobQueue({ database, logger });
 * queue.schedule('catalog.refresh-all', '*\/5 * * * *');
 * await queue.runDueSchedules(); // enqueues each schedule whose tick is due and unclaimed
 */
export interface JobQueueAdapter extends JobQueue {
  readonly workerId: string;
  /**
   * Enqueues every schedule whose latest tick at `now` (default: the queue's clock)
   * has not run yet. Safe to call from many instances: each tick is claimed once.
   * Returns how many jobs this call enqueued.
   */
  runDueSchedules(now?: Date): Promise<number>;
  /** Jobs still in the queue (finished jobs are deleted), failed and running first, then by run time. */
  list(options?: ListJobsOptions): Promise<JobSummary[]>;
}

export function resolveListLimit(limit: number | undefined): number {
  const value = limit ?? 100;
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new Error(`Job list limit must be a whole number from 1 to 1000, got ${limit}`);
  }
  return value;
}

export function resolveConcurrency(concurrency: number | undefined): number {
  const value = concurrency ?? 2;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`Job queue concurrency must be a whole number of at least 1, got ${concurrency}`);
  }
  return value;
}
