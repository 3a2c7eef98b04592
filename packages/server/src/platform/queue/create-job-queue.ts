import { createGraphileJobQueue } from './graphile-job-queue.js';
import type { JobQueueAdapter, JobQueueOptions } from './job-queue-adapter.js';
import { createSqliteJobQueue } from './sqlite-job-queue.js';

export type CreateJobQueueOptions = JobQueueOptions;

/**
 * The job queue for the database in use: the in-process queue on the SQLite file,
 * or graphile-worker on PostgreSQL. Creating it opens nothing; PostgreSQL
 * connections are made on first use. Call `stop()` when the process ends, whether
 * or not it started the worker: it also releases those connections.
 *
 * @example
 * const queue = createJobQueue({ database, logger });
 * queue.register('catalog.refresh-location', handler);
 * if (config.runWorker) await queue.start();
 * // ...on shutdown
 * await queue.stop();
 */
export function createJobQueue(options: CreateJobQueueOptions): JobQueueAdapter {
  return options.database.dialect === 'postgres' ? createGraphileJobQueue(options) : createSqliteJobQueue(options);
}
