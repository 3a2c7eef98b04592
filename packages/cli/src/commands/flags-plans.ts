import { type Command, InvalidArgumentError } from 'commander';
import { CliError } from '../cli-errors.js';
import type { HttpClient } from '../http-client.js';
import { printJson, printLines, printTable } from '../output.js';
import type { CommandContext } from './command-context.js';
import { withJson } from './command-context.js';

/** The parts of a rollout plan the CLI shows. */
export interface PlanView {
  id: string;
  project: string;
  flag: string;
  environment: string;
  milestones: number[];
  holdSeconds: number | null;
  status: string;
  currentIndex: number;
  nextAt: string | null;
  guards: { kind: string; name?: string }[];
  timeline: { at: string; kind: string; percent: number | null; actor: string; detail: Record<string, unknown> }[];
}

interface StaleReport {
  squads: {
    ownerRef: string | null;
    flags: number;
    stale: { project: string; flag: string; type: string; reasons: { reason: string; detail: string }[] }[];
  }[];
  totals: { flags: number; stale: number };
}

const enc = encodeURIComponent;

/**
 * `--plan 1,5,25,50,100`: strictly increasing whole percentages from 1 to 100.
 *
 * @example
 * parseMilestones('1,5,25'); // [1, 5, 25]
 */
export function parseMilestones(value: string): number[] {
  const parts = value.split(',').map((p) => p.trim());
  const numbers = parts.map(Number);
  numbers.forEach((n, i) => {
    if (!/^\d{1,3}$/.test(parts[i] ?? '') || n < 1 || n > 100) {
      throw new InvalidArgumentError(`--plan: "${parts[i]}" is not a whole percentage from 1 to 100.`);
    }
    const previous = numbers[i - 1];
    if (i > 0 && previous !== undefined && n <= previous) {
      throw new InvalidArgumentError(`--plan: ${n} must be above the milestone before it (${previous}).`);
    }
  });
  return numbers;
}

/**
 * `--every 30m`: a hold in seconds from a number and a unit (s, m, h, d).
 *
 * @example
 * parseDuration('1h'); // 3600
 */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('--every must be a number and a unit: 30s, 15m, 1h or 2d.');
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * unit;
  if (seconds < 1) throw new InvalidArgumentError('--every must be at least one second.');
  return seconds;
}

