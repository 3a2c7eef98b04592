import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { CliError, CliExit } from '../cli-errors.js';
import type { HttpClient } from '../http-client.js';
import { printJson, printLines, printTable } from '../output.js';
import { type CommandContext, collect, parsePositiveInt, withJson } from './command-context.js';
import {
  DIFF_STATES,
  findTarget,
  formatShiftHeader,
  formatSpecError,
  type ShiftDetail,
  type ShiftSummary,
  type SpecError,
  TARGET_COLUMNS,
  TARGET_STATES,
  type TargetDetail,
  type TargetRow,
} from './shift-format.js';
import { type FollowResult, followShift, isTerminal } from './shift-progress.js';
import { listAllTargets } from './shift-targets.js';

const SHIFT_HELP = `
A shift is a Shift document (apiVersion backbeat.dev/v1) that changes many
repositories at once: Backbeat finds the targets, runs the steps, opens change
requests, runs the checks and merges what is green. Preview first.`;

/** `backbeat shift ...`: apply Fleet Shift specs and follow, steer and inspect them. */
export function registerShiftCommands(program: Command, context: CommandContext): void {
  const shift = program
    .command('shift')
    .description('Apply fleet-wide code changes (Fleet Shift) and follow them to the merge')
    .addHelpText('after', SHIFT_HELP);

  withJson(
    shift
      .command('apply')
      .description('Apply a Shift spec: create the shift, or update the one with the same name')
      .requiredOption('-f, --file <file>', 'the Shift YAML document')
      .option('--preview', 'plan every repository and compute diffs, but publish nothing')
      .option('--wait', 'show live per-repository progress until every target has settled; exit 1 if any failed')
      .addOption(pollOption()),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ backbeat shift apply -f shifts/bump-log-lib.yaml --preview --wait
  $ backbeat shift diff bump-log-lib
  $ backbeat shift apply -f shifts/bump-log-lib.yaml --wait`,
    )
    .action(
      async (
        options: { file: string; preview?: boolean; wait?: boolean; json?: boolean; pollInterval: number },
        command: Command,
      ) => {
        const yaml = await readSpec(context.cwd, options.file);
        const client = context.client(command);
        const preview = Boolean(options.preview);
        let detail: ShiftDetail;
        try {
          detail = await client.request<ShiftDetail>('POST', '/api/fleet/shifts', { body: { yaml, preview } });
        } catch (error) {
          const errors = specErrorsOf(error);
          if (!errors) throw error;
          if (options.json) printJson(context.io.stderr, (error as CliError).json);
          else printLines(context.io.stderr, ...errors.map((e) => formatSpecError(options.file, e)));
          throw new CliExit(1);
        }
        if (!options.wait) {
          if (options.json) return printJson(context.io.stdout, detail);
          return printLines(context.io.stdout, appliedMessage(detail), ...warningLines(detail));
        }
        if (!options.json) printLines(context.io.stdout, appliedMessage(detail), ...warningLines(detail));
        const result = await follow(context, client, detail.name, preview, options);
        if (options.json) printJson(context.io.stdout, { shift: detail, targets: result.targets });
        exitFor(result);
      },
    );

  withJson(shift.command('list').description('List every shift with its progress')).action(
    async (options: { json?: boolean }, command: Command) => {
      const response = await context.client(command).request<{ items: ShiftSummary[] }>('GET', '/api/fleet/shifts');
      if (options.json) return printJson(context.io.stdout, response);
      printTable(
        context.io.stdout,
        response?.items ?? [],
        [
          { header: 'NAME', value: (s) => s.name },
          { header: 'STATE', value: (s) => (s.preview ? `${s.state} (preview)` : s.state) },
          { header: 'OWNER', value: (s) => s.owner },
          { header: 'MERGED', value: (s) => `${s.merged}/${s.total}` },
          { header: 'FAILED', value: (s) => failedOf(s) },
          { header: 'UPDATED', value: (s) => s.updatedAt },
        ],
        'No shifts yet. Apply one with `backbeat shift apply -f shift.yaml`.',
      );
    },
  );

  withJson(
    shift
      .command('status')
      .description("Show a shift's totals and every target's state, checks and last log")
      .argument('<name>', 'the shift name')
      .addOption(new Option('--state <state>', 'only targets in this state').choices([...TARGET_STATES]))
      .option('--owner <group>', 'only targets owned by this group (entity ref)')
      .option('--watch', 'follow live progress until every target has settled')
      .addOption(pollOption()),
  ).action(
    async (
      name: string,
      options: { state?: string; owner?: string; watch?: boolean; json?: boolean; pollInterval: number },
      command: Command,
    ) => {
      const client = context.client(command);
      const detail = await client.request<ShiftDetail>('GET', shiftPath(name));
      const targets = await listAllTargets(client, name, { state: options.state, owner: options.owner });
      if (options.json && !options.watch) return printJson(context.io.stdout, { shift: detail, targets });
      if (!options.json) {
        printLines(context.io.stdout, ...formatShiftHeader(detail), '');
        if (!options.watch) {
          return printTable(context.io.stdout, targets, TARGET_COLUMNS, 'No targets match.');
        }
      }
      const result = await follow(context, client, name, detail.preview, options);
      if (options.json) printJson(context.io.stdout, { shift: detail, targets: result.targets });
      exitFor(result);
    },
  );

  withJson(
    shift
      .command('diff')
      .description('Print the diffs of planned and published targets')
      .argument('<name>', 'the shift name')
      .option('--target <target>', 'only this target: entity ref, target id or repository'),
  ).action(async (name: string, options: { target?: string; json?: boolean }, command: Command) => {
    const client = context.client(command);
    const rows = await listAllTargets(client, name);
    const chosen = options.target ? [resolveTarget(rows, options.target, name)] : rows.filter(hasDiff);
    const details: TargetDetail[] = [];
    for (const row of chosen) details.push(await client.request<TargetDetail>('GET', targetPath(name, row.id)));
    if (options.json) {
      return printJson(context.io.stdout, {
        items: details.map((d) => ({
          id: d.id,
          entityRef: d.entityRef,
          repository: d.repository,
          state: d.state,
          diff: d.diff ?? '',
        })),
      });
    }
    if (details.length === 0) return printLines(context.io.stdout, 'No planned or published targets have a diff.');
    for (const detail of details) {
      printLines(context.io.stdout, `# ${detail.repository} (${detail.entityRef}, ${detail.state})`);
      const diff = detail.diff ?? '';
      if (diff) context.io.stdout.write(diff.endsWith('\n') ? diff : `${diff}\n`);
      else printLines(context.io.stdout, '# no changes');
    }
  });

  for (const [verb, description, past] of [
    ['pause', 'Pause a shift: nothing new is planned, published or merged until it resumes', 'paused'],
    ['resume', 'Resume a paused shift', 'resumed'],
    ['close', 'Close a shift: its open change requests are closed unmerged', 'closed'],
  ] as const) {
    withJson(shift.command(verb).description(description).argument('<name>', 'the shift name')).action(
      async (name: string, options: { json?: boolean }, command: Command) => {
        const detail = await context.client(command).request<ShiftDetail>('POST', `${shiftPath(name)}/${verb}`);
        if (options.json) return printJson(context.io.stdout, detail);
        printLines(context.io.stdout, `Shift ${detail?.name ?? name} ${past}; it is now ${detail?.state ?? past}.`);
      },
    );
  }

  withJson(
    shift
      .command('retry')
      .description('Retry failed targets (plan-failed, checks-failed, failed), or only the ones named')
      .argument('<name>', 'the shift name')
      .option('--target <target>', 'a target to retry (entity ref, id or repository); repeat for several', collect),
  ).action(async (name: string, options: { target?: string[]; json?: boolean }, command: Command) => {
    const client = context.client(command);
    let body: { targetIds?: string[] } = {};
    if (options.target && options.target.length > 0) {
      const rows = await listAllTargets(client, name);
      body = { targetIds: options.target.map((key) => resolveTarget(rows, key, name).id) };
    }
    const response = await client.request<{ retried: number }>('POST', `${shiftPath(name)}/retry`, { body });
    if (options.json) return printJson(context.io.stdout, response);
    const retried = response?.retried ?? 0;
    printLines(
      context.io.stdout,
      retried === 0 ? 'Nothing to retry.' : `Retrying ${retried} ${retried === 1 ? 'target' : 'targets'} of ${name}.`,
    );
  });
}

