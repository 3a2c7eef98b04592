import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';

/**
 * Migrations keyed by a globally unique name, `<owner>/<NNNN>-<what>`, for example
 * `catalog/0001-entities`. Each feature exports its own; the composition root merges
 * them. Write them with portable types (text, integer, bigint, real) so they run on
 * SQLite and PostgreSQL alike; JSON is stored as text, timestamps as ISO-8601 text.
 */
export type MigrationSet = Record<string, Migration>;

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: MigrationSet) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

export interface MigrationReport {
  applied: string[];
}

/**
 * Applies every pending migration. Unordered migrations are allowed because
 * features add theirs independently.
 *
 * @example
 * await migrateToLatest(database.db, { ...platformMigrations, ...catalogMigrations });
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations run before feature typing
export async function migrateToLatest(db: Kysely<any>, migrations: MigrationSet): Promise<MigrationReport> {
  for (const name of Object.keys(migrations)) {
    if (!/^[a-z0-9-]+\/\d{4}-[a-z0-9-]+$/.test(name)) {
      throw new Error(`Migration name "${name}" must look like "<owner>/<NNNN>-<what>"`);
    }
  }
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(migrations),
    allowUnorderedMigrations: true,
    migrationTableName: 'backbeat_migration',
    migrationLockTableName: 'backbeat_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(
      `Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`,
    );
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
