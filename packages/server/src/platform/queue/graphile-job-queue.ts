import { EventEmitter } from 'node:events';
import {
  Logger as GraphileLogger,
  type JobHelpers,
  type LogLevel,
  makeWorkerUtils,
  type Runner,
  run,
  type TaskList,
  type WorkerEvents,
  type WorkerUtils,
} from 'graphile-worker';
import { sql } from 'kysely';
import pg from 'pg';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { CronSchedules } from './cron-schedules.js';
import { validateEnqueue } from './enqueue-options.js';
import type { EnqueueOptions, JobHandler, QueueStats } from './job-queue.js';
import {
  DEFAULT_TIMINGS,
  type JobQueueAdapter,
  type JobQueueOptions,
  type JobQueueTimings,
  type JobSummary,
  type ListJobsOptions,
  leaseWarning,
  resolveConcurrency,
  resolveListLimit,
  resolveTimings,
} from './job-queue-adapter.js';
import { WorkerHeartbeats } from './worker-heartbeats.js';

/** graphile-worker polls less often than SQLite: it also wakes on LISTEN/NOTIFY. */
const GRAPHILE_DEFAULT_TIMINGS: JobQueueTimings = { ...DEFAULT_TIMINGS, pollIntervalMs: 1_000 };

// Payloads travel wrapped: graphile-worker merges array payloads that share a job
// key and treats array results as batches, and it turns a null payload into {}.
interface WrappedPayload {
  payload: unknown;
}

// One schema migration per database per process; graphile-worker copes with other
// processes migrating at the same time.
const migrations = new Map<string, Promise<void>>();

/**
 * The PostgreSQL queue: graphile-worker 0.17 on the database's connection string,
 * shared by any number of `backbeat worker` processes. Jobs are de-duplicated with
 * graphile's job keys (mode `replace`); retries use graphile's backoff
 * `e^min(attempt, 10)` seconds, the same formula as the SQLite adapter's default.
 *
 * graphile-worker only releases the jobs of a crashed worker after 4 hours, so each
 * pool heartbeats into `backbeat_workers`, and every instance sweeps: pools whose
 * lease expired get their jobs released with `forceUnlockWorkers`, to run again on
 * a live worker.
 *
 * @example
 * const queue = createGraphileJobQueue({ database, logger, concurrency: 4 });
 * queue.register('fleet.open-change', handler);
 * await queue.start();
 */
export function createGraphileJobQueue(options: JobQueueOptions): JobQueueAdapter {
  return new GraphileJobQueue(options);
}

class GraphileJobQueue implements JobQueueAdapter {
  private readonly connectionString: string;
  private readonly logger: Logger;
  private readonly timings: JobQueueTimings;
  private readonly concurrency: number;
  private readonly now: () => Date;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly schedules: CronSchedules;
  private readonly heartbeats: WorkerHeartbeats;
  private readonly database: Database;
  private readonly workerPrefix: string;
  private poolId: string | undefined;
  private pgPool: pg.Pool | undefined;
  private utilsPromise: Promise<WorkerUtils> | undefined;
  private runner: Runner | undefined;
  private state: 'idle' | 'started' | 'stopping' | 'stopped' = 'idle';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private scheduleTimer: NodeJS.Timeout | undefined;

  constructor(options: JobQueueOptions) {
    if (options.database.dialect !== 'postgres' || !options.database.connectionString) {
      throw new Error('The graphile-worker job queue needs a PostgreSQL database with a connection string');
    }
    this.database = options.database;
    this.connectionString = options.database.connectionString;
    this.workerPrefix = options.workerId ?? 'worker';
    this.logger = options.logger.child({ component: 'job-queue' });
    this.timings = resolveTimings(options.timings, GRAPHILE_DEFAULT_TIMINGS);
    this.concurrency = resolveConcurrency(options.concurrency);
    const warning = leaseWarning(this.timings);
    if (warning) this.logger.warn(warning);
    this.now = options.now ?? (() => new Date());
    this.heartbeats = new WorkerHeartbeats(options.database);
    this.schedules = new CronSchedules({
      database: options.database,
      logger: this.logger,
      enqueue: (name, payload, enqueueOptions) => this.enqueue(name, payload, enqueueOptions),
    });
  }

  /** graphile-worker names the pool that locks jobs; known once started. */
  get workerId(): string {
    return this.poolId ?? `${this.workerPrefix}-not-started`;
  }

