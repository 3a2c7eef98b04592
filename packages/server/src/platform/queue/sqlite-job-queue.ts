import { EventEmitter } from 'node:events';
import { type Kysely, sql } from 'kysely';
import { newId } from '../ids.js';
import type { Logger } from '../logging.js';
import { retryDelayMs } from './backoff.js';
import { CronSchedules } from './cron-schedules.js';
import { validateEnqueue } from './enqueue-options.js';
import type { EnqueueOptions, JobHandler, QueueStats } from './job-queue.js';
import {
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

interface JobRow {
  id: string;
  name: string;
  payload_json: string;
  job_key: string | null;
  priority: number;
  run_at: string;
  attempts: number;
  max_attempts: number;
  state: 'waiting' | 'running' | 'failed';
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

interface JobTables {
  backbeat_jobs: JobRow;
}

type ClaimedJob = Pick<JobRow, 'id' | 'name' | 'payload_json' | 'attempts' | 'max_attempts'>;

// Instances in one process on the same file wake each other on enqueue instead of
// waiting for their next poll.
const wakeups = new EventEmitter();
wakeups.setMaxListeners(0);

/**
 * The embedded queue: jobs in `backbeat_jobs` on the SQLite file. A worker claims
 * a job with one atomic UPDATE ... RETURNING that sets a lease (`locked_until`),
 * renews the lease by heartbeat while the handler runs, and deletes the job when it
 * succeeds. A job whose lease expired (its worker died) is claimed again by any
 * instance. Failed attempts wait `retryBaseMs × e^min(attempt, 10)` (backoff.ts).
 *
 * @example
 * const queue = createSqliteJobQueue({ database, logger });
 * queue.register('catalog.refresh-location', async ({ locationId }) => refresh(locationId));
 * await queue.start();
 */
export function createSqliteJobQueue(options: JobQueueOptions): JobQueueAdapter {
  return new SqliteJobQueue(options);
}

class SqliteJobQueue implements JobQueueAdapter {
  readonly workerId: string;
  private readonly db: Kysely<JobTables>;
  private readonly logger: Logger;
  private readonly timings: JobQueueTimings;
  private readonly concurrency: number;
  private readonly now: () => Date;
  private readonly wakeChannel: string;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly schedules: CronSchedules;
  private readonly running = new Map<string, Promise<void>>();
  private state: 'idle' | 'started' | 'stopping' | 'stopped' = 'idle';
  private stopping: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private scheduleTimer: NodeJS.Timeout | undefined;
  private filling = false;
  private refill = false;
  private readonly onWake = () => void this.fill();

  constructor(options: JobQueueOptions) {
    if (options.database.dialect !== 'sqlite') {
      throw new Error('The SQLite job queue needs a SQLite database; use the graphile-worker queue on PostgreSQL');
    }
    this.db = options.database.db as unknown as Kysely<JobTables>;
    this.workerId = `${options.workerId ?? 'worker'}-${newId()}`;
    this.logger = options.logger.child({ component: 'job-queue', workerId: this.workerId });
    this.timings = resolveTimings(options.timings);
    this.concurrency = resolveConcurrency(options.concurrency);
    const warning = leaseWarning(this.timings);
    if (warning) this.logger.warn(warning);
    this.now = options.now ?? (() => new Date());
    this.wakeChannel = `jobs:${options.database.sqliteFile ?? 'memory'}`;
    this.schedules = new CronSchedules({
      database: options.database,
      logger: this.logger,
      enqueue: (name, payload, enqueueOptions) => this.enqueue(name, payload, enqueueOptions),
    });
  }

  register<P>(name: string, handler: JobHandler<P>): void {
    if (!name) throw new Error('A job handler needs a name');
    if (this.handlers.has(name)) throw new Error(`A handler for job "${name}" is already registered`);
    if (this.state !== 'idle') throw new Error(`Register job "${name}" before the queue starts`);
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  async enqueue<P>(name: string, payload: P, options: EnqueueOptions = {}): Promise<void> {
    const job = validateEnqueue(name, options);
    const now = new Date().toISOString();
    const row: JobRow = {
      id: newId(),
      name,
      payload_json: JSON.stringify(payload ?? null),
      job_key: options.key ?? null,
      priority: job.priority,
      run_at: (options.runAt ?? new Date()).toISOString(),
      attempts: 0,
      max_attempts: job.maxAttempts,
      state: 'waiting',
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    if (options.key === undefined) {
      await this.db.insertInto('backbeat_jobs').values(row).execute();
    } else {
      const key = options.key;
      await this.db.transaction().execute(async (trx) => {
        // As graphile-worker does: a running job already acted on older information,
        // so it keeps running but loses the key and its retries; a failed job stays
        // failed for inspection. Either way a new job carries the new payload.
        await trx
          .updateTable('backbeat_jobs')
          .set({ job_key: null, attempts: sql`max_attempts`, updated_at: now })
          .where('job_key', '=', key)
          .where('state', '<>', 'waiting')
          .execute();
        await trx
          .insertInto('backbeat_jobs')
          .values(row)
          .onConflict((oc) =>
            oc.column('job_key').doUpdateSet({
              name: row.name,
              payload_json: row.payload_json,
              priority: row.priority,
              run_at: row.run_at,
              max_attempts: row.max_attempts,
              attempts: 0,
              state: 'waiting',
              last_error: null,
              updated_at: now,
            }),
          )
          .execute();
      });
    }
    this.logger.debug({ job: name }, 'job enqueued');
    wakeups.emit(this.wakeChannel);
  }

  schedule(name: string, cron: string, payload?: unknown): void {
    this.schedules.add(name, cron, payload);
  }

  async runDueSchedules(now?: Date): Promise<number> {
    return this.schedules.runDue(now ?? this.now());
  }

  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`The job queue cannot start: it is ${this.state}`);
    this.state = 'started';
    wakeups.on(this.wakeChannel, this.onWake);
    this.pollTimer = setInterval(() => void this.fill(), this.timings.pollIntervalMs);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.timings.heartbeatIntervalMs);
    this.scheduleTimer = setInterval(() => void this.runSchedulesSafely(), this.timings.scheduleIntervalMs);
    // A tick missed while no worker was up runs now, once.
    await this.runSchedulesSafely();
    this.logger.info({ concurrency: this.concurrency, jobs: [...this.handlers.keys()] }, 'job worker started');
    void this.fill();
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    if (this.state !== 'started') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    wakeups.off(this.wakeChannel, this.onWake);
    clearInterval(this.pollTimer);
    clearInterval(this.scheduleTimer);
    // The heartbeat goes on while running jobs finish, or another worker would take them over.
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
    clearInterval(this.heartbeatTimer);
    this.state = 'stopped';
    this.logger.info('job worker stopped');
  }

  async stats(): Promise<QueueStats> {
    const rows = await this.db
      .selectFrom('backbeat_jobs')
      .select(['state', (eb) => eb.fn.countAll<number | string>().as('count')])
      .groupBy('state')
      .execute();
    const stats: QueueStats = { waiting: 0, running: 0, failed: 0 };
    for (const row of rows) {
      if (row.state === 'waiting' || row.state === 'running' || row.state === 'failed') {
        stats[row.state] = Number(row.count);
      }
    }
    return stats;
  }

  async list(options: ListJobsOptions = {}): Promise<JobSummary[]> {
    let query = this.db
      .selectFrom('backbeat_jobs')
      .select([
        'id',
        'name',
        'state',
        'attempts',
        'max_attempts',
        'priority',
        'job_key',
        'run_at',
        'last_error',
        'created_at',
      ]);
    if (options.state) query = query.where('state', '=', options.state);
    if (options.name) query = query.where('name', '=', options.name);
    const rows = await query
      .orderBy(sql`case state when 'failed' then 0 when 'running' then 1 else 2 end`)
      .orderBy('run_at')
      .orderBy('id')
      .limit(resolveListLimit(options.limit))
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      state: row.state,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      priority: row.priority,
      key: row.job_key,
      runAt: row.run_at,
      lastError: row.last_error,
      createdAt: row.created_at,
    }));
  }

  private async runSchedulesSafely(): Promise<void> {
    try {
      await this.schedules.runDue(this.now());
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'could not check cron schedules');
    }
  }

  /** Claims jobs until every slot is busy or nothing is due. */
  private async fill(): Promise<void> {
    if (this.filling) {
      this.refill = true;
      return;
    }
    this.filling = true;
    try {
      do {
        this.refill = false;
        while (this.state === 'started' && this.running.size < this.concurrency) {
          const job = await this.claim();
          if (!job) break;
          this.launch(job);
        }
      } while (this.refill && this.state === 'started');
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'could not claim a job');
    } finally {
      this.filling = false;
    }
  }

  private async claim(): Promise<ClaimedJob | undefined> {
    const names = [...this.handlers.keys()];
    if (names.length === 0) return undefined;
    const now = new Date();
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + this.timings.leaseMs).toISOString();
    // One statement, so two workers (threads, processes) never claim the same job.
    const result = await sql<ClaimedJob>`
      update backbeat_jobs
      set state = 'running', locked_by = ${this.workerId}, locked_until = ${until},
          attempts = attempts + 1, updated_at = ${nowIso}
      where id = (
        select id from backbeat_jobs
        where name in (${sql.join(names)})
          and attempts < max_attempts
          and ((state = 'waiting' and run_at <= ${nowIso})
            or (state = 'running' and locked_until < ${nowIso}))
        order by priority, run_at, id
        limit 1
      )
      returning id, name, payload_json, attempts, max_attempts`.execute(this.db);
    return result.rows[0];
  }

  private launch(job: ClaimedJob): void {
    const promise = this.execute(job).finally(() => {
      this.running.delete(job.id);
      void this.fill();
    });
    this.running.set(job.id, promise);
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const log = this.logger.child({ job: job.name, jobId: job.id });
    const handler = this.handlers.get(job.name);
    log.debug({ attempt: job.attempts }, 'job started');
    try {
      if (!handler) throw new Error(`No handler registered for job "${job.name}"`);
      const payload: unknown = JSON.parse(job.payload_json);
      await handler(payload, { jobId: job.id, attempt: job.attempts, maxAttempts: job.max_attempts, log });
    } catch (error) {
      await this.fail(job, error, log).catch((failError: Error) =>
        log.error({ err: failError.message }, 'could not record the failed attempt'),
      );
      return;
    }
    try {
      const done = await this.db
        .deleteFrom('backbeat_jobs')
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .executeTakeFirst();
      if (Number(done.numDeletedRows) === 0) {
        log.warn('job finished after its lease passed to another worker');
      } else {
        log.debug({ attempt: job.attempts }, 'job completed');
      }
    } catch (error) {
      log.error({ err: (error as Error).message }, 'could not record the completed job');
    }
  }

  private async fail(job: ClaimedJob, error: unknown, log: Logger): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const now = new Date();
    const runAt = new Date(now.getTime() + retryDelayMs(job.attempts, this.timings.retryBaseMs)).toISOString();
    const result = await this.db
      .updateTable('backbeat_jobs')
      .set({
        // Read attempts from the row: a keyed enqueue during the run may have used them up.
        state: sql`case when attempts >= max_attempts then 'failed' else 'waiting' end`,
        run_at: runAt,
        locked_by: null,
        locked_until: null,
        last_error: message,
        updated_at: now.toISOString(),
      })
      .where('id', '=', job.id)
      .where('locked_by', '=', this.workerId)
      .returning('state')
      .executeTakeFirst();
    if (!result) {
      log.warn({ err: message }, 'job failed after its lease passed to another worker');
    } else if (result.state === 'failed') {
      log.error({ attempt: job.attempts, maxAttempts: job.max_attempts, err: message }, 'job failed for good');
    } else {
      log.warn(
        { attempt: job.attempts, maxAttempts: job.max_attempts, err: message, retryAt: runAt },
        'job attempt failed',
      );
    }
  }

  private async heartbeat(): Promise<void> {
    try {
      const now = new Date();
      const nowIso = now.toISOString();
      if (this.running.size > 0) {
        await this.db
          .updateTable('backbeat_jobs')
          .set({ locked_until: new Date(now.getTime() + this.timings.leaseMs).toISOString() })
          .where('locked_by', '=', this.workerId)
          .where('state', '=', 'running')
          .execute();
      }
      // A dead worker's job with no attempts left will never be claimed again: mark it failed.
      await this.db
        .updateTable('backbeat_jobs')
        .set({
          state: 'failed',
          locked_by: null,
          locked_until: null,
          last_error: 'the worker running the last attempt stopped responding',
          updated_at: nowIso,
        })
        .where('state', '=', 'running')
        .where('locked_until', '<', nowIso)
        .whereRef('attempts', '>=', 'max_attempts')
        .execute();
    } catch (error) {
      this.logger.error({ err: (error as Error).message }, 'job heartbeat failed');
    }
  }
}
