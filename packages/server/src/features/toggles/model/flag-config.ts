import { z } from '@hono/zod-openapi';

/** Flag types, with Unleash's meaning: how long a flag is expected to live. */
export const FLAG_TYPES = ['release', 'experiment', 'operational', 'kill-switch', 'permission'] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

/** Every constraint operator of the Unleash client specification (6.1). */
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

/** Strategies Backbeat's evaluator and Unleash's SDKs know. Others evaluate to false. */
export const STRATEGY_NAMES = [
  'default',
  'flexibleRollout',
  'userWithId',
  'remoteAddress',
  'applicationHostname',
  'gradualRolloutUserId',
  'gradualRolloutSessionId',
  'gradualRolloutRandom',
] as const;

export const ConstraintSchema = z
  .object({
    contextName: z.string().min(1),
    operator: z.string().min(1),
    values: z.array(z.string()).optional(),
    value: z.string().optional(),
    inverted: z.boolean().optional(),
    caseInsensitive: z.boolean().optional(),
  })
  .openapi('ToggleConstraint');
export type Constraint = z.infer<typeof ConstraintSchema>;

const PayloadSchema = z.object({
  type: z.enum(['string', 'json', 'csv', 'number']),
  value: z.string(),
});

const OverrideSchema = z.object({ contextName: z.string().min(1), values: z.array(z.string()) });

export const VariantSchema = z
  .object({
    name: z.string().min(1).max(200),
    weight: z.number().int().min(0).max(1000),
    weightType: z.enum(['variable', 'fix']).optional(),
    stickiness: z.string().min(1).optional(),
    payload: PayloadSchema.optional(),
    overrides: z.array(OverrideSchema).optional(),
  })
  .openapi('ToggleVariant');
export type Variant = z.infer<typeof VariantSchema>;

// Unleash sends every parameter as a string; numbers from hand-written JSON are accepted and stored as strings.
const ParameterValue = z.union([z.string(), z.number().transform(String), z.boolean().transform(String)]);

export const StrategySchema = z
  .object({
    id: z.string().min(1).optional(),
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'a strategy name: letters, digits, - and _, starting with a letter'),
    title: z.string().max(200).optional(),
    disabled: z.boolean().optional(),
    parameters: z.record(z.string(), ParameterValue).default({}),
    constraints: z.array(ConstraintSchema).default([]),
    segments: z.array(z.number().int().positive()).default([]),
    variants: z.array(VariantSchema).default([]),
  })
  .openapi('ToggleStrategy');
export type Strategy = z.infer<typeof StrategySchema>;
export type StrategyInput = z.input<typeof StrategySchema>;

export const DependencySchema = z
  .object({
    feature: z.string().min(1),
    enabled: z.boolean().optional(),
    variants: z.array(z.string()).optional(),
  })
  .openapi('ToggleDependency');
export type Dependency = z.infer<typeof DependencySchema>;

/** One flag's state in one environment: the switch and what decides who gets it. */
export interface EnvironmentConfig {
  enabled: boolean;
  strategies: Strategy[];
  variants: Variant[];
}

/** A problem in a flag definition, named by its path (`strategies[0].constraints[1].operator`). */
export interface ConfigIssue {
  field: string;
  message: string;
}

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** Whether `text` is a semantic version as the specification's SEMVER_* operators accept it (no leading `v`). */
export function isSemver(text: string): boolean {
  return SEMVER.test(text);
}

