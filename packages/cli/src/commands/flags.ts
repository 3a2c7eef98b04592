import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../cli-errors.js';
import type { HttpClient } from '../http-client.js';
import { printJson, printLines, printTable } from '../output.js';
import { type CommandContext, withJson } from './command-context.js';
import { createPlan, describePlan, parseDuration, parseMilestones, registerFlagPlanCommands } from './flags-plans.js';

/** The parts of the toggle API's flag the CLI shows. */
export interface FlagView {
  project: string;
  name: string;
  type: string;
  stale: boolean;
  archivedAt: string | null;
  environments: Record<
    string,
    { enabled: boolean; strategies: { name: string; parameters: Record<string, string>; disabled?: boolean }[] }
  >;
}

interface ProjectView {
  key: string;
  name: string;
}

const FLAGS_HELP = `
Flags live in projects; each environment has its own switch and strategies.
A flag name is unique within its project: pass --project when two projects
share a name.

Examples:
  $ backbeat flags list --project checkout --env production
  $ backbeat flags enable new-cart --env staging
  $ backbeat flags rollout new-cart --env production --percent 25
  $ backbeat flags rollout new-cart --env production --plan 1,5,25,50,100 --every 1h
  $ backbeat flags plan new-cart --env production
  $ backbeat flags advance new-cart --env production
  $ backbeat flags stale --owner group:default/team-checkout
  $ backbeat flags kill new-cart --reason "checkout errors spiking"`;

const enc = encodeURIComponent;

function flagPath(flag: FlagView): string {
  return `/api/toggles/projects/${enc(flag.project)}/flags/${enc(flag.name)}`;
}

/** The rollout percentage of the first active flexibleRollout strategy, if any. */
export function rolloutOf(flag: FlagView, env: string): string | undefined {
  const strategy = flag.environments[env]?.strategies.find((s) => s.name === 'flexibleRollout' && !s.disabled);
  return strategy ? `${strategy.parameters.rollout ?? '0'}%` : undefined;
}

async function listFlags(client: HttpClient, project?: string): Promise<FlagView[]> {
  const projects = project
    ? [project]
    : ((await client.request<{ items: ProjectView[] }>('GET', '/api/toggles/projects'))?.items ?? []).map((p) => p.key);
  const flags: FlagView[] = [];
  for (const key of projects) {
    const page = await client.request<{ items: FlagView[] }>('GET', `/api/toggles/projects/${enc(key)}/flags`);
    flags.push(...(page?.items ?? []));
  }
  return flags;
}

/** The flag named, looked up in `--project` or, without it, in every project. */
async function findFlag(client: HttpClient, name: string, project?: string): Promise<FlagView> {
  if (project) return client.request<FlagView>('GET', `/api/toggles/projects/${enc(project)}/flags/${enc(name)}`);
  const matches = (await listFlags(client)).filter((f) => f.name === name);
  if (matches.length === 0) throw new CliError(`No flag "${name}" in any project.`, 1);
  if (matches.length > 1) {
    throw new CliError(
      `Flag "${name}" exists in projects ${matches.map((f) => f.project).join(', ')}; pass --project.`,
      2,
    );
  }
  return matches[0] as FlagView;
}

function describeEnv(flag: FlagView, env: string): string {
  const state = flag.environments[env];
  if (!state) return `${env}: -`;
  const rollout = rolloutOf(flag, env);
  return `${env}: ${state.enabled ? 'on' : 'off'}${rollout ? ` (${rollout})` : ''}`;
}

