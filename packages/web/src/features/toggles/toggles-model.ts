import { ApiError } from '../../app/api-client.js';
import type { Constraint, Flag, FlagEnvironment, FlagType, HistoryEntry, Strategy, Variant } from './toggles-api.js';

/** Every constraint operator of the Unleash client specification, grouped as the editor offers them. */
export const CONSTRAINT_OPERATORS = [
  'IN',
  'NOT_IN',
  'STR_STARTS_WITH',
  'STR_ENDS_WITH',
  'STR_CONTAINS',
  'NUM_EQ',
  'NUM_GT',
  'NUM_GTE',
  'NUM_LT',
  'NUM_LTE',
  'DATE_AFTER',
  'DATE_BEFORE',
  'SEMVER_EQ',
  'SEMVER_GT',
  'SEMVER_GTE',
  'SEMVER_LT',
  'SEMVER_LTE',
  'REGEX',
  'IN_CIDR',
] as const;

/** The strategies people pick in the editor, with the parameters each one takes. */
export const STRATEGY_KINDS = {
  default: { label: 'Everyone (default)', parameters: [] },
  flexibleRollout: { label: 'Gradual rollout', parameters: ['rollout', 'stickiness', 'groupId'] },
  userWithId: { label: 'User ids', parameters: ['userIds'] },
  remoteAddress: { label: 'IP addresses', parameters: ['IPs'] },
  applicationHostname: { label: 'Host names', parameters: ['hostNames'] },
} as const satisfies Record<string, { label: string; parameters: readonly string[] }>;

export type StrategyKind = keyof typeof STRATEGY_KINDS;

export const STICKINESS = ['default', 'userId', 'sessionId', 'random'] as const;

/**
 * Whether an operator compares against a list (`values`) rather than one operand (`value`).
 *
 * @example
 * takesList('IN'); // true
 * takesList('SEMVER_GTE'); // false
 */
export function takesList(operator: string): boolean {
  return operator === 'IN' || operator === 'NOT_IN' || operator === 'IN_CIDR' || operator.startsWith('STR_');
}

/** Whether `caseInsensitive` means anything for the operator. */
export function takesCase(operator: string): boolean {
  return operator.startsWith('STR_') || operator === 'REGEX';
}

/**
 * The constraint with its operand moved to where the new operator expects it
 * (`values` for lists, `value` for single operands), so switching operators keeps what was typed.
 *
 * @example
 * withOperator({ contextName: 'appVersion', operator: 'IN', values: ['4.2.0'] }, 'SEMVER_GTE');
 * // { contextName: 'appVersion', operator: 'SEMVER_GTE', value: '4.2.0' }
 */
export function withOperator(constraint: Constraint, operator: string): Constraint {
  const { values, value, ...rest } = constraint;
  if (takesList(operator)) {
    const list = values ?? (value !== undefined && value !== '' ? [value] : []);
    return { ...rest, operator, values: list };
  }
  return { ...rest, operator, value: value ?? values?.[0] ?? '' };
}

/** A new strategy of a kind, with the parameters it needs already set. */
export function newStrategy(kind: StrategyKind, flagName: string): Strategy {
  const parameters: Record<string, string> =
    kind === 'flexibleRollout'
      ? { rollout: '50', stickiness: 'default', groupId: flagName }
      : kind === 'default'
        ? {}
        : { [STRATEGY_KINDS[kind].parameters[0] as string]: '' };
  return { name: kind, parameters, constraints: [], segments: [], variants: [] };
}

/** A new variant; `variable` weights share 1000 evenly on the server. */
export function newVariant(index: number): Variant {
  return { name: `variant-${index + 1}`, weight: 0, weightType: 'variable', stickiness: 'default' };
}

/**
 * The percentage of the environment's first gradual rollout, or undefined when the
 * flag has none (on for everyone, or targeted by ids and constraints).
 *
 * @example
 * rolloutPercent({ enabled: true, strategies: [{ name: 'flexibleRollout', parameters: { rollout: '25' }, ... }], ... }); // 25
 */
