import type { Command } from 'commander';
import { printJson, printTable } from '../output.js';
import { type CommandContext, parsePositiveInt, withJson } from './command-context.js';

interface AuditEvent {
  id: string;
  at: string;
  type: string;
  subject: string;
  actor?: { kind?: string; id?: string; displayName?: string; userRef?: string };
}

/** `backbeat audit ...`: reads the append-only audit trail. */
export function registerAuditCommands(program: Command, context: CommandContext): void {
  const audit = program.command('audit').description('Read the audit trail: who changed what, and when');

  withJson(
    audit
      .command('list')
      .description('List recent audit events, newest first')
      .option('--type-prefix <prefix>', 'only events whose type starts with this, e.g. catalog. or auth.token.')
      .option('--limit <n>', 'how many events to show (default: 50)', parsePositiveInt('--limit'), 50),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ backbeat audit list --type-prefix catalog.location.
  $ backbeat audit list --limit 200 --json`,
    )
    .action(async (options: { typePrefix?: string; limit: number; json?: boolean }, command: Command) => {
      const response = await context
        .client(command)
        .request<AuditEvent[] | { items: AuditEvent[] }>('GET', '/api/audit', {
          query: { typePrefix: options.typePrefix, limit: options.limit },
        });
      if (options.json) return printJson(context.io.stdout, response);
      const items = Array.isArray(response) ? response : (response?.items ?? []);
      printTable(
        context.io.stdout,
        items,
        [
          { header: 'AT', value: (e) => e.at },
          { header: 'TYPE', value: (e) => e.type },
          { header: 'ACTOR', value: (e) => e.actor?.userRef ?? e.actor?.displayName ?? e.actor?.id },
          { header: 'SUBJECT', value: (e) => e.subject },
        ],
        'No audit events match.',
      );
    });
}
