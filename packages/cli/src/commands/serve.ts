import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../cli-errors.js';
import type { CliIo } from '../cli-io.js';
import { printJson, printLines } from '../output.js';
import { type CommandContext, waitForStop, withJson } from './command-context.js';

interface ServeOptions {
  port?: number;
  host?: string;
  dataDir?: string;
  demo?: boolean;
  json?: boolean;
}

/**
 * `backbeat serve` and `backbeat worker`: the long-running processes. The server
 * package is imported lazily so client verbs start fast.
 */
export function registerServeCommands(program: Command, context: CommandContext): void {
  withJson(
    program
      .command('serve')
      .description('Run Backbeat: the HTTP API, the web app and (unless configured otherwise) the job worker')
      .option('--port <n>', 'port to listen on; 0 picks a free one (default: 7007 or BACKBEAT_PORT)', parsePort)
      .option('--host <host>', 'address to bind (default: 0.0.0.0 or BACKBEAT_HOST)')
      .option('--data-dir <dir>', 'where the SQLite file, git mirrors and demo fleet live (default: .backbeat)')
      .option('--demo', 'seed the demo organisation and fleet and allow one-click demo sign-in'),
  )
    .addHelpText(
      'after',
      `
Uses the embedded SQLite database in the data directory unless BACKBEAT_DATABASE_URL
names a PostgreSQL database. Until the administrator has signed in, each start
prints a one-time sign-in link. Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Configuration: flags, then environment (BACKBEAT_PORT, BACKBEAT_HOST, BACKBEAT_DATA_DIR,
BACKBEAT_DATABASE_URL, BACKBEAT_ADMIN_TOKEN, BACKBEAT_BASE_URL, BACKBEAT_LOG_LEVEL, ...),
then backbeat.config.json in the data directory, then defaults.

Examples:
  $ backbeat serve --demo
  $ backbeat serve --port 8080 --data-dir /var/lib/backbeat`,
    )
    .action(async (options: ServeOptions) => {
      const { createBackbeat, createLogger, loadConfig } = await import('@backbeat/server');
      const config = loadConfig({
        env: context.io.env,
        cwd: context.cwd,
        overrides: {
          port: options.port,
          host: options.host,
          dataDir: options.dataDir,
          demo: options.demo ? true : undefined,
        },
      });
      const logger = createLogger({ level: config.logLevel, destination: asStream(context.io.stderr) });
      const backbeat = await createBackbeat({ config, logger, mode: 'serve' });
      if (config.demo && !options.json) {
        printLines(context.io.stdout, 'Preparing the demo organisation and fleet (the first start takes a minute)...');
      }
      let port: number;
      try {
        ({ port } = await backbeat.listen());
      } catch (error) {
        await backbeat.close().catch(() => undefined);
        throw listenError(error, config.host, config.port);
      }
      const url = `http://${displayHost(config.host)}:${port}`;
      const signInUrl = backbeat.firstStart?.signInUrl;
      if (options.json) {
        printJson(context.io.stdout, {
          url,
          port,
          dataDir: config.dataDir,
          database: config.databaseUrl ? 'postgres' : 'sqlite',
          ...(signInUrl ? { signInUrl } : {}),
        });
      } else {
        printLines(context.io.stdout, `Backbeat is listening on ${url}`);
        printLines(
          context.io.stdout,
          config.databaseUrl ? 'Database: PostgreSQL' : `Data directory: ${config.dataDir} (SQLite)`,
        );
        if (signInUrl) {
          printLines(
            context.io.stdout,
            '',
            'Sign in as the administrator with this one-time link (a new one is printed at each start until then):',
            `  ${signInUrl}`,
            '',
          );
        }
        printLines(context.io.stdout, 'Press Ctrl-C to stop.');
      }
      await stopOnSignal(context.io, () => backbeat.close());
    });

  withJson(
    program
      .command('worker')
      .description('Run background jobs only, without HTTP (PostgreSQL deployments; start as many as you need)')
      .option('--data-dir <dir>', 'where git mirrors live (default: .backbeat)'),
  )
    .addHelpText(
      'after',
      `
Needs BACKBEAT_DATABASE_URL (PostgreSQL). With the embedded SQLite database,
\`backbeat serve\` already runs the jobs in its own process.

Example:
  $ BACKBEAT_DATABASE_URL=postgres://backbeat@db/backbeat backbeat worker`,
    )
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const { createBackbeat, createLogger, loadConfig } = await import('@backbeat/server');
      const config = loadConfig({ env: context.io.env, cwd: context.cwd, overrides: { dataDir: options.dataDir } });
      if (!config.databaseUrl) {
        throw new CliError('`backbeat worker` needs a PostgreSQL database: set BACKBEAT_DATABASE_URL.', 2, [
          'With the embedded SQLite database, `backbeat serve` runs the jobs in its own process;',
          'a separate worker on the same file would only compete with it.',
        ]);
      }
      const logger = createLogger({ level: config.logLevel, destination: asStream(context.io.stderr) });
      const backbeat = await createBackbeat({ config, logger, mode: 'worker' });
      await backbeat.startWorker();
      if (options.json) printJson(context.io.stdout, { worker: 'started' });
      else printLines(context.io.stdout, 'Backbeat worker is processing jobs. Press Ctrl-C to stop.');
      await stopOnSignal(context.io, () => backbeat.close());
    });
}

async function stopOnSignal(io: CliIo, close: () => Promise<void>): Promise<void> {
  const reason = await waitForStop(io);
  if (reason !== 'stop') printLines(io.stderr, `Received ${reason}, shutting down...`);
  await close();
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('Give a port number between 0 and 65535.');
  }
  return port;
}

/** 0.0.0.0 and :: bind every interface; a browser reaches them as localhost. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function listenError(error: unknown, host: string, port: number): CliError {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return new CliError(`Port ${port} on ${host} is already in use.`, 1, [
      'Stop the other process or pick another port with --port <n> (0 picks a free one).',
    ]);
  }
  if (code === 'EACCES') {
    return new CliError(`Not allowed to listen on ${host}:${port}; ports below 1024 need privileges.`);
  }
  return error instanceof Error ? new CliError(error.message) : new CliError(String(error));
}

/** pino accepts anything with `write`; the CLI's sinks are exactly that. */
function asStream(sink: CliIo['stderr']): NodeJS.WritableStream {
  return sink as NodeJS.WritableStream;
}