export function rolloutPercent(environment: FlagEnvironment | undefined): number | undefined {
  const rollout = environment?.strategies.find((s) => s.name === 'flexibleRollout' && !s.disabled);
  if (!rollout) return undefined;
  const n = Number(rollout.parameters.rollout);
  return Number.isFinite(n) ? n : undefined;
}

/** One line saying who gets the flag in an environment when it is on. */
export function audienceOf(environment: FlagEnvironment | undefined): string {
  const active = environment?.strategies.filter((s) => !s.disabled) ?? [];
  if (active.length === 0) return 'everyone';
  return active
    .map((s) => {
      const where = s.constraints.length > 0 ? ` if ${s.constraints.length} constraint${plural(s.constraints)}` : '';
      switch (s.name) {
        case 'default':
          return `everyone${where}`;
        case 'flexibleRollout':
          return `${s.parameters.rollout ?? '?'}%${where}`;
        case 'userWithId':
          return `${listOf(s.parameters.userIds).length} user id${plural(listOf(s.parameters.userIds))}${where}`;
        case 'remoteAddress':
          return `IPs ${s.parameters.IPs ?? ''}${where}`;
        case 'applicationHostname':
          return `hosts ${s.parameters.hostNames ?? ''}${where}`;
        default:
          return `${s.name}${where}`;
      }
    })
    .join(' or ');
}

function plural(list: readonly unknown[]): string {
  return list.length === 1 ? '' : 's';
}

