import { fieldReader } from './context.js';
import { type IpRange, inRange, parseCidr, parseIp } from './ip.js';
import { compileRe2 } from './regex.js';
import { compareSemver, parseSemver } from './semver.js';
import type { ConstraintDefinition, ToggleContext } from './types.js';

/** A compiled test on the context. */
export type Predicate = (context: ToggleContext) => boolean;

/** Reports something odd found while compiling; evaluation goes on. */
export type WarnFn = (field: string, message: string) => void;

const NEVER: Predicate = () => false;
const ALWAYS: Predicate = () => true;

// Empty values are dropped and the rest trimmed, as the reference SDKs do.
function cleanValues(values: unknown): string[] {
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) throw new Error('values must be an array of strings');
  const out: string[] = [];
  for (const v of values) if (v) out.push(String(v).trim());
  return out;
}

function singleValue(constraint: ConstraintDefinition): string | undefined {
  if (typeof constraint.value === 'string') return constraint.value;
  // Older payloads put single values in `values`.
  return Array.isArray(constraint.values) && typeof constraint.values[0] === 'string'
    ? constraint.values[0]
    : undefined;
}

function membership(values: string[]): (value: string) => boolean {
  if (values.length > 8) {
    const set = new Set(values);
    return (value) => set.has(value);
  }
  if (values.length === 1) {
    const only = values[0];
    return (value) => value === only;
  }
  return (value) => values.includes(value);
}

function currentTimeMs(context: ToggleContext): number {
  const time = context.currentTime;
  if (!time) return Date.now();
  return typeof time === 'string' ? Date.parse(time) : time.getTime();
}

