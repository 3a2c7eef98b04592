import type { Command } from 'commander';
import { printJson, printLines } from '../output.js';
import { type CommandContext, withJson } from './command-context.js';

/** `backbeat db migrate`: applies pending migrations and stops. */
export function registerDbCommands(program: Command, context: CommandContext): void {
  const db = program.command('db').description('Database maintenance');
  withJson(
    db
      .command('migrate')
      .description('Apply pending database migrations and exit')
      .option('--data-dir <dir>', 'data directory holding the SQLite file (default: .backbeat)'),
  )
    .addHelpText(
      'after',
      `
Migrates the embedded SQLite file in the data directory, or the PostgreSQL database
named by BACKBEAT_DATABASE_URL. \`backbeat serve\` also migrates at start; run this
before starting many workers, or as a deployment step.`,
    )
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const { createBackbeat, createLogger, loadConfig } = await import('@backbeat/server');
      const config = loadConfig({ env: context.io.env, cwd: context.cwd, overrides: { dataDir: options.dataDir } });
      const logger = createLogger({ level: 'warn', destination: context.io.stderr as NodeJS.WritableStream });
      const backbeat = await createBackbeat({ config, logger, mode: 'migrate' });
      const applied = backbeat.appliedMigrations;
      await backbeat.close();
      if (options.json) {
        printJson(context.io.stdout, { applied });
      } else if (applied.length === 0) {
        printLines(context.io.stdout, 'The database is up to date; no migrations to apply.');
      } else {
        printLines(context.io.stdout, `Applied ${applied.length} migration(s):`, ...applied.map((name) => `  ${name}`));
      }
    });
}
