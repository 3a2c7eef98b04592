import type { Logger } from '../logging.js';

/**
 * Background jobs. Two adapters implement this port: an in-process queue on the
 * SQLite file, and graphile-worker on PostgreSQL (many `backbeat worker` processes
 * share one queue). Handlers must be idempotent: a job whose worker died runs again.
 *
 * @example
 * queue.register('catalog.refresh-location', async ({ locationId }) => refresh(locationId));
 * await queue.enqueue('catalog.refresh-location', { locationId }, { key: `location:${locationId}` });
 */
export interface JobContext {
  jobId: string;
  /** 1 on the first run, incremented on each retry. */
  attempt: number;
  maxAttempts: number;
  log: Logger;
}

export type JobHandler<P = unknown> = (payload: P, context: JobContext) => Promise<void>;

export interface EnqueueOptions {
  /**
   * De-duplication key: while a job with this key is waiting, enqueueing again
   * replaces its payload and run time instead of adding a second job.
   */
  key?: string;
  runAt?: Date;
  /** Default 5. Retries back off exponentially. */
  maxAttempts?: number;
  /** Lower runs first; default 0. */
  priority?: number;
}

export interface JobQueue {
  /** Registers the handler for a job name. Register before `start()`. */
  register<P>(name: string, handler: JobHandler<P>): void;
  enqueue<P>(name: string, payload: P, options?: EnqueueOptions): Promise<void>;
  /**
   * Runs `name` on a cron schedule (5-field crontab, UTC). At most one run per
   * schedule tick across all workers.
   */
  schedule(name: string, cron: string, payload?: unknown): void;
  /** Starts processing jobs (a process that only enqueues never calls this). */
  start(): Promise<void>;
  /** Stops taking new jobs and waits for running ones to finish. */
  stop(): Promise<void>;
  /** Counts by state, for /readyz, metrics and the UI. */
  stats(): Promise<QueueStats>;
}

export interface QueueStats {
  waiting: number;
  running: number;
  failed: number;
}
