import { allOf, compileConstraint, NEVER, type Predicate, type WarnFn } from './constraints.js';
import { fieldReader } from './context.js';
import { type IpRange, inRange, parseCidr, parseIPv4 } from './ip.js';
import { murmurHash3Pair, STRATEGY_SEED } from './murmur.js';
import type { SegmentDefinition, StrategyDefinition, ToggleContext } from './types.js';
import { type CompiledVariants, compileVariants } from './variants.js';

/** A compiled strategy: its constraints and its own test in one predicate, plus its variants. */
export interface CompiledStrategy {
  name: string;
  test: Predicate;
  variants: CompiledVariants | undefined;
}

/** Environment facts some strategies need; passed in so the evaluator runs in browsers too. */
export interface StrategyEnvironment {
  /** For applicationHostname; lower-cased before comparing. */
  hostname: string | undefined;
  /** 0 <= n < 1; Math.random by default. For random stickiness and gradualRolloutRandom. */
  random: () => number;
}

const LIST_SEPARATOR = /\s*,\s*/;

/** The strategy names this evaluator knows. */
export const KNOWN_STRATEGIES = [
  'default',
  'flexibleRollout',
  'userWithId',
  'remoteAddress',
  'applicationHostname',
  'gradualRolloutUserId',
  'gradualRolloutSessionId',
  'gradualRolloutRandom',
] as const;

function bucket(prefix: string, id: string): number {
  return (murmurHash3Pair(prefix, id, STRATEGY_SEED) % 100) + 1;
}

function rolloutOn(percentage: number, prefix: string, read: (c: ToggleContext) => string | undefined): Predicate {
  if (!(percentage > 0)) return NEVER;
  return (context) => {
    const id = read(context);
    return id !== undefined && id !== '' && bucket(prefix, id) <= percentage;
  };
}

function compileActivation(
  strategy: StrategyDefinition,
  featureName: string,
  env: StrategyEnvironment,
  path: string,
  warn: WarnFn,
): Predicate {
  const p = strategy.parameters ?? {};
  switch (strategy.name) {
    case 'default':
      return () => true;
    case 'flexibleRollout': {
      const percentage = Number(p.rollout);
      const prefix = `${p.groupId || featureName}:`;
      const stickiness = p.stickiness || 'default';
      if (!(percentage > 0)) return NEVER;
      if (stickiness === 'random') return () => Math.floor(env.random() * 100) + 1 <= percentage;
      if (stickiness === 'default') {
        return (context) => {
          const id = context.userId || context.sessionId;
          if (id) return bucket(prefix, id) <= percentage;
          return Math.floor(env.random() * 100) + 1 <= percentage;
        };
      }
      return rolloutOn(percentage, prefix, fieldReader(stickiness));
    }
    case 'userWithId': {
      const ids = new Set(p.userIds ? p.userIds.split(LIST_SEPARATOR) : []);
      return (context) => context.userId !== undefined && ids.has(context.userId);
    }
    case 'remoteAddress': {
      const exact = new Set<string>();
      const ranges: IpRange[] = [];
      for (const entry of p.IPs ? p.IPs.split(LIST_SEPARATOR) : []) {
        exact.add(entry);
        const range = parseCidr(entry);
        if (range?.version === 4) ranges.push(range);
      }
      return (context) => {
        const address = context.remoteAddress;
        if (address === undefined) return false;
        if (exact.has(address)) return true;
        const v4 = parseIPv4(address);
        if (v4 < 0) return false;
        const ip = { version: 4 as const, words: Uint32Array.of(0, 0, 0, v4) };
        return ranges.some((range) => inRange(ip, range));
      };
    }
    case 'applicationHostname': {
      const names = p.hostNames ? p.hostNames.toLowerCase().split(LIST_SEPARATOR) : [];
      const matches = env.hostname !== undefined && names.includes(env.hostname.toLowerCase());
      return () => matches;
    }
    case 'gradualRolloutUserId':
    case 'gradualRolloutSessionId': {
      const field = strategy.name === 'gradualRolloutUserId' ? 'userId' : 'sessionId';
      // The reference SDK hashes with an empty group when groupId is missing.
      return rolloutOn(Number(p.percentage), `${p.groupId || ''}:`, (c) => c[field]);
    }
    case 'gradualRolloutRandom': {
      const percentage = Number(p.percentage);
      return () => percentage >= Math.floor(env.random() * 100) + 1;
    }
    default:
      warn(`${path}.name`, `unknown strategy ${JSON.stringify(strategy.name)}: it never matches`);
      return NEVER;
  }
}

/**
 * Compiles a strategy with its constraints and segments. A missing segment makes the strategy
 * never match (the reference behaviour); structural errors throw naming the field.
 *
 * @example
 * const s = compileStrategy({ name: 'userWithId', parameters: { userIds: '1, 2' } }, 'flag', new Map(), env, 's', warn);
 * s.test({ userId: '2' }); // true
 */
export function compileStrategy(
  strategy: StrategyDefinition,
  featureName: string,
  segments: ReadonlyMap<number, SegmentDefinition>,
  env: StrategyEnvironment,
  path: string,
  warn: WarnFn,
): CompiledStrategy {
  if (!strategy || typeof strategy !== 'object') throw new Error(`${path}: a strategy must be an object`);
  if (typeof strategy.name !== 'string') throw new Error(`${path}.name: must be a string`);
  if (strategy.parameters !== undefined && strategy.parameters !== null && typeof strategy.parameters !== 'object') {
    throw new Error(`${path}.parameters: must be an object`);
  }
  if (strategy.constraints !== undefined && strategy.constraints !== null && !Array.isArray(strategy.constraints)) {
    throw new Error(`${path}.constraints: must be an array`);
  }
  if (strategy.segments !== undefined && strategy.segments !== null && !Array.isArray(strategy.segments)) {
    throw new Error(`${path}.segments: must be an array of segment ids`);
  }
  const predicates: Predicate[] = [];
  (strategy.constraints ?? []).forEach((constraint, i) => {
    predicates.push(compileConstraint(constraint, `${path}.constraints[${i}]`, warn));
  });
  let missingSegment = false;
  for (const id of strategy.segments ?? []) {
    const segment = segments.get(id);
    if (!segment) {
      warn(`${path}.segments`, `segment ${id} does not exist: the strategy never matches`);
      missingSegment = true;
      continue;
    }
    (segment.constraints ?? []).forEach((constraint, i) => {
      predicates.push(compileConstraint(constraint, `segments[id=${id}].constraints[${i}]`, warn));
    });
  }
  const activation = compileActivation(strategy, featureName, env, path, warn);
  const constraints = allOf(predicates);
  const test: Predicate =
    missingSegment || strategy.disabled === true
      ? NEVER
      : predicates.length === 0
        ? activation
        : (context) => constraints(context) && activation(context);
  const variants =
    Array.isArray(strategy.variants) && strategy.variants.length > 0
      ? compileVariants(
          strategy.variants,
          strategy.parameters?.groupId || featureName,
          strategy.variants[0]?.stickiness || strategy.parameters?.stickiness,
          `${path}.variants`,
        )
      : undefined;
  return { name: strategy.name, test, variants };
}