/** `backbeat flags ...`: list flags, switch them per environment, roll out and kill. */
export function registerFlagsCommands(program: Command, context: CommandContext): void {
  const flags = program
    .command('flags')
    .description('Feature toggles: list flags, switch them per environment, roll out, kill')
    .addHelpText('after', FLAGS_HELP);

  withJson(
    flags
      .command('list')
      .description('List flags with their state in every environment (or one)')
      .option('--project <key>', 'only this project')
      .option('--env <environment>', 'show only this environment'),
  ).action(async (options: { project?: string; env?: string; json?: boolean }, command: Command) => {
    const client = context.client(command);
    const items = await listFlags(client, options.project);
    if (options.json) {
      if (!options.env) return printJson(context.io.stdout, { items });
      const env = options.env;
      return printJson(context.io.stdout, {
        items: items.map((f) => ({ ...f, environments: { [env]: f.environments[env] } })),
      });
    }
    const envs = options.env ? [options.env] : [...new Set(items.flatMap((f) => Object.keys(f.environments)))];
    printTable(
      context.io.stdout,
      items,
      [
        { header: 'PROJECT', value: (f) => f.project },
        { header: 'FLAG', value: (f) => f.name },
        { header: 'TYPE', value: (f) => (f.stale ? `${f.type} (stale)` : f.type) },
        ...envs.map((env) => ({
          header: env.toUpperCase(),
          value: (f: FlagView) => {
            const state = f.environments[env];
            if (!state) return undefined;
            const rollout = rolloutOf(f, env);
            return `${state.enabled ? 'on' : 'off'}${rollout ? ` ${rollout}` : ''}`;
          },
        })),
      ],
      'No flags yet.',
    );
  });

  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    withJson(
      flags
        .command(verb)
        .description(`Switch a flag ${enabled ? 'on' : 'off'} in one environment`)
        .argument('<flag>', 'the flag name')
        .requiredOption('--env <environment>', 'the environment')
        .option('--project <key>', 'the project (needed when several projects have the flag)'),
    ).action(async (name: string, options: { env: string; project?: string; json?: boolean }, command: Command) => {
      const client = context.client(command);
      const flag = await findFlag(client, name, options.project);
      const after = await client.request<FlagView>(
        'POST',
        `${flagPath(flag)}/environments/${enc(options.env)}/${enabled ? 'on' : 'off'}`,
      );
      if (options.json) return printJson(context.io.stdout, after);
      printLines(context.io.stdout, `${after.project}/${after.name} ${describeEnv(after, options.env)}`);
    });
  }

  withJson(
    flags
      .command('kill')
      .description('Kill switch: turn a flag off in every environment (or one) and record why')
      .argument('<flag>', 'the flag name')
      .requiredOption('--reason <text>', 'why; kept in the flag history')
      .option('--env <environment>', 'only this environment')
      .option('--project <key>', 'the project (needed when several projects have the flag)'),
  ).action(
    async (
      name: string,
      options: { reason: string; env?: string; project?: string; json?: boolean },
      command: Command,
    ) => {
      const client = context.client(command);
      const flag = await findFlag(client, name, options.project);
      const after = await client.request<FlagView>('POST', `${flagPath(flag)}/kill`, {
        body: { reason: options.reason, ...(options.env ? { environment: options.env } : {}) },
      });
      if (options.json) return printJson(context.io.stdout, after);
      const envs = options.env ? [options.env] : Object.keys(after.environments);
      printLines(context.io.stdout, `Killed ${after.project}/${after.name}: off in ${envs.join(', ')}.`);
    },
  );

  withJson(
    flags
      .command('rollout')
      .description(
        'Set the flexibleRollout percentage of a flag in one environment (adds one if there is none), or create and start a rollout plan with --plan',
      )
      .argument('<flag>', 'the flag name')
      .requiredOption('--env <environment>', 'the environment')
      .option('--percent <n>', '0 to 100', parsePercent)
      .option('--plan <milestones>', 'a rollout plan: increasing percentages, e.g. 1,5,25,50,100', parseMilestones)
      .option(
        '--every <duration>',
        'with --plan: hold each milestone this long (30s, 15m, 1h, 2d); by hand without',
        parseDuration,
      )
      .option('--project <key>', 'the project (needed when several projects have the flag)'),
  ).action(
    async (
      name: string,
      options: { env: string; percent?: number; plan?: number[]; every?: number; project?: string; json?: boolean },
      command: Command,
    ) => {
      if ((options.percent === undefined) === (options.plan === undefined)) {
        throw new CliError('Pass either --percent or --plan.', 2);
      }
      if (options.every !== undefined && !options.plan) throw new CliError('--every goes with --plan.', 2);
      const client = context.client(command);
      const flag = await findFlag(client, name, options.project);
      if (options.plan) {
        const plan = await createPlan(client, flagPath(flag), options.env, {
          milestones: options.plan,
          ...(options.every ? { holdSeconds: options.every } : {}),
        });
        if (options.json) return printJson(context.io.stdout, plan);
        return printLines(context.io.stdout, describePlan(plan));
      }
      const after = await client.request<FlagView>(
        'POST',
        `${flagPath(flag)}/environments/${enc(options.env)}/rollout`,
        {
          body: { percent: options.percent },
        },
      );
      if (options.json) return printJson(context.io.stdout, after);
      const lines = [`${after.project}/${after.name} ${describeEnv(after, options.env)}`];
      if (!after.environments[options.env]?.enabled) {
        lines.push(
          `The flag is off in ${options.env}; \`backbeat flags enable ${after.name} --env ${options.env}\` starts the rollout.`,
        );
      }
      printLines(context.io.stdout, ...lines);
    },
  );

  registerFlagPlanCommands(flags, context, async (client, name, project) =>
    flagPath(await findFlag(client, name, project)),
  );
}

function parsePercent(value: string): number {
  const n = Number(value);
  if (!/^\d{1,3}$/.test(value) || n > 100)
    throw new InvalidArgumentError('--percent must be a whole number from 0 to 100.');
  return n;
}
