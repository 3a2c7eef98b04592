import { openDatabase } from '../db/database.js';
import { createTestDatabase, testDialect } from '../db/testing/test-database.js';
import { eventsMigrations } from '../events/event-migrations.js';
import { createJobQueue } from './create-job-queue.js';
import {
  contractTestMigrations,
  describeJobQueueContract,
  type JobQueueContractSubject,
} from './job-queue.contract.js';
import { queueMigrations } from './queue-migrations.js';

const subject = (): JobQueueContractSubject => ({
  async openDatabase() {
    const database = await createTestDatabase({
      migrations: { ...eventsMigrations, ...queueMigrations, ...contractTestMigrations },
    });
    return {
      database,
      dispose: () => database.dispose(),
      connect: () =>
        database.connectionString
          ? openDatabase({ connectionString: database.connectionString, poolSize: 3 })
          : openDatabase({ sqliteFile: database.sqliteFile as string }),
    };
  },
  createQueue: (options) => createJobQueue(options),
  retryBaseMs: testDialect() === 'postgres' ? 1_000 : 50,
});

describeJobQueueContract(
  testDialect() === 'postgres' ? 'job queue on PostgreSQL (graphile-worker)' : 'job queue on SQLite (in-process)',
  subject,
);
