import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, CliExit } from '../cli-errors.js';
import { printJson, printLines, printTable } from '../output.js';
import { type CommandContext, parsePositiveInt, withJson } from './command-context.js';
import { type EntityHealth, type GroupRollup, requiredLevelVerdicts, splitEntityRef } from './health-format.js';

const HEALTH_HELP = `
Tech health measures every component against checks (facts from its repository and
descriptor) and certifies it on tracks with ordered levels (Bronze, Silver, Gold).
Definitions are YAML documents of kind Check, Track and Campaign (docs/health.md).`;

/** `backbeat health ...`: a component's checks and levels (usable in CI), a group's report, applying definitions. */
export function registerHealthCommands(program: Command, context: CommandContext): void {
  const health = program
    .command('health')
    .description("Tech health: a component's checks and certification, a group's report")
    .addHelpText('after', HEALTH_HELP);

  withJson(
    health
      .command('check')
      .description("Show an entity's certification and check results; exit 1 when a required level is not reached")
      .argument('<entity-ref>', 'the entity, e.g. component:default/playback-api (kind and namespace optional)')
      .option(
        '--level <level>',
        'required level (e.g. silver, or track/level); default: the first level of every track',
      )
      .option('--track <track>', 'only this track')
      .option('--refresh', 'collect facts and evaluate this entity first'),
  )
    .addHelpText(
      'after',
      `
Exit codes: 0 when every required level is reached, 1 when one is not, 2 on usage errors.

Examples:
  $ backbeat health check playback-api
  $ backbeat health check component:default/playback-api --level silver --refresh
  $ backbeat health check playback-api --level golden-state/gold --json`,
    )
    .action(
      async (
        ref: string,
        options: { level?: string; track?: string; refresh?: boolean; json?: boolean },
        command: Command,
      ) => {
        const parts = splitEntityRef(ref);
        if (!parts) throw new CliError(`"${ref}" is not an entity ref: use [kind:][namespace/]name`, 2);
        const client = context.client(command);
        if (options.refresh) {
          await client.request('POST', '/api/health/refresh', {
            body: { entityRefs: [`${parts.kind}:${parts.namespace}/${parts.name}`], wait: true },
          });
        }
        const path = `/api/health/entities/${encodeURIComponent(parts.kind)}/${encodeURIComponent(parts.namespace)}/${encodeURIComponent(parts.name)}`;
        const entity = await client.request<EntityHealth>('GET', path);
        const verdicts = requiredLevelVerdicts(entity, { level: options.level, track: options.track });
        const ok = verdicts.length > 0 && verdicts.every((v) => v.reached);
        if (options.json) {
          printJson(context.io.stdout, { ...entity, required: verdicts, ok });
        } else {
          printEntity(context, entity, verdicts, options.track);
        }
        if (!ok) throw new CliExit(1);
      },
    );

  withJson(
    health
      .command('report')
      .description('Report for a group and the groups under it: certification, pass rate per check, leaderboard')
      .requiredOption(
        '--owner <group>',
        'the squad, tribe or department, e.g. playback-squad or group:default/playback-squad',
      )
      .option('--days <n>', 'trend length in days (default: 30)', parsePositiveInt('--days')),
  )
    .addHelpText(
      'after',
      `
Examples:
  $ backbeat health report --owner playback-squad
  $ backbeat health report --owner cadence-engineering --json`,
    )
    .action(async (options: { owner: string; days?: number; json?: boolean }, command: Command) => {
      const parts = splitEntityRef(options.owner, 'group');
      if (parts?.kind !== 'group') throw new CliError(`"${options.owner}" is not a group ref`, 2);
      const rollup = await context
        .client(command)
        .request<GroupRollup>(
          'GET',
          `/api/health/groups/${encodeURIComponent(parts.namespace)}/${encodeURIComponent(parts.name)}/rollup`,
          {
            query: { days: options.days },
          },
        );
      if (options.json) return printJson(context.io.stdout, rollup);
      printReport(context, rollup);
    });

  withJson(
    health
      .command('apply')
      .description('Apply a YAML file of Check, Track and Campaign documents (admins)')
      .requiredOption('-f, --file <file>', 'the definitions file'),
  ).action(async (options: { file: string; json?: boolean }, command: Command) => {
    let yaml: string;
    try {
      yaml = await readFile(resolve(context.cwd, options.file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError(`Cannot read ${options.file}${code ? ` (${code})` : ''}.`, 2);
    }
    const result = await context
      .client(command)
      .request<{ applied: { kind: string; name: string; changed: boolean }[] }>('POST', '/api/health/definitions', {
        body: { yaml, file: basename(options.file) },
      });
    if (options.json) return printJson(context.io.stdout, result);
    printTable(context.io.stdout, result.applied, [
      { header: 'KIND', value: (a) => a.kind },
      { header: 'NAME', value: (a) => a.name },
      { header: 'CHANGED', value: (a) => (a.changed ? 'yes' : 'no') },
    ]);
  });
}

function printEntity(
  context: CommandContext,
  entity: EntityHealth,
  verdicts: ReturnType<typeof requiredLevelVerdicts>,
  track: string | undefined,
): void {
  const out = context.io.stdout;
  printLines(out, `${entity.entityRef}  owner ${entity.ownerRef ?? '-'}  evaluated ${entity.evaluatedAt ?? 'never'}`);
  if (entity.evaluatedAt === null)
    printLines(out, 'Not evaluated yet: run with --refresh, or wait for the next collection.');
  for (const cert of entity.certifications.filter((c) => !track || c.track === track)) {
    printLines(out, '', `${cert.track}: ${cert.level ?? 'not certified'}`);
    for (const level of cert.levels) {
      printLines(
        out,
        `  ${level.passed ? 'pass' : 'FAIL'}  ${level.title}${level.failing.length > 0 ? `  (${level.failing.join(', ')})` : ''}`,
      );
    }
  }
  const shown = entity.results.filter((r) => r.status !== 'not-applicable');
  printLines(out, '');
  printTable(out, shown, [
    { header: 'CHECK', value: (r) => r.check },
    { header: 'STATUS', value: (r) => r.status },
    { header: 'MESSAGE', value: (r) => r.message },
  ]);
  const fixes = shown.filter((r) => r.status === 'failed' && r.fix);
  if (fixes.length > 0) printLines(out, '', 'How to fix:', ...fixes.map((r) => `  ${r.check}: ${r.fix}`));
  printLines(
    out,
    '',
    ...verdicts.map((v) => `${v.reached ? 'OK  ' : 'FAIL'}  ${v.track}: needs ${v.required}, has ${v.level ?? 'none'}`),
  );
  if (verdicts.length === 0) printLines(out, 'FAIL  no track has the required level');
}

function printReport(context: CommandContext, rollup: GroupRollup): void {
  const out = context.io.stdout;
  printLines(
    out,
    `${rollup.group.title} (${rollup.group.ref}${rollup.group.type ? `, ${rollup.group.type}` : ''}): ${rollup.components} components`,
  );
  for (const track of rollup.tracks) {
    printLines(out, '', `${track.title}:`);
    printTable(out, track.distribution, [
      { header: 'LEVEL', value: (d) => d.title },
      { header: 'COMPONENTS', value: (d) => d.count },
    ]);
  }
  printLines(out, '', 'Checks:');
  printTable(out, rollup.checks, [
    { header: 'CHECK', value: (c) => c.check },
    { header: 'PASSED', value: (c) => c.passed },
    { header: 'FAILED', value: (c) => c.failed },
    { header: 'PASS RATE', value: (c) => (c.passRate === null ? '-' : `${Math.round(c.passRate * 100)}%`) },
  ]);
  printLines(out, '', 'Leaderboard:');
  printTable(out, rollup.leaderboard, [
    { header: '#', value: (r) => rollup.leaderboard.indexOf(r) + 1 },
    { header: 'GROUP', value: (r) => r.group },
    { header: 'COMPONENTS', value: (r) => r.components },
    { header: 'SCORE', value: (r) => r.score },
    { header: 'PASS RATE', value: (r) => (r.passRate === null ? '-' : `${Math.round(r.passRate * 100)}%`) },
  ]);
}
