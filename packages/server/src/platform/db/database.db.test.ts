import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from './database.js';
import { createTestDatabase, testDialect, testPostgresAdminUrl } from './testing/test-database.js';

describe.skipIf(testDialect() !== 'postgres')('PostgreSQL connections that the server ends', () => {
  const holder = { dispose: async () => undefined as void };
  afterAll(() => holder.dispose());

  it('survive: the idle client is reported and replaced, the process goes on', async () => {
    const scratch = await createTestDatabase();
    holder.dispose = () => scratch.dispose();
    const failures: string[] = [];
    const database = await openDatabase({
      connectionString: scratch.connectionString as string,
      onIdleClientError: (error) => failures.push(error.message),
    });
    try {
      await sql`select 1`.execute(database.db);
      const admin = new pg.Client({ connectionString: testPostgresAdminUrl() });
      await admin.connect();
      const dbName = new URL(scratch.connectionString as string).pathname.slice(1);
      // What a server restart or `DROP DATABASE ... WITH (FORCE)` does to idle connections.
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [dbName],
      );
      await admin.end();
      for (let i = 0; i < 50 && failures.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(failures.length).toBeGreaterThan(0);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });
});