/** How often live progress polls; hidden because only tests need to change it. */
function pollOption(): Option {
  return new Option('--poll-interval <ms>', 'milliseconds between polls')
    .argParser(parsePositiveInt('--poll-interval'))
    .default(1000)
    .hideHelp();
}

async function follow(
  context: CommandContext,
  client: HttpClient,
  name: string,
  preview: boolean,
  options: { json?: boolean; pollInterval: number },
): Promise<FollowResult> {
  const mode = options.json ? 'quiet' : isTerminal(context.io.stdout) ? 'redraw' : 'lines';
  return followShift({ client, io: context.io, shiftName: name, preview, intervalMs: options.pollInterval, mode });
}

function exitFor(result: FollowResult): void {
  if (result.failed > 0 || !result.settled) throw new CliExit(1);
}

async function readSpec(cwd: string, file: string): Promise<string> {
  try {
    return await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`Cannot read ${file}${code ? ` (${code})` : ''}.`, 2);
  }
}

/** The field errors of a 400 answer to an applied spec, or undefined for any other failure. */
function specErrorsOf(error: unknown): SpecError[] | undefined {
  if (!(error instanceof CliError)) return undefined;
  const body = (error.json as { error?: { status?: number; errors?: unknown } } | undefined)?.error;
  if (body?.status !== 400 || !Array.isArray(body.errors) || body.errors.length === 0) return undefined;
  return body.errors.map((item): SpecError => {
    const e = (item ?? {}) as Record<string, unknown>;
    return {
      field: typeof e.field === 'string' ? e.field : undefined,
      line: typeof e.line === 'number' ? e.line : undefined,
      column: typeof e.column === 'number' ? e.column : undefined,
      message: typeof e.message === 'string' ? e.message : undefined,
    };
  });
}

