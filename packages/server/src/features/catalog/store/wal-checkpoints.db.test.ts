import { statSync } from 'node:fs';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialect } from '../../../platform/db/testing/test-database.js';
import { createWalCheckpoints } from './wal-checkpoints.js';

let database: TestDatabase;

beforeEach(async () => {
  database = await createTestDatabase();
  await sql`create table t (body text not null)`.execute(database.db);
});

afterEach(async () => {
  await database.dispose();
});

/** Writes enough rows that SQLite's automatic checkpoint (1000 pages) would run at the commit. */
async function bulkWrite(): Promise<void> {
  await database.db.transaction().execute(async (trx) => {
    for (let i = 0; i < 200; i++) {
      await sql`insert into t (body) values (${'x'.repeat(30_000)})`.execute(trx);
    }
  });
}

async function autocheckpointPages(): Promise<number> {
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
  return Number(rows[0]?.wal_autocheckpoint);
}

/** Frames in the WAL not yet copied into the database file. */
async function uncheckpointedFrames(): Promise<number> {
  // A PASSIVE checkpoint of nothing reports the WAL's state: `log` frames, `checkpointed` of them copied.
  const { rows } = await sql<{ log: number; checkpointed: number }>`pragma wal_checkpoint(PASSIVE)`.execute(
    database.db,
  );
  return Number(rows[0]?.log) - Number(rows[0]?.checkpointed);
}

describe.skipIf(testDialect() !== 'sqlite')('WAL checkpoints around bulk writes (SQLite)', () => {
  it('keeps the commits of a run of bulk writes from checkpointing, then checkpoints once on flush', async () => {
    const checkpoints = createWalCheckpoints(database);
    await checkpoints.beforeBulkWrite();
    expect(await autocheckpointPages()).toBe(0);
    await bulkWrite();
    await checkpoints.afterBulkWrite();
    await checkpoints.beforeBulkWrite();
    await bulkWrite();
    await checkpoints.afterBulkWrite();
    const walBytes = statSync(`${database.sqliteFile}-wal`).size;
    // Both transactions' pages are still in the WAL: no checkpoint ran at either commit.
    expect(walBytes).toBeGreaterThan(2 * 200 * 30_000);

    await checkpoints.flush();
    expect(await autocheckpointPages()).toBe(1000);
    expect(await uncheckpointedFrames()).toBe(0);
  });

  it('restores the automatic checkpoint by itself once writes have settled', async () => {
    const checkpoints = createWalCheckpoints(database);
    await checkpoints.beforeBulkWrite();
    await bulkWrite();
    await checkpoints.afterBulkWrite();
    expect(await autocheckpointPages()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await autocheckpointPages()).toBe(1000);
  });

  it('leaves the automatic checkpoint alone without bulk writes', async () => {
    const checkpoints = createWalCheckpoints(database);
    await bulkWrite();
    await checkpoints.flush();
    expect(await autocheckpointPages()).toBe(1000);
  });
});

describe.skipIf(testDialect() !== 'postgres')('WAL checkpoints on PostgreSQL', () => {
  it('does nothing', async () => {
    const checkpoints = createWalCheckpoints(database);
    await checkpoints.beforeBulkWrite();
    await bulkWrite();
    await checkpoints.afterBulkWrite();
    await checkpoints.flush();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from t`.execute(database.db);
    expect(rows[0]?.n).toBe(200);
  });
});
