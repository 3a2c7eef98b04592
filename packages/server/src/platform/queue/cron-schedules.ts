import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { latestTick, nextTick, parseCron } from './cron.js';
import type { EnqueueOptions } from './job-queue.js';

interface ScheduleTables {
  backbeat_job_schedules: { name: string; cron: string; last_tick: string; updated_at: string };
}

interface Schedule {
  name: string;
  cron: string;
  payload: unknown;
}

/**
 * Cron schedules shared by both adapters. Each process declares its schedules
 * in memory; the table only records the last tick that was enqueued, and a tick is
 * claimed by a conditional update, so across any number of workers each tick runs
 * at most once. Only the latest due tick is considered: after downtime a schedule
 * runs once, never once per missed tick.
 *
 * @example
 * const schedules = new CronSchedules({ database, logger, enqueue: (n, p, o) => queue.enqueue(n, p, o) });
 * schedules.add('catalog.refresh-all', '*\/5 * * * *', {});
 * await schedules.runDue(new Date());
 */
export class CronSchedules {
  private readonly schedules = new Map<string, Schedule>();
  /** Per schedule, the time before which no tick can be due: saves a query per check. */
  private readonly quietUntil = new Map<string, number>();
  private readonly db: Kysely<ScheduleTables>;

  constructor(
    private readonly options: {
      database: Database;
      logger: Logger;
      enqueue: (name: string, payload: unknown, options: EnqueueOptions) => Promise<void>;
    },
  ) {
    this.db = options.database.db as unknown as Kysely<ScheduleTables>;
  }

  /** Declares (or replaces) the schedule of job `name`. Throws on a bad expression. */
  add(name: string, cron: string, payload: unknown): void {
    if (!name) throw new Error('A scheduled job needs a name');
    this.schedules.set(name, { name, cron: parseCron(cron), payload: payload ?? {} });
    this.quietUntil.delete(name);
  }

  get size(): number {
    return this.schedules.size;
  }

  /** Enqueues every schedule with an unclaimed due tick; returns how many it enqueued. */
  async runDue(now: Date): Promise<number> {
    let enqueued = 0;
    for (const schedule of this.schedules.values()) {
      if (now.getTime() < (this.quietUntil.get(schedule.name) ?? 0)) continue;
      try {
        if (await this.runOne(schedule, now)) enqueued += 1;
        this.quietUntil.set(schedule.name, nextTick(schedule.cron, now).getTime());
      } catch (error) {
        // One broken schedule must not keep the others from running.
        this.options.logger.error({ job: schedule.name, err: (error as Error).message }, 'could not run cron schedule');
      }
    }
    return enqueued;
  }

  private async runOne(schedule: Schedule, now: Date): Promise<boolean> {
    const tick = latestTick(schedule.cron, now).toISOString();
    const at = now.toISOString();
    const row = await this.db
      .selectFrom('backbeat_job_schedules')
      .select(['cron', 'last_tick'])
      .where('name', '=', schedule.name)
      .executeTakeFirst();
    if (!row) {
      // A new schedule starts from now; its first run is the next tick.
      await this.db
        .insertInto('backbeat_job_schedules')
        .values({ name: schedule.name, cron: schedule.cron, last_tick: tick, updated_at: at })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      return false;
    }
    if (row.cron !== schedule.cron) {
      // A changed expression also starts from now rather than firing for a tick of the old one.
      await this.db
        .updateTable('backbeat_job_schedules')
        .set({ cron: schedule.cron, last_tick: tick, updated_at: at })
        .where('name', '=', schedule.name)
        .where('cron', '=', row.cron)
        .execute();
      return false;
    }
    if (row.last_tick >= tick) return false;
    const claimed = await this.db
      .updateTable('backbeat_job_schedules')
      .set({ last_tick: tick, updated_at: at })
      .where('name', '=', schedule.name)
      .where('last_tick', '<', tick)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    // The key folds a run still waiting (e.g. a backlog) into this one instead of piling up.
    await this.options.enqueue(schedule.name, schedule.payload, { key: `schedule:${schedule.name}` });
    this.options.logger.debug({ job: schedule.name, tick }, 'cron schedule enqueued');
    return true;
  }
}