function appliedMessage(detail: ShiftDetail): string {
  const targets = `${detail.total} ${detail.total === 1 ? 'target' : 'targets'} so far`;
  return detail.preview
    ? `Previewing shift ${detail.name} (${targets}); nothing is published. See the diffs with \`backbeat shift diff ${detail.name}\`.`
    : `Applied shift ${detail.name}: ${detail.state}, ${targets}.`;
}

function warningLines(detail: ShiftDetail): string[] {
  return (detail.warnings ?? []).map((warning) => `  warning: ${warning}`);
}

function failedOf(shift: ShiftSummary): number {
  return (shift.totals['plan-failed'] ?? 0) + (shift.totals['checks-failed'] ?? 0) + (shift.totals.failed ?? 0);
}

function hasDiff(row: TargetRow): boolean {
  return DIFF_STATES.has(row.state);
}

function resolveTarget(rows: TargetRow[], key: string, shiftName: string): TargetRow {
  const row = findTarget(rows, key);
  if (!row) throw new CliError(`Shift ${shiftName} has no target "${key}" (give an entity ref, id or repository).`, 2);
  return row;
}

function shiftPath(name: string): string {
  return `/api/fleet/shifts/${encodeURIComponent(name)}`;
}

function targetPath(name: string, id: string): string {
  return `${shiftPath(name)}/targets/${encodeURIComponent(id)}`;
}
