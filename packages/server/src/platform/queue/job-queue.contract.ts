import { Writable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.js';
import { createLogger } from '../logging.js';
import { retryDelayMs } from './backoff.js';
import type { JobContext } from './job-queue.js';
import type { JobQueueAdapter, JobQueueOptions, JobQueueTimings } from './job-queue-adapter.js';

/** A fresh database for one test, with the queue tables and `queue_test_results`. */
export interface ContractDatabase {
  database: Database;
  /** Opens another connection to the same database, as a second process would have. */
  connect(): Promise<Database>;
  dispose(): Promise<void>;
}

/** What the behaviour suite needs from one adapter. */
export interface JobQueueContractSubject {
  openDatabase(): Promise<ContractDatabase>;
  createQueue(options: JobQueueOptions): JobQueueAdapter;
  /** The backoff scale the adapter really uses (graphile-worker's is fixed at 1 s). */
  retryBaseMs: number;
}

interface ResultTables {
  queue_test_results: { id: string; value: string; updated_at: string };
}

/** Short timings so leases, retries and sweeps happen within a test. */
export const CONTRACT_TIMINGS: Partial<JobQueueTimings> = {
  pollIntervalMs: 50,
  leaseMs: 3_000,
  heartbeatIntervalMs: 200,
  sweepIntervalMs: 100,
  scheduleIntervalMs: 3_600_000,
  retryBaseMs: 50,
};

/**
 * The one behaviour suite every JobQueue adapter must pass. A `*.db.test.ts` file
 * calls it with a subject for the engine of the current test project.
 *
 * @example
 * describeJobQueueContract('SQLite job queue', sqliteSubject);
 */
export function describeJobQueueContract(title: string, subject: () => JobQueueContractSubject): void {
  describe(title, () => {
    const cleanups: (() => Promise<void>)[] = [];

    afterEach(async () => {
      // Last opened, first closed: queues stop before their database goes away.
      while (cleanups.length > 0) await cleanups.pop()?.();
    });

    async function setup() {
      const harness = subject();
      const contractDb = await harness.openDatabase();
      cleanups.push(() => contractDb.dispose());
      const connect = async () => {
        const database = await contractDb.connect();
        cleanups.push(() => database.close());
        return database;
      };
      // Everything the queues log, at every level, to check that payloads never appear.
      let logs = '';
      const logger = createLogger({
        level: 'trace',
        destination: new Writable({
          write(chunk, _encoding, done) {
            logs += String(chunk);
            done();
          },
        }),
      });
      const queue = (options: Partial<JobQueueOptions> = {}) => {
        const instance = harness.createQueue({
          database: contractDb.database,
          logger,
          ...options,
          timings: { ...CONTRACT_TIMINGS, ...options.timings },
        });
        cleanups.push(() => instance.stop());
        return instance;
      };
      const onCleanup = (cleanup: () => Promise<void>) => cleanups.push(cleanup);
      return { harness, database: contractDb.database, connect, queue, onCleanup, logs: () => logs };
    }

    it('runs an enqueued job with its payload and context', async () => {
      const { queue } = await setup();
      const q = queue();
      const seen: { payload: unknown; context: JobContext }[] = [];
      q.register<{ repo: string; count: number }>('test.echo', async (payload, context) => {
        seen.push({ payload, context });
      });
      await q.start();
      await q.enqueue('test.echo', { repo: 'payments', count: 3 }, { maxAttempts: 4 });
      await waitFor(() => seen.length === 1);
      const [run] = seen;
      expect(run?.payload).toEqual({ repo: 'payments', count: 3 });
      expect(run?.context.attempt).toBe(1);
      expect(run?.context.maxAttempts).toBe(4);
      expect(run?.context.jobId).toMatch(/\S/);
      expect(typeof run?.context.log.info).toBe('function');
      await waitFor(async () => (await q.stats()).running === 0);
      expect(await q.stats()).toEqual({ waiting: 0, running: 0, failed: 0 });
    });

    it('counts waiting jobs before a worker starts and runs higher priority (lower number) first', async () => {
      const { queue } = await setup();
      const q = queue({ concurrency: 1 });
      const order: string[] = [];
      q.register<{ name: string }>('test.ordered', async ({ name }) => {
        order.push(name);
      });
      await q.enqueue('test.ordered', { name: 'low' }, { priority: 5 });
      await q.enqueue('test.ordered', { name: 'high' }, { priority: -5 });
      await q.enqueue('test.ordered', { name: 'normal' });
      expect(await q.stats()).toEqual({ waiting: 3, running: 0, failed: 0 });
      await q.start();
      await waitFor(() => order.length === 3);
      expect(order).toEqual(['high', 'normal', 'low']);
    });

    it('replaces a waiting job that has the same key instead of adding another', async () => {
      const { queue } = await setup();
      const q = queue();
      const seen: unknown[] = [];
      q.register('test.keyed', async (payload) => {
        seen.push(payload);
      });
      await q.enqueue('test.keyed', { location: 1, version: 1 }, { key: 'location:1' });
      await q.enqueue('test.keyed', { location: 1, version: 2 }, { key: 'location:1' });
      await q.enqueue('test.keyed', { location: 2, version: 1 }, { key: 'location:2' });
      expect((await q.stats()).waiting).toBe(2);
      await q.start();
      await waitFor(() => seen.length === 2);
      await waitFor(async () => (await q.stats()).running === 0);
      expect(seen).toHaveLength(2);
      expect(seen).toContainEqual({ location: 1, version: 2 });
      expect(seen).toContainEqual({ location: 2, version: 1 });
    });

    it('lists waiting jobs with their state, key and run time, filtered by state and name', async () => {
      const { queue } = await setup();
      const q = queue();
      const runAt = new Date('2031-05-01T10:00:00.000Z');
      await q.enqueue('test.listed', { n: 1 }, { key: 'listed:1', runAt, priority: 3, maxAttempts: 7 });
      await q.enqueue('test.other', { n: 2 });
      const listed = await q.list({ name: 'test.listed' });
      expect(listed).toEqual([
        {
          id: expect.any(String),
          name: 'test.listed',
          state: 'waiting',
          attempts: 0,
          maxAttempts: 7,
          priority: 3,
          key: 'listed:1',
          runAt: runAt.toISOString(),
          lastError: null,
          createdAt: expect.any(String),
        },
      ]);
      expect((await q.list()).map((job) => job.name).sort()).toEqual(['test.listed', 'test.other']);
      expect(await q.list({ state: 'failed' })).toEqual([]);
      expect(await q.list({ limit: 1 })).toHaveLength(1);
      await expect(q.list({ limit: 0 })).rejects.toThrow(/limit/);
    });

    it('replaces the run time too, so a keyed job can be postponed and brought forward', async () => {
      const { queue } = await setup();
      const q = queue({ concurrency: 1 });
      const seen: unknown[] = [];
      q.register('test.postponed', async (payload) => {
        seen.push(payload);
      });
      await q.enqueue('test.postponed', { version: 1 }, { key: 'k' });
      await q.enqueue('test.postponed', { version: 2 }, { key: 'k', runAt: new Date(Date.now() + 60_000) });
      await q.enqueue('test.postponed', { version: 'unkeyed' });
      await q.start();
      await waitFor(() => seen.length === 1);
      expect(seen).toEqual([{ version: 'unkeyed' }]);
      await waitFor(async () => (await q.stats()).running === 0);
      expect((await q.stats()).waiting).toBe(1);
      await q.enqueue('test.postponed', { version: 3 }, { key: 'k' });
      await waitFor(() => seen.length === 2);
      expect(seen).toEqual([{ version: 'unkeyed' }, { version: 3 }]);
    });

    it('keeps a failed job and adds a new one when enqueued again with its key', async () => {
      const { queue } = await setup();
      const q = queue();
      const seen: { version: number; attempt: number }[] = [];
      q.register<{ version: number }>('test.revived', async ({ version }, { attempt }) => {
        seen.push({ version, attempt });
        if (version === 1) throw new Error('bad version');
      });
      await q.start();
      await q.enqueue('test.revived', { version: 1 }, { key: 'k', maxAttempts: 1 });
      await waitFor(async () => (await q.stats()).failed === 1);
      await q.enqueue('test.revived', { version: 2 }, { key: 'k', maxAttempts: 1 });
      await waitFor(() => seen.length === 2);
      await waitFor(async () => (await q.stats()).running === 0);
      expect(seen).toEqual([
        { version: 1, attempt: 1 },
        { version: 2, attempt: 1 },
      ]);
      expect(await q.stats()).toEqual({ waiting: 0, running: 0, failed: 1 });
    });

    it('leaves jobs without a handler in this process waiting', async () => {
      const { queue } = await setup();
      const q = queue();
      const seen: unknown[] = [];
      q.register('test.known', async (payload) => {
        seen.push(payload);
      });
      await q.start();
      await q.enqueue('test.unknown', { for: 'another process' });
      await q.enqueue('test.known', { n: 1 });
      await waitFor(() => seen.length === 1);
      await waitFor(async () => (await q.stats()).running === 0);
      expect(await q.stats()).toEqual({ waiting: 1, running: 0, failed: 0 });
    });

    it('adds a new job when the job with the key is already running', async () => {
      const { queue } = await setup();
      const q = queue();
      const seen: number[] = [];
      const release = deferred();
      q.register<{ version: number }>('test.keyed-running', async ({ version }) => {
        seen.push(version);
        if (version === 1) await release.promise;
      });
      await q.start();
      await q.enqueue('test.keyed-running', { version: 1 }, { key: 'k' });
      await waitFor(() => seen.length === 1);
      await q.enqueue('test.keyed-running', { version: 2 }, { key: 'k' });
      await waitFor(() => seen.length === 2);
      release.resolve();
      await waitFor(async () => {
        const stats = await q.stats();
        return stats.running === 0 && stats.waiting === 0;
      });
      expect(seen).toEqual([1, 2]);
    });

    it('retries a failed attempt after a backoff and then succeeds', async () => {
      const { queue, harness } = await setup();
      const q = queue();
      const attempts: { attempt: number; at: number }[] = [];
      let failedAt = 0;
      q.register('test.flaky', async (_payload, { attempt }) => {
        attempts.push({ attempt, at: Date.now() });
        if (attempt === 1) {
          failedAt = Date.now();
          throw new Error('remote not reachable');
        }
      });
      await q.start();
      await q.enqueue('test.flaky', {}, { maxAttempts: 3 });
      await waitFor(() => attempts.length === 2, 15_000);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      // The retry waited at least the backoff for attempt 1 (ms clock granularity aside).
      expect((attempts[1]?.at ?? 0) - failedAt).toBeGreaterThanOrEqual(retryDelayMs(1, harness.retryBaseMs) - 5);
      await waitFor(async () => (await q.stats()).running === 0);
      expect(await q.stats()).toEqual({ waiting: 0, running: 0, failed: 0 });
    });

    it('marks a job failed and keeps it once its attempts are used up', async () => {
      const { queue, logs } = await setup();
      const q = queue();
      const attempts: number[] = [];
      q.register('test.broken', async (_payload, { attempt }) => {
        attempts.push(attempt);
        throw new Error('always broken');
      });
      await q.start();
      await q.enqueue('test.broken', { apiKey: 'payload-marker-7f3a' }, { maxAttempts: 2 });
      await waitFor(async () => (await q.stats()).failed === 1, 15_000);
      expect(attempts).toEqual([1, 2]);
      expect(await q.stats()).toEqual({ waiting: 0, running: 0, failed: 1 });
      const [failed] = await q.list({ state: 'failed' });
      expect(failed).toMatchObject({
        name: 'test.broken',
        state: 'failed',
        attempts: 2,
        maxAttempts: 2,
        lastError: 'always broken',
        key: null,
      });
      expect(JSON.stringify(failed)).not.toContain('payload-marker-7f3a');
      // Logs name the job and say why it failed, but never show its payload.
      expect(logs()).toContain('test.broken');
      expect(logs()).toContain('always broken');
      expect(logs()).not.toContain('payload-marker-7f3a');
    });

    it('does not run a job before its runAt', async () => {
      const { queue } = await setup();
      const q = queue();
      const ran: { name: string; at: number }[] = [];
      q.register<{ name: string }>('test.later', async ({ name }) => {
        ran.push({ name, at: Date.now() });
      });
      await q.start();
      const runAt = new Date(Date.now() + 1_500);
      await q.enqueue('test.later', { name: 'later' }, { runAt });
      await q.enqueue('test.later', { name: 'now' });
      await waitFor(() => ran.length === 1);
      expect(ran[0]?.name).toBe('now');
      expect((await q.stats()).waiting).toBe(1);
      await waitFor(() => ran.length === 2);
      expect(ran[1]?.name).toBe('later');
      expect(ran[1]?.at).toBeGreaterThanOrEqual(runAt.getTime() - 5);
    });

    it('fires a cron schedule once per tick across workers, and once for ticks missed while down', async () => {
      const { queue, connect } = await setup();
      let clock = new Date('2030-01-01T00:00:30Z');
      const now = () => clock;
      const runs: unknown[] = [];
      const handler = async (payload: unknown) => {
        runs.push(payload);
      };
      const a = queue({ now });
      const b = queue({ now, database: await connect() });
      for (const q of [a, b]) {
        q.register('test.cron', handler);
        q.schedule('test.cron', '* * * * *', { from: 'cron' });
      }
      await a.start();
      await b.start();
      // A new schedule waits for its next tick.
      expect(await a.runDueSchedules()).toBe(0);

      clock = new Date('2030-01-01T00:01:10Z');
      const enqueued = await Promise.all([a.runDueSchedules(), b.runDueSchedules(), a.runDueSchedules()]);
      expect(enqueued.reduce((sum, n) => sum + n, 0)).toBe(1);
      await waitFor(() => runs.length === 1);
      expect(runs[0]).toEqual({ from: 'cron' });

      // Eleven ticks passed: one run, not eleven.
      clock = new Date('2030-01-01T00:12:05Z');
      const later = await Promise.all([b.runDueSchedules(), a.runDueSchedules()]);
      expect(later.reduce((sum, n) => sum + n, 0)).toBe(1);
      await waitFor(() => runs.length === 2);

      // Every worker down for an hour: the next one to start runs the schedule once.
      await a.stop();
      await b.stop();
      clock = new Date('2030-01-01T01:12:05Z');
      const c = queue({ now });
      c.register('test.cron', handler);
      c.schedule('test.cron', '* * * * *', { from: 'cron' });
      await c.start();
      await waitFor(() => runs.length === 3);
      expect(await c.runDueSchedules()).toBe(0);
      await waitFor(async () => {
        const stats = await c.stats();
        return stats.running === 0 && stats.waiting === 0;
      });
      expect(runs).toHaveLength(3);
    });

    it('rejects a bad cron expression when scheduling', async () => {
      const { queue } = await setup();
      const q = queue();
      expect(() => q.schedule('test.cron', '*/5 * * *')).toThrow(/must have 5 fields/);
    });

    it('runs a job again on another worker when its worker stops heartbeating; an idempotent handler stays correct', async () => {
      const { queue, connect, database, onCleanup } = await setup();
      const results = database.db as unknown as Kysely<ResultTables>;
      const attempts: number[] = [];
      const firstRunStarted = deferred();
      const releaseFirstRun = deferred();
      // Written idempotently: an upsert keyed by the payload, so running twice is harmless.
      const handler = (db: Kysely<ResultTables>) => async (payload: unknown, context: JobContext) => {
        const { id, value } = payload as { id: string; value: string };
        attempts.push(context.attempt);
        if (attempts.length === 1) {
          firstRunStarted.resolve();
          await releaseFirstRun.promise;
        }
        await db
          .insertInto('queue_test_results')
          .values({ id, value, updated_at: new Date().toISOString() })
          .onConflict((oc) => oc.column('id').doUpdateSet({ value, updated_at: new Date().toISOString() }))
          .execute();
      };

      // Worker A claims the job, then its heartbeat stops (it hangs, as a dead process would).
      const a = queue({
        concurrency: 1,
        timings: { leaseMs: 400, heartbeatIntervalMs: 300_000, sweepIntervalMs: 300_000 },
      });
      a.register('test.recover', handler(results));
      // Should an assertion fail, the hung run must still end so that A can stop.
      onCleanup(async () => releaseFirstRun.resolve());
      await a.start();
      await a.enqueue('test.recover', { id: 'entity-1', value: 'v1' });
      await firstRunStarted.promise;

      // Worker B on its own connection notices A's lease ran out and runs the job again.
      const bDatabase = await connect();
      const b = queue({ database: bDatabase });
      b.register('test.recover', handler(bDatabase.db as unknown as Kysely<ResultTables>));
      await b.start();
      await waitFor(() => attempts.length === 2, 15_000);
      expect(attempts).toEqual([1, 2]);
      await waitFor(async () => (await b.stats()).running === 0 && (await b.stats()).waiting === 0);

      // The hung first run finishes late; the result is still one correct row.
      releaseFirstRun.resolve();
      await a.stop();
      const rows = await results.selectFrom('queue_test_results').selectAll().execute();
      expect(rows.map((r) => ({ id: r.id, value: r.value }))).toEqual([{ id: 'entity-1', value: 'v1' }]);
      expect(await b.stats()).toEqual({ waiting: 0, running: 0, failed: 0 });
      expect(attempts).toHaveLength(2);
    });

    it('never runs a job twice or concurrently when two workers share the queue', async () => {
      const { queue, connect } = await setup();
      const runs = new Map<number, number>();
      const active = new Set<number>();
      let overlaps = 0;
      const handler = async (payload: unknown) => {
        const { n } = payload as { n: number };
        if (active.has(n)) overlaps += 1;
        active.add(n);
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active.delete(n);
      };
      const a = queue({ concurrency: 3 });
      const b = queue({ concurrency: 3, database: await connect() });
      a.register('test.many', handler);
      b.register('test.many', handler);
      await a.start();
      await b.start();
      await Promise.all(Array.from({ length: 50 }, (_, n) => (n % 2 === 0 ? a : b).enqueue('test.many', { n })));
      await waitFor(() => runs.size === 50, 15_000);
      await waitFor(async () => {
        const stats = await a.stats();
        return stats.running === 0 && stats.waiting === 0;
      });
      expect([...runs.values()].every((count) => count === 1)).toBe(true);
      expect(runs.size).toBe(50);
      expect(overlaps).toBe(0);
    });

    it('stop() waits for running jobs to finish and takes no new ones', async () => {
      const { queue } = await setup();
      const q = queue({ concurrency: 1 });
      const started = deferred();
      const finished: string[] = [];
      q.register<{ name: string }>('test.slow', async ({ name }) => {
        started.resolve();
        await new Promise((resolve) => setTimeout(resolve, 300));
        finished.push(name);
      });
      await q.start();
      await q.enqueue('test.slow', { name: 'first' });
      await started.promise;
      await q.enqueue('test.slow', { name: 'second' });
      await q.stop();
      expect(finished).toEqual(['first']);
      const other = queue();
      expect(await other.stats()).toEqual({ waiting: 1, running: 0, failed: 0 });
    });

    it('rejects bad enqueue options with a message naming the job', async () => {
      const { queue } = await setup();
      const q = queue();
      await expect(q.enqueue('test.bad', {}, { maxAttempts: 0 })).rejects.toThrow(/Job "test.bad": maxAttempts/);
      await expect(q.enqueue('test.bad', {}, { priority: 1.5 })).rejects.toThrow(/Job "test.bad": priority/);
      await expect(q.enqueue('test.bad', {}, { runAt: new Date('nope') })).rejects.toThrow(/runAt/);
    });
  });
}

/** The test table the idempotency case writes to; add it to the test database's migrations. */
export const contractTestMigrations = {
  'queue-test/0001-results': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations are untyped by design
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('queue_test_results')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await sql`select 1`.execute(db);
    },
  },
};

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
