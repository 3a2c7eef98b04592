import pg from 'pg';

/** True when the current vitest project runs database tests on PostgreSQL. */
export function onPostgres(): boolean {
  return process.env.BACKBEAT_TEST_DB === 'postgres';
}

/**
 * A new, empty PostgreSQL database for one test file and a function that drops it.
 * The server is given only its URL, exactly as BACKBEAT_DATABASE_URL would.
 */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env.BACKBEAT_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `backbeat_cli_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name} TEMPLATE template0`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