  register<P>(name: string, handler: JobHandler<P>): void {
    if (!name) throw new Error('A job handler needs a name');
    if (this.handlers.has(name)) throw new Error(`A handler for job "${name}" is already registered`);
    if (this.state !== 'idle') throw new Error(`Register job "${name}" before the queue starts`);
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  async enqueue<P>(name: string, payload: P, options: EnqueueOptions = {}): Promise<void> {
    const { maxAttempts, priority } = validateEnqueue(name, options);
    const utils = await this.utils();
    const wrapped: WrappedPayload = { payload: payload ?? null };
    const job = await utils.addJob(name, wrapped, {
      maxAttempts,
      priority,
      ...(options.runAt ? { runAt: options.runAt } : {}),
      ...(options.key !== undefined ? { jobKey: options.key, jobKeyMode: 'replace' as const } : {}),
    });
    this.logger.debug({ job: name, jobId: String(job.id) }, 'job enqueued');
  }

  schedule(name: string, cron: string, payload?: unknown): void {
    this.schedules.add(name, cron, payload);
  }

  async runDueSchedules(now?: Date): Promise<number> {
    await this.utils();
    return this.schedules.runDue(now ?? this.now());
  }

  start(): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new Error(`The job queue cannot start: it is ${this.state}`));
    this.state = 'started';
    this.starting = this.launch();
    return this.starting;
  }

  private async launch(): Promise<void> {
    await this.utils();
    const events: WorkerEvents = new EventEmitter();
    let poolId: string | undefined;
    events.on('pool:create', ({ workerPool }) => {
      poolId = workerPool.id;
    });
    this.runner = await run({
      pgPool: this.pool(),
      concurrency: this.concurrency,
      pollInterval: this.timings.pollIntervalMs,
      taskList: this.taskList(),
      // The process owns signal handling; stop() shuts the pool down gracefully.
      noHandleSignals: true,
      // Cron runs through CronSchedules so both engines share one behaviour.
      crontab: '',
      logger: this.graphileLogger(),
      events,
    });
    // graphile-worker locks jobs with the pool's id, so that is what heartbeats.
    this.poolId = poolId;
    if (!poolId)
      this.logger.warn('graphile-worker did not report its pool id; jobs of this worker cannot be recovered early');
    await this.heartbeat();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.timings.heartbeatIntervalMs);
    this.sweepTimer = setInterval(() => void this.sweep(), this.timings.sweepIntervalMs);
    this.scheduleTimer = setInterval(() => void this.runSchedulesSafely(), this.timings.scheduleIntervalMs);
    // A tick missed while no worker was up runs now, once.
    await this.runSchedulesSafely();
    this.logger.info(
      { workerId: this.poolId, concurrency: this.concurrency, jobs: [...this.handlers.keys()] },
      'job worker started',
    );
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const wasStarted = this.state === 'started';
    this.state = 'stopping';
    await this.starting?.catch(() => undefined);
    clearInterval(this.sweepTimer);
    clearInterval(this.scheduleTimer);
    if (this.runner) {
      // Waits for running jobs; the heartbeat keeps their lease meanwhile.
      await this.runner.stop();
      this.runner = undefined;
    }
    clearInterval(this.heartbeatTimer);
    if (this.poolId) {
      await this.heartbeats
        .remove(this.poolId)
        .catch((error: Error) => this.logger.warn({ err: error.message }, 'could not remove worker heartbeat'));
    }
    if (this.utilsPromise) {
      const utils = await this.utilsPromise.catch(() => undefined);
      await utils?.release();
    }
    await this.pgPool?.end();
    this.state = 'stopped';
    if (wasStarted) this.logger.info({ workerId: this.poolId }, 'job worker stopped');
  }

  async stats(): Promise<QueueStats> {
    await this.utils();
    const result = await sql<{ waiting: string; running: string; failed: string }>`
      select
        count(*) filter (where locked_at is null and attempts < max_attempts) as waiting,
        count(*) filter (where locked_at is not null) as running,
        count(*) filter (where locked_at is null and attempts >= max_attempts) as failed
      from graphile_worker._private_jobs`.execute(this.database.db);
    const row = result.rows[0];
    return { waiting: Number(row?.waiting ?? 0), running: Number(row?.running ?? 0), failed: Number(row?.failed ?? 0) };
  }

  async list(options: ListJobsOptions = {}): Promise<JobSummary[]> {
    const limit = resolveListLimit(options.limit);
    await this.utils();
    const state = sql`case
      when locked_at is not null then 'running'
      when attempts >= max_attempts then 'failed'
      else 'waiting' end`;
    const result = await sql<{
      id: string;
      name: string;
      state: JobSummary['state'];
      attempts: number;
      max_attempts: number;
      priority: number;
      key: string | null;
      run_at: Date;
      last_error: string | null;
      created_at: Date;
    }>`
      select id::text as id, task_identifier as name, ${state} as state, attempts, max_attempts,
             priority, key, run_at, last_error, created_at
      from graphile_worker.jobs
      where (${options.state ?? null}::text is null or ${state} = ${options.state ?? null}::text)
        and (${options.name ?? null}::text is null or task_identifier = ${options.name ?? null}::text)
      order by case ${state} when 'failed' then 0 when 'running' then 1 else 2 end, run_at, id
      limit ${limit}`.execute(this.database.db);
    return result.rows.map((row) => ({
      id: row.id,
      name: row.name,
      state: row.state,
      attempts: Number(row.attempts),
      maxAttempts: Number(row.max_attempts),
      priority: Number(row.priority),
      key: row.key,
      runAt: new Date(row.run_at).toISOString(),
      lastError: row.last_error,
      createdAt: new Date(row.created_at).toISOString(),
    }));
  }

  private pool(): pg.Pool {
    if (!this.pgPool) {
      // Each worker slot holds a client while it fetches or finishes a job; graphile
      // also keeps one for LISTEN and one for WorkerUtils.
      this.pgPool = new pg.Pool({ connectionString: this.connectionString, max: this.concurrency + 4 });
      // An idle or checked-out client can fail when the server restarts; without
      // handlers that error would crash the process.
      const onError = (error: Error) => this.logger.warn({ err: error.message }, 'job queue database client failed');
      this.pgPool.on('error', onError);
      this.pgPool.on('connect', (client) => client.on('error', onError));
    }
    return this.pgPool;
  }

  private utils(): Promise<WorkerUtils> {
    if (this.state === 'stopped') return Promise.reject(new Error('The job queue is stopped'));
    if (!this.utilsPromise) {
      this.utilsPromise = (async () => {
        const utils = await makeWorkerUtils({ pgPool: this.pool(), logger: this.graphileLogger() });
        let migrated = migrations.get(this.connectionString);
        if (!migrated) {
          migrated = utils.migrate();
          migrations.set(this.connectionString, migrated);
          migrated.catch(() => migrations.delete(this.connectionString));
        }
        await migrated;
        return utils;
      })();
      this.utilsPromise.catch(() => {
        this.utilsPromise = undefined;
      });
    }
    return this.utilsPromise;
  }

  private taskList(): TaskList {
    const tasks: TaskList = {};
    for (const [name, handler] of this.handlers) {
      tasks[name] = async (raw: unknown, helpers: JobHelpers) => {
        const jobId = String(helpers.job.id);
        const log = this.logger.child({ job: name, jobId });
        const attempt = helpers.job.attempts;
        const maxAttempts = helpers.job.max_attempts;
        log.debug({ attempt }, 'job started');
        try {
          await handler((raw as WrappedPayload | null)?.payload ?? null, { jobId, attempt, maxAttempts, log });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (attempt >= maxAttempts) {
            log.error({ attempt, maxAttempts, err: message }, 'job failed for good');
          } else {
            log.warn({ attempt, maxAttempts, err: message }, 'job attempt failed');
          }
          throw error;
        }
        log.debug({ attempt }, 'job completed');
      };
    }
    return tasks;
  }

  private async heartbeat(): Promise<void> {
    if (!this.poolId) return;
    try {
      await this.heartbeats.beat(this.poolId, this.timings.leaseMs);
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'job heartbeat failed');
    }
  }

  private async sweep(): Promise<void> {
    try {
      const now = new Date();
      const dead = (await this.heartbeats.expired(now)).filter((id) => id !== this.poolId);
      if (dead.length === 0) return;
      const utils = await this.utils();
      await utils.forceUnlockWorkers(dead);
      await this.heartbeats.forget(dead, now);
      this.logger.warn({ workers: dead }, 'released the jobs of workers that stopped responding');
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'could not sweep dead workers');
    }
  }

  private async runSchedulesSafely(): Promise<void> {
    try {
      await this.schedules.runDue(this.now());
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'could not check cron schedules');
    }
  }

  /**
   * Routes graphile-worker's messages to our logger without their metadata, which
   * carries whole job rows (payloads may hold secrets). Its per-job messages repeat
   * what the task wrapper logs, so they go to debug.
   */
  private graphileLogger(): GraphileLogger {
    const logger = this.logger.child({ component: 'graphile-worker' });
    return new GraphileLogger(() => (level: LogLevel, message: string, meta?: Record<string, unknown>) => {
      const perJob = meta !== undefined && ('job' in meta || 'failure' in meta || 'success' in meta);
      if (perJob || level === 'debug' || level === 'info') logger.debug(message);
      else if (level === 'warning') logger.warn(message);
      else logger.error(message);
    });
  }
}