function compileOperator(constraint: ConstraintDefinition, path: string, warn: WarnFn): Predicate {
  const read = fieldReader(constraint.contextName);
  const operator = constraint.operator;
  switch (operator) {
    case 'IN':
    case 'NOT_IN': {
      const has = membership(cleanValues(constraint.values));
      if (operator === 'IN') {
        return (context) => {
          const value = read(context);
          return value !== undefined && has(value);
        };
      }
      return (context) => {
        const value = read(context);
        return value === undefined || !has(value);
      };
    }
    case 'STR_CONTAINS':
    case 'STR_STARTS_WITH':
    case 'STR_ENDS_WITH': {
      const lower = constraint.caseInsensitive === true;
      const values = cleanValues(constraint.values).map((v) => (lower ? v.toLowerCase() : v));
      const test =
        operator === 'STR_CONTAINS'
          ? (value: string) => values.some((v) => value.includes(v))
          : operator === 'STR_STARTS_WITH'
            ? (value: string) => values.some((v) => value.startsWith(v))
            : (value: string) => values.some((v) => value.endsWith(v));
      return (context) => {
        const value = read(context);
        if (value === undefined) return false;
        return test(lower ? value.toLowerCase() : value);
      };
    }
    case 'NUM_EQ':
    case 'NUM_GT':
    case 'NUM_GTE':
    case 'NUM_LT':
    case 'NUM_LTE': {
      const target = Number(singleValue(constraint));
      if (Number.isNaN(target)) {
        warn(`${path}.value`, `${operator} needs a number, got ${JSON.stringify(constraint.value)}`);
        return NEVER;
      }
      const compare =
        operator === 'NUM_EQ'
          ? (v: number) => v === target
          : operator === 'NUM_GT'
            ? (v: number) => v > target
            : operator === 'NUM_GTE'
              ? (v: number) => v >= target
              : operator === 'NUM_LT'
                ? (v: number) => v < target
                : (v: number) => v <= target;
      return (context) => {
        const value = Number(read(context));
        return !Number.isNaN(value) && compare(value);
      };
    }
    case 'DATE_AFTER':
    case 'DATE_BEFORE': {
      const raw = singleValue(constraint);
      const target = raw === undefined ? Number.NaN : Date.parse(raw);
      if (Number.isNaN(target)) {
        warn(`${path}.value`, `${operator} needs an ISO-8601 date, got ${JSON.stringify(raw)}`);
        return NEVER;
      }
      // The reference SDKs compare the context's currentTime whatever contextName says.
      return operator === 'DATE_AFTER'
        ? (context) => currentTimeMs(context) > target
        : (context) => currentTimeMs(context) < target;
    }
    case 'SEMVER_EQ':
    case 'SEMVER_GT':
    case 'SEMVER_GTE':
    case 'SEMVER_LT':
    case 'SEMVER_LTE': {
      const raw = singleValue(constraint);
      const target = raw === undefined ? undefined : parseSemver(raw, { allowPrefix: true });
      if (!target) {
        warn(`${path}.value`, `${operator} needs a semantic version, got ${JSON.stringify(raw)}`);
        return NEVER;
      }
      const accept =
        operator === 'SEMVER_EQ'
          ? (c: number) => c === 0
          : operator === 'SEMVER_GT'
            ? (c: number) => c > 0
            : operator === 'SEMVER_GTE'
              ? (c: number) => c >= 0
              : operator === 'SEMVER_LT'
                ? (c: number) => c < 0
                : (c: number) => c <= 0;
      return (context) => {
        const value = read(context);
        if (!value) return false;
        const version = parseSemver(value);
        return version !== undefined && accept(compareSemver(version, target));
      };
    }
    case 'REGEX': {
      const raw = singleValue(constraint);
      let regex: RegExp;
      try {
        if (raw === undefined) throw new Error('missing pattern');
        regex = compileRe2(raw, constraint.caseInsensitive === true);
      } catch (error) {
        warn(`${path}.value`, `invalid REGEX ${JSON.stringify(raw)}: ${(error as Error).message}`);
        return NEVER;
      }
      return (context) => {
        const value = read(context);
        if (value === undefined) return false;
        // Stateless flags (no g or y), so test() is safe to share.
        return regex.test(value);
      };
    }
    case 'IN_CIDR': {
      const ranges: IpRange[] = [];
      for (const value of cleanValues(constraint.values)) {
        const range = parseCidr(value);
        if (range) ranges.push(range);
        else warn(`${path}.values`, `not an IP address or CIDR range: ${JSON.stringify(value)}`);
      }
      if (ranges.length === 0) return NEVER;
      return (context) => {
        const value = read(context);
        if (value === undefined) return false;
        const ip = parseIp(value);
        if (!ip) return false;
        for (const range of ranges) if (inRange(ip, range)) return true;
        return false;
      };
    }
    default:
      warn(`${path}.operator`, `unknown operator ${JSON.stringify(operator)}: the constraint never matches`);
      return NEVER;
  }
}

/**
 * Compiles one constraint, `inverted` included. Values are parsed and patterns compiled here,
 * once, so evaluation only reads the context. Throws on a structurally broken constraint.
 *
 * @example
 * const test = compileConstraint({ contextName: 'appName', operator: 'IN', values: ['shop'] }, 'c', () => {});
 * test({ appName: 'shop' }); // true
 */
export function compileConstraint(constraint: ConstraintDefinition, path: string, warn: WarnFn): Predicate {
  if (!constraint || typeof constraint !== 'object') throw new Error(`${path}: a constraint must be an object`);
  if (typeof constraint.contextName !== 'string') throw new Error(`${path}.contextName: must be a string`);
  if (typeof constraint.operator !== 'string') throw new Error(`${path}.operator: must be a string`);
  let test: Predicate;
  try {
    test = compileOperator(constraint, path, warn);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  if (constraint.inverted === true) {
    const inner = test;
    return (context) => !inner(context);
  }
  return test;
}

/**
 * ANDs compiled constraints; an empty list always passes.
 *
 * @example
 * allOf([])({}); // true
 */
export function allOf(predicates: Predicate[]): Predicate {
  if (predicates.length === 0) return ALWAYS;
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [a, b] = predicates as [Predicate, Predicate];
    return (context) => a(context) && b(context);
  }
  return (context) => {
    for (const p of predicates) if (!p(context)) return false;
    return true;
  };
}

export { ALWAYS, NEVER };
