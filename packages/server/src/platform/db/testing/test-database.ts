import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { newId } from '../../ids.js';
import { type Database, openDatabase } from '../database.js';
import { type MigrationSet, migrateToLatest } from '../migrations.js';

/**
 * Which engine a database test runs on. The `sqlite` and `pg` vitest projects run
 * the same `*.db.test.ts` files with BACKBEAT_TEST_DB set to `sqlite` or `postgres`.
 */
export function testDialect(): 'sqlite' | 'postgres' {
  return process.env.BACKBEAT_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
}

export function testPostgresAdminUrl(): string {
  return process.env.BACKBEAT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

export interface TestDatabase extends Database {
  /** Closes the connection and drops the database (PostgreSQL) or deletes the file (SQLite). */
  dispose(): Promise<void>;
}

/**
 * A fresh, empty database on the engine of the current test project: a temp
 * SQLite file, or a new PostgreSQL database created from template0.
 *
 * @example
 * const database = await createTestDatabase({ migrations: catalogMigrations });
 * afterAll(() => database.dispose());
 */
export async function createTestDatabase(options: { migrations?: MigrationSet } = {}): Promise<TestDatabase> {
  let database: Database;
  let cleanup: () => Promise<void>;
  if (testDialect() === 'postgres') {
    const adminUrl = testPostgresAdminUrl();
    const name = `backbeat_test_${newId().toLowerCase()}`;
    await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE template0`));
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    database = await openDatabase({ connectionString: url.toString(), poolSize: 5 });
    cleanup = async () => {
      await withAdminClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'backbeat-db-'));
    database = await openDatabase({ sqliteFile: join(dir, 'test.sqlite') });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  if (options.migrations) await migrateToLatest(database.db, options.migrations);
  let disposed = false;
  return {
    ...database,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await database.close();
      await cleanup();
    },
  };
}

async function withAdminClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
