import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';

export type DialectName = 'sqlite' | 'postgres';

/**
 * One database connection for the whole process. Features get `db` typed with
 * their own tables (`database.db as Kysely<CatalogTables>`); platform code never
 * knows feature tables.
 *
 * @example
 * const database = await openDatabase({ sqliteFile: '.backbeat/backbeat.sqlite' });
 * await database.db.selectFrom('events').selectAll().execute();
 */
export interface Database {
  // biome-ignore lint/suspicious/noExplicitAny: each feature narrows this to its own tables
  db: Kysely<any>;
  dialect: DialectName;
  /** The PostgreSQL connection string, when on PostgreSQL (graphile-worker needs it). */
  connectionString?: string;
  /** The SQLite file, when on SQLite. */
  sqliteFile?: string;
  /**
   * The raw SQLite handle Kysely runs on, when on SQLite: bulk writes reuse prepared
   * statements through it (Kysely prepares every query anew). Only for use inside a
   * Kysely transaction or where a statement cannot interleave with Kysely's.
   */
  sqlite?: SQLite.Database;
  close(): Promise<void>;
}

export type OpenDatabaseOptions =
  | {
      connectionString: string;
      sqliteFile?: undefined;
      poolSize?: number;
      /** Told when an idle pooled connection fails (it is dropped and replaced). */
      onIdleClientError?: (error: Error) => void;
    }
  | { sqliteFile: string; connectionString?: undefined };

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.connectionString) {
    const pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    // An idle client fails when the server ends its connection (a restart, a dropped
    // database). pg-pool emits that on the pool, where an unhandled 'error' would crash
    // the process; the next query simply gets a new client.
    pool.on('error', (error) => options.onIdleClientError?.(error));
    // Fail fast with a clear message instead of on the first query.
    const client = await pool.connect().catch((error: Error) => {
      throw new Error(`Cannot connect to PostgreSQL at ${redactUrl(options.connectionString)}: ${error.message}`);
    });
    client.release();
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      connectionString: options.connectionString,
      close: () => db.destroy(),
    };
  }
  const file = options.sqliteFile as string;
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  // WAL lets readers go on while the worker writes; busy_timeout waits out short write locks.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', sqliteFile: file, sqlite, close: () => db.destroy() };
}

/** Hides the password in a connection string before it reaches a message or a log. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable connection string>';
  }
}