function isPercentage(text: string | undefined): boolean {
  if (text === undefined || !/^\d{1,3}$/.test(text.trim())) return false;
  const n = Number(text);
  return n >= 0 && n <= 100;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** An IPv4 or IPv6 address, optionally with a prefix length. */
export function isIpOrCidr(text: string): boolean {
  const [address, prefix, ...rest] = text.trim().split('/');
  if (rest.length > 0 || !address) return false;
  const v4 = IPV4.test(address);
  const v6 = !v4 && address.includes(':') && /^[0-9a-fA-F:.]+$/.test(address) && address.split('::').length <= 2;
  if (!v4 && !v6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

/**
 * Checks what the schemas cannot: known operators and their operand formats,
 * parameters of known strategies, variant payloads and weights. Returns issues with
 * their full path under `prefix`; an empty list means the definition evaluates as
 * written.
 *
 * @example
 * checkStrategies([{ name: 'flexibleRollout', parameters: { rollout: '120' }, constraints: [], segments: [], variants: [] }]);
 * // [{ field: 'strategies[0].parameters.rollout', message: 'a whole percentage from 0 to 100' }]
 */
export function checkStrategies(strategies: Strategy[], prefix = 'strategies'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  strategies.forEach((strategy, i) => {
    const at = `${prefix}[${i}]`;
    issues.push(...checkStrategyParameters(strategy, at));
    issues.push(...checkConstraints(strategy.constraints, `${at}.constraints`));
    issues.push(...checkVariants(strategy.variants, `${at}.variants`));
  });
  return issues;
}

function checkStrategyParameters(strategy: Strategy, at: string): ConfigIssue[] {
  const p = strategy.parameters;
  const issue = (name: string, message: string) => [{ field: `${at}.parameters.${name}`, message }];
  switch (strategy.name) {
    case 'default':
      return [];
    case 'flexibleRollout':
      if (!isPercentage(p.rollout)) return issue('rollout', 'a whole percentage from 0 to 100');
      if (p.stickiness !== undefined && p.stickiness.trim() === '') return issue('stickiness', 'must not be empty');
      return [];
    case 'gradualRolloutUserId':
    case 'gradualRolloutSessionId':
    case 'gradualRolloutRandom':
      return isPercentage(p.percentage) ? [] : issue('percentage', 'a whole percentage from 0 to 100');
    case 'userWithId':
      return p.userIds === undefined ? issue('userIds', 'a comma-separated list of user ids is required') : [];
    case 'remoteAddress': {
      if (p.IPs === undefined) return issue('IPs', 'a comma-separated list of IP addresses or CIDR ranges is required');
      const bad = p.IPs.split(/\s*,\s*/).filter((ip) => ip !== '' && !isIpOrCidr(ip));
      return bad.length > 0 ? issue('IPs', `not an IP address or CIDR range: ${bad.join(', ')}`) : [];
    }
    case 'applicationHostname':
      return p.hostNames === undefined ? issue('hostNames', 'a comma-separated list of host names is required') : [];
    default:
      return [
        {
          field: `${at}.name`,
          message: `unknown strategy "${strategy.name}"; one of ${STRATEGY_NAMES.join(', ')} (others evaluate to false)`,
        },
      ];
  }
}

/** Operand checks for constraints; see `checkStrategies`. */
export function checkConstraints(constraints: Constraint[], prefix: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  constraints.forEach((constraint, i) => {
    const at = `${prefix}[${i}]`;
    const op = constraint.operator;
    if (!(CONSTRAINT_OPERATORS as readonly string[]).includes(op)) {
      issues.push({
        field: `${at}.operator`,
        message: `unknown operator "${op}"; one of ${CONSTRAINT_OPERATORS.join(', ')}`,
      });
      return;
    }
    const single = constraint.value ?? constraint.values?.[0];
    const values = constraint.values ?? [];
    if (op.startsWith('NUM_')) {
      if (single === undefined || single.trim() === '' || Number.isNaN(Number(single))) {
        issues.push({ field: `${at}.value`, message: `${op} needs a number in "value"` });
      }
    } else if (op.startsWith('DATE_')) {
      if (single === undefined || Number.isNaN(Date.parse(single))) {
        issues.push({ field: `${at}.value`, message: `${op} needs an ISO-8601 date-time in "value"` });
      }
    } else if (op.startsWith('SEMVER_')) {
      if (single === undefined || !isSemver(single)) {
        issues.push({
          field: `${at}.value`,
          message: `${op} needs a semantic version such as 1.2.3 (no leading v) in "value"`,
        });
      }
    } else if (op === 'REGEX') {
      if (single === undefined) issues.push({ field: `${at}.value`, message: 'REGEX needs a pattern in "value"' });
      else {
        try {
          new RegExp(single, constraint.caseInsensitive ? 'i' : '');
        } catch (error) {
          issues.push({ field: `${at}.value`, message: `not a valid regular expression: ${(error as Error).message}` });
        }
      }
    } else if (op === 'IN_CIDR') {
      values.forEach((value, j) => {
        if (!isIpOrCidr(value))
          issues.push({ field: `${at}.values[${j}]`, message: 'not an IP address or CIDR range' });
      });
    }
  });
  return issues;
}

/** Payload and weight checks for variants; see `checkStrategies`. */
export function checkVariants(variants: Variant[], prefix: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  variants.forEach((variant, i) => {
    const at = `${prefix}[${i}]`;
    if (names.has(variant.name)) issues.push({ field: `${at}.name`, message: `duplicate variant "${variant.name}"` });
    names.add(variant.name);
    const payload = variant.payload;
    if (payload?.type === 'json') {
      try {
        JSON.parse(payload.value);
      } catch {
        issues.push({ field: `${at}.payload.value`, message: 'a json payload must be valid JSON' });
      }
    }
    if (payload?.type === 'number' && (payload.value.trim() === '' || Number.isNaN(Number(payload.value)))) {
      issues.push({ field: `${at}.payload.value`, message: 'a number payload must be a number' });
    }
  });
  const fixed = variants.filter((v) => v.weightType === 'fix').reduce((sum, v) => sum + v.weight, 0);
  if (fixed > 1000) issues.push({ field: prefix, message: `fixed weights add up to ${fixed}, more than 1000` });
  return issues;
}

/**
 * Unleash's weight rule for variants edited by people: `fix` weights stay, `variable`
 * ones share what is left of 1000 evenly, the remainder going to the first. Lists
 * without any weightType (imported from a client payload) keep their weights, since
 * bucketing divides by their total.
 *
 * @example
 * normalizeVariantWeights([{ name: 'a', weight: 0, weightType: 'variable' }, { name: 'b', weight: 0, weightType: 'variable' }]);
 * // a: 500, b: 500
 */
export function normalizeVariantWeights(variants: Variant[]): Variant[] {
  if (!variants.some((v) => v.weightType !== undefined)) return variants;
  const fixed = variants.filter((v) => v.weightType === 'fix').reduce((sum, v) => sum + v.weight, 0);
  const variable = variants.filter((v) => v.weightType !== 'fix');
  if (variable.length === 0) return variants;
  const share = Math.floor(Math.max(0, 1000 - fixed) / variable.length);
  let remainder = Math.max(0, 1000 - fixed) - share * variable.length;
  return variants.map((v) => {
    if (v.weightType === 'fix') return v;
    const extra = remainder > 0 ? 1 : 0;
    remainder -= extra;
    return { ...v, weightType: 'variable', weight: share + extra };
  });
}
