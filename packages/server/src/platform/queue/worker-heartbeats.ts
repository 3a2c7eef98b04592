import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

interface WorkerTables {
  backbeat_workers: { worker_id: string; started_at: string; last_seen: string; expires_at: string };
}

/**
 * Liveness of PostgreSQL worker pools in `backbeat_workers`. A pool writes
 * `expires_at = now + lease` on every heartbeat; a pool whose row expired is dead,
 * and its jobs may be released for others (graphile-worker itself only releases
 * them after 4 hours). Times come from each process's clock, so hosts need NTP;
 * a lease of many heartbeats absorbs small skew.
 *
 * @example
 * const heartbeats = new WorkerHeartbeats(database);
 * await heartbeats.beat('pool-1a2b', 60_000);
 * const dead = await heartbeats.expired(new Date());
 */
export class WorkerHeartbeats {
  private readonly db: Kysely<WorkerTables>;

  constructor(database: Database) {
    this.db = database.db as unknown as Kysely<WorkerTables>;
  }

  /** Records that `workerId` is alive for another `leaseMs`. */
  async beat(workerId: string, leaseMs: number, now = new Date()): Promise<void> {
    const at = now.toISOString();
    const expiresAt = new Date(now.getTime() + leaseMs).toISOString();
    await this.db
      .insertInto('backbeat_workers')
      .values({ worker_id: workerId, started_at: at, last_seen: at, expires_at: expiresAt })
      .onConflict((oc) => oc.column('worker_id').doUpdateSet({ last_seen: at, expires_at: expiresAt }))
      .execute();
  }

  /** Workers whose lease ran out before `now`. */
  async expired(now = new Date()): Promise<string[]> {
    const rows = await this.db
      .selectFrom('backbeat_workers')
      .select('worker_id')
      .where('expires_at', '<', now.toISOString())
      .execute();
    return rows.map((row) => row.worker_id);
  }

  /** Forgets workers, but only those still expired (one may have come back meanwhile). */
  async forget(workerIds: string[], now = new Date()): Promise<void> {
    if (workerIds.length === 0) return;
    await this.db
      .deleteFrom('backbeat_workers')
      .where('worker_id', 'in', workerIds)
      .where('expires_at', '<', now.toISOString())
      .execute();
  }

  /** Removes a worker that stopped cleanly. */
  async remove(workerId: string): Promise<void> {
    await this.db.deleteFrom('backbeat_workers').where('worker_id', '=', workerId).execute();
  }
}