function formatHold(seconds: number | null): string {
  if (!seconds) return 'by hand';
  if (seconds % 86_400 === 0) return `every ${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `every ${seconds / 3600}h`;
  if (seconds % 60 === 0) return `every ${seconds / 60}m`;
  return `every ${seconds}s`;
}

/** One line saying where a plan stands, e.g. `checkout/new-cart production: running at 5% (2/5), every 1h, next 2026-...`. */
export function describePlan(plan: PlanView): string {
  const percent = plan.milestones[plan.currentIndex];
  const at =
    percent === undefined ? 'not started' : `at ${percent}% (${plan.currentIndex + 1}/${plan.milestones.length})`;
  const next = plan.nextAt ? `, next ${plan.nextAt}` : '';
  return `${plan.project}/${plan.flag} ${plan.environment}: ${plan.status} ${at}, ${formatHold(plan.holdSeconds)}${next}`;
}

async function currentPlan(client: HttpClient, flagPath: string, env: string): Promise<PlanView> {
  return client.request<PlanView>('GET', `${flagPath}/environments/${enc(env)}/plan`);
}

/**
 * The plan verbs under `backbeat flags`: `plan` (show), `advance`, `pause`, `resume`,
 * and `stale` (the stale-flag report). `rollout --plan` creates and starts a plan.
 */
export function registerFlagPlanCommands(
  flags: Command,
  context: CommandContext,
  findFlagPath: (client: HttpClient, name: string, project?: string) => Promise<string>,
): void {
  withJson(
    flags
      .command('plan')
      .description('Show the rollout plan of a flag in one environment, with its timeline')
      .argument('<flag>', 'the flag name')
      .requiredOption('--env <environment>', 'the environment')
      .option('--project <key>', 'the project (needed when several projects have the flag)'),
  ).action(async (name: string, options: { env: string; project?: string; json?: boolean }, command: Command) => {
    const client = context.client(command);
    const plan = await currentPlan(client, await findFlagPath(client, name, options.project), options.env);
    if (options.json) return printJson(context.io.stdout, plan);
    printLines(context.io.stdout, describePlan(plan), `milestones: ${plan.milestones.map((m) => `${m}%`).join(' → ')}`);
    printTable(
      context.io.stdout,
      plan.timeline,
      [
        { header: 'AT', value: (t) => t.at },
        { header: 'EVENT', value: (t) => t.kind },
        { header: 'PERCENT', value: (t) => (t.percent === null ? undefined : `${t.percent}%`) },
        { header: 'BY', value: (t) => t.actor },
        {
          header: 'DETAIL',
          value: (t) => [t.detail.guard, t.detail.detail, t.detail.reason].filter(Boolean).join(': ') || undefined,
        },
      ],
      'No events yet.',
    );
  });

  for (const [verb, description] of [
    ['advance', 'Move the flag’s running plan to its next milestone now'],
    ['pause', 'Pause the flag’s running plan (the current percentage stays)'],
    ['resume', 'Resume the flag’s paused plan at its current milestone'],
  ] as const) {
    const command = flags
      .command(verb)
      .description(description)
      .argument('<flag>', 'the flag name')
      .requiredOption('--env <environment>', 'the environment')
      .option('--project <key>', 'the project (needed when several projects have the flag)');
    if (verb === 'pause') command.option('--reason <text>', 'why; kept in the plan timeline');
    withJson(command).action(
      async (
        name: string,
        options: { env: string; project?: string; reason?: string; json?: boolean },
        cmd: Command,
      ) => {
        const client = context.client(cmd);
        const plan = await currentPlan(client, await findFlagPath(client, name, options.project), options.env);
        const after = await client.request<PlanView>('POST', `/api/toggles/plans/${enc(plan.id)}/${verb}`, {
          ...(options.reason ? { body: { reason: options.reason } } : {}),
        });
        if (options.json) return printJson(context.io.stdout, after);
        printLines(context.io.stdout, describePlan(after));
      },
    );
  }

  withJson(
    flags
      .command('stale')
      .description('Stale flags per owning squad: past their type lifetime, fully on for long, unused, or marked')
      .option('--owner <group>', 'only this group, e.g. group:default/team-checkout'),
  ).action(async (options: { owner?: string; json?: boolean }, command: Command) => {
    const client = context.client(command);
    const query = options.owner ? `?owner=${enc(options.owner)}` : '';
    const report = await client.request<StaleReport>('GET', `/api/toggles/stale${query}`);
    if (options.json) return printJson(context.io.stdout, report);
    const rows = report.squads.flatMap((s) => s.stale.map((f) => ({ owner: s.ownerRef ?? '(no owner)', ...f })));
    printTable(
      context.io.stdout,
      rows,
      [
        { header: 'OWNER', value: (r) => r.owner },
        { header: 'FLAG', value: (r) => `${r.project}/${r.flag}` },
        { header: 'TYPE', value: (r) => r.type },
        { header: 'WHY', value: (r) => r.reasons.map((x) => x.detail).join('; ') },
      ],
      'No stale flags.',
    );
    printLines(context.io.stdout, `${report.totals.stale} of ${report.totals.flags} flags are stale.`);
  });
}

/** Creates and starts a plan for `rollout --plan`. */
export async function createPlan(
  client: HttpClient,
  flagPath: string,
  env: string,
  input: { milestones: number[]; holdSeconds?: number },
): Promise<PlanView> {
  if (input.milestones.length === 0) throw new CliError('--plan needs at least one milestone.', 2);
  return client.request<PlanView>('POST', `${flagPath}/environments/${enc(env)}/plans`, {
    body: { milestones: input.milestones, ...(input.holdSeconds ? { holdSeconds: input.holdSeconds } : {}) },
  });
}