/** A comma-separated parameter as a list, blanks dropped. */
export function listOf(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Whether a flag matches the search text (name, description or type, case-insensitive).
 *
 * @example
 * flagMatches(flag, 'checkout'); // true for new-checkout-flow
 */
export function flagMatches(flag: Pick<Flag, 'name' | 'description' | 'type'>, text: string): boolean {
  const needle = text.trim().toLowerCase();
  if (!needle) return true;
  return [flag.name, flag.description ?? '', flag.type].some((s) => s.toLowerCase().includes(needle));
}

/** Pill tone for a flag type. */
export function flagTypeTone(type: FlagType): string {
  switch (type) {
    case 'kill-switch':
      return 'danger';
    case 'experiment':
      return 'info';
    case 'operational':
      return 'warn';
    default:
      return 'neutral';
  }
}

/**
 * The field errors of a failed save, keyed by the server's field path
 * (`strategies[0].constraints[1].operator`), so each can be shown beside its input.
 *
 * @example
 * fieldErrorsOf(new ApiError(400, { errors: [{ field: 'strategies[0].parameters.rollout', message: 'a whole percentage' }] }));
 * // { 'strategies[0].parameters.rollout': 'a whole percentage' }
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  for (const item of error.problem.errors ?? []) {
    if (!item || typeof item !== 'object') continue;
    const { field, message } = item as Record<string, unknown>;
    if (typeof field !== 'string' || typeof message !== 'string') continue;
    out[field] = out[field] ? `${out[field]}; ${message}` : message;
  }
  return out;
}

/**
 * The errors no input claims: their field is not in `shown`. Shown above the form,
 * so a message is never lost because the editor has no place for it.
 */
export function unclaimedErrors(errors: Record<string, string>, shown: ReadonlySet<string>): [string, string][] {
  return Object.entries(errors).filter(([field]) => !shown.has(field));
}

/** Yes and no evaluations in one hour, summed over applications. */
export interface ExposurePoint {
  at: string;
  yes: number;
  no: number;
}

/**
 * Hourly metrics rows of one flag and environment summed per hour (over every
 * application), oldest first.
 *
 * @example
 * exposureSeries([{ hour: '2026-01-01T10:00:00Z', yes: 3, no: 1, ... }, { hour: '2026-01-01T10:00:00Z', yes: 2, no: 0, ... }]);
 * // [{ at: '2026-01-01T10:00:00.000Z', yes: 5, no: 1 }]
 */
export function exposureSeries(rows: readonly { hour: string; yes: number; no: number }[]): ExposurePoint[] {
  const byHour = new Map<number, ExposurePoint>();
  for (const row of rows) {
    const t = Date.parse(row.hour);
    if (Number.isNaN(t)) continue;
    const point = byHour.get(t) ?? { at: new Date(t).toISOString(), yes: 0, no: 0 };
    point.yes += row.yes;
    point.no += row.no;
    byHour.set(t, point);
  }
  return [...byHour.entries()].sort((a, b) => a[0] - b[0]).map(([, point]) => point);
}

/** What one history entry changed in one environment, in words. */
export interface EnvironmentChange {
  environment: string;
  what: string;
  before: string;
  after: string;
}

/**
 * The per-environment differences between a history entry's before and after:
 * the switch, the audience and the variants.
 *
 * @example
 * changesOf(entry); // [{ environment: 'production', what: 'switch', before: 'on', after: 'off' }]
 */
export function changesOf(entry: Pick<HistoryEntry, 'before' | 'after'>): EnvironmentChange[] {
  const before = entry.before?.environments ?? {};
  const after = entry.after?.environments ?? {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: EnvironmentChange[] = [];
  for (const environment of keys) {
    const b = before[environment];
    const a = after[environment];
    if ((b?.enabled ?? false) !== (a?.enabled ?? false)) {
      changes.push({
        environment,
        what: 'switch',
        before: b?.enabled ? 'on' : 'off',
        after: a?.enabled ? 'on' : 'off',
      });
    }
    if (JSON.stringify(b?.strategies ?? []) !== JSON.stringify(a?.strategies ?? [])) {
      changes.push({ environment, what: 'strategies', before: audienceOf(b), after: audienceOf(a) });
    }
    if (JSON.stringify(b?.variants ?? []) !== JSON.stringify(a?.variants ?? [])) {
      const names = (env: FlagEnvironment | undefined) =>
        (env?.variants ?? []).map((v) => `${v.name} ${v.weight / 10}%`).join(', ') || 'none';
      changes.push({ environment, what: 'variants', before: names(b), after: names(a) });
    }
  }
  return changes;
}

/**
 * Messages for one input: errors on exactly `path` or on its list items
 * (`values` also takes `values[2]`).
 *
 * @example
 * errorAt({ 'strategies[0].constraints[0].values[1]': 'not an IP address' }, 'strategies[0].constraints[0].values');
 * // 'values[1]: not an IP address'
 */
export function errorAt(errors: Record<string, string>, path: string): string | undefined {
  const messages: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    if (field === path) messages.push(message);
    else if (field.startsWith(`${path}[`)) messages.push(`${field.slice(path.lastIndexOf('.') + 1)}: ${message}`);
  }
  return messages.length > 0 ? messages.join('; ') : undefined;
}

/** Whether an error's field is shown by one of the inputs at `paths` (see `errorAt`). */
export function isClaimed(field: string, paths: ReadonlySet<string>): boolean {
  if (paths.has(field)) return true;
  const bracket = field.lastIndexOf('[');
  return bracket > 0 && paths.has(field.slice(0, bracket)) && field.endsWith(']');
}

/** The field paths the variant editor shows under `prefix` (`variants` or `strategies[0].variants`). */
export function variantFields(variants: readonly Variant[], prefix: string): string[] {
  const fields = [prefix];
  variants.forEach((_, i) => {
    const at = `${prefix}[${i}]`;
    fields.push(`${at}.name`, `${at}.weight`, `${at}.weightType`, `${at}.stickiness`, `${at}.payload.type`);
    fields.push(`${at}.payload.value`, `${at}.payload`);
  });
  return fields;
}

/** The field paths the strategy editor shows, so errors on anything else go above it. */
export function strategyFields(strategies: readonly Strategy[], prefix = 'strategies'): Set<string> {
  const fields = new Set<string>([prefix]);
  strategies.forEach((strategy, i) => {
    const at = `${prefix}[${i}]`;
    fields.add(`${at}.name`);
    const kind = STRATEGY_KINDS[strategy.name as StrategyKind];
    for (const name of kind?.parameters ?? []) fields.add(`${at}.parameters.${name}`);
    strategy.constraints.forEach((_, j) => {
      const c = `${at}.constraints[${j}]`;
      for (const part of ['contextName', 'operator', 'value', 'values', 'inverted', 'caseInsensitive'])
        fields.add(`${c}.${part}`);
    });
    for (const field of variantFields(strategy.variants, `${at}.variants`)) fields.add(field);
  });
  return fields;
}

/** How far a plan's milestone is: done, the one in effect, or still to come. */
export type MilestoneState = 'reached' | 'current' | 'pending';

/**
 * Each milestone of a rollout plan with its state and when it was last reached
 * (from the plan's timeline), for the timeline view.
 *
 * @example
 * milestoneSteps({ milestones: [5, 25], currentIndex: 0, status: 'running', timeline: [...] });
 * // [{ percent: 5, state: 'current', reachedAt: '...' }, { percent: 25, state: 'pending' }]
 */
export function milestoneSteps(plan: {
  milestones: number[];
  currentIndex: number;
  status: string;
  timeline: { kind: string; milestoneIndex: number | null; at: string }[];
}): { percent: number; state: MilestoneState; reachedAt?: string }[] {
  return plan.milestones.map((percent, index) => {
    const reached = plan.timeline
      .filter((e) => e.kind === 'milestone-reached' && e.milestoneIndex === index)
      .map((e) => e.at)
      .sort()
      .pop();
    const state: MilestoneState =
      index < plan.currentIndex || (index === plan.currentIndex && plan.status === 'completed')
        ? 'reached'
        : index === plan.currentIndex
          ? 'current'
          : 'pending';
    return { percent, state, ...(reached ? { reachedAt: reached } : {}) };
  });
}

/**
 * Comma-separated milestone percentages as numbers, or the position of the first
 * one that is not a whole number (the server checks the order and range).
 *
 * @example
 * parseMilestones('1, 5, 25'); // { milestones: [1, 5, 25] }
 */
export function parseMilestones(text: string): { milestones: number[] } | { error: string } {
  const parts = listOf(text);
  if (parts.length === 0) return { error: 'at least one milestone, e.g. 1, 5, 25, 50, 100' };
  const milestones: number[] = [];
  for (const [i, part] of parts.entries()) {
    if (!/^\d+$/.test(part)) return { error: `milestones[${i}]: "${part}" is not a whole percentage` };
    milestones.push(Number(part));
  }
  return { milestones };
}

/**
 * How often each variant was handed out over the rows, most first, leaving out
 * Unleash's `disabled` placeholder (the flag was off for that context).
 *
 * @example
 * variantTotals([{ variants: { control: 3, disabled: 9 } }, { variants: { control: 1, b: 5 } }]); // [['b', 5], ['control', 4]]
 */
export function variantTotals(rows: readonly { variants: Record<string, number> }[]): [string, number][] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    for (const [name, count] of Object.entries(row.variants)) {
      if (name !== 'disabled') totals.set(name, (totals.get(name) ?? 0) + count);
    }
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * Why a flag is stale, as a tooltip, or undefined when it is not: marked by hand,
 * or detected by the server's stale report (lifetime, fully on, never evaluated).
 *
 * @example
 * staleWhy({ stale: false }, [{ reason: 'fully-on', detail: 'on for everyone in production for 40 days' }]);
 * // 'on for everyone in production for 40 days'
 */
export function staleWhy(
  flag: Pick<Flag, 'stale'>,
  reasons: readonly { reason: string; detail: string }[],
): string | undefined {
  const lines = reasons.map((r) => r.detail);
  if (flag.stale && !reasons.some((r) => r.reason === 'marked')) lines.unshift('marked stale');
  return lines.length > 0 ? [...new Set(lines)].join('; ') : undefined;
}
