import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { DEFAULT_SERVER_URL } from './cli-config.js';
import { CliError, CliExit } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerCatalogCommands } from './commands/catalog.js';
import { createCommandContext } from './commands/command-context.js';
import { registerDbCommands } from './commands/db.js';
import { registerFlagsCommands } from './commands/flags.js';
import { registerHealthCommands } from './commands/health.js';
import { registerRadarCommands } from './commands/radar.js';
import { registerServeCommands } from './commands/serve.js';
import { registerShiftCommands } from './commands/shift.js';
import { registerTokenCommands } from './commands/token.js';
import { printJson, printLines } from './output.js';

export type { CliIo } from './cli-io.js';

/**
 * Builds the `backbeat` command tree writing to `io` instead of the process, so
 * tests run verbs in-process. A program parses once: build a new one per run.
 *
 * @example
 * const program = createProgram({ stdout, stderr, env: {} });
 * await program.parseAsync(['catalog', 'validate', 'catalog-info.yaml'], { from: 'user' });
 */
export function createProgram(io: CliIo): Command {
  const program = new Command('backbeat')
    .description('Backbeat, a self-hosted internal developer platform: run the server and talk to it')
    .version(readVersion(), '-V, --version', 'print the version')
    .option('--server <url>', `Backbeat server for client commands (default: BACKBEAT_URL or ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'API token for client commands (default: BACKBEAT_TOKEN)')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .addHelpText(
      'after',
      `
Getting started:
  $ backbeat serve --demo        start Backbeat; the first start prints an admin sign-in link
  $ export BACKBEAT_TOKEN=...    an API token made in the web app (or seeded at first start
                                 with BACKBEAT_ADMIN_TOKEN) for the client commands
  $ backbeat catalog list
  $ backbeat catalog validate .  check descriptors offline, no server needed

Run backbeat <command> --help for details; every command takes --json.`,
    );
  const context = createCommandContext(io);
  registerServeCommands(program, context);
  registerDbCommands(program, context);
  registerCatalogCommands(program, context);
  registerAuditCommands(program, context);
  registerTokenCommands(program, context);
  registerShiftCommands(program, context);
  registerHealthCommands(program, context);
  registerRadarCommands(program, context);
  registerFlagsCommands(program, context);
  // exitOverride is inherited only by commands added after it is set, so set it everywhere.
  const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
  for (const command of everyCommand(program)) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  }
  return program;
}

/**
 * Runs one command line and returns its exit code, printing failures the way
 * people (or, with `--json`, programs) can use them. Never calls process.exit.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env });
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    await createProgram(io).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    // Commander has printed the problem already; anything it rejects is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliExit) return error.exitCode;
    if (error instanceof CliError) {
      if (json) printJson(io.stderr, error.json ?? { error: { message: error.message, details: error.details } });
      else printLines(io.stderr, `Error: ${error.message}`, ...error.details.map((line) => `  ${line}`));
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (json) printJson(io.stderr, { error: { message } });
    else printLines(io.stderr, `Error: ${message}`);
    return 1;
  }
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
