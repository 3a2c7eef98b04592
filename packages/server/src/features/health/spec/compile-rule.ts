import type { Applicability, NumberComparison, Rule } from '../model/definitions.js';
import { compileFactGetter, parseFactPath } from './fact-path.js';
import { compileSemverRange } from './semver-range.js';

/** A rule compiled once into closures: `test` is called for every entity, `describe` only to explain a failure. */
export interface CompiledRule {
  test(facts: unknown): boolean;
  describe(): string;
}

const NUMBER_OPS = ['equals', 'gt', 'gte', 'lt', 'lte'] as const;

/**
 * Compiles a parsed rule. The parser has validated it, so a problem here is a bug
 * in the caller (it throws).
 *
 * @example
 * const rule = compileRule({ fact: 'repository.files.readme', equals: true });
 * rule.test({ repository: { files: { readme: true } } }) // true
 */
export function compileRule(rule: Rule): CompiledRule {
  const compiled = compileNode(rule);
  let description: string | undefined;
  // Descriptions are static: build the text once, on the first failure that needs it.
  return { test: compiled.test, describe: () => (description ??= compiled.describe()) };
}

function compileNode(rule: Rule): CompiledRule {
  if ('all' in rule) {
    const parts = rule.all.map(compileNode);
    return {
      test: (facts) => {
        for (const part of parts) if (!part.test(facts)) return false;
        return true;
      },
      describe: () => `all of (${parts.map((p) => p.describe()).join('; ')})`,
    };
  }
  if ('any' in rule) {
    const parts = rule.any.map(compileNode);
    return {
      test: (facts) => {
        for (const part of parts) if (part.test(facts)) return true;
        return false;
      },
      describe: () => `any of (${parts.map((p) => p.describe()).join('; ')})`,
    };
  }
  if ('not' in rule) {
    const inner = compileNode(rule.not);
    return { test: (facts) => !inner.test(facts), describe: () => `not (${inner.describe()})` };
  }
  const keys = parseFactPath(rule.fact);
  if (typeof keys === 'string') throw new Error(`fact path "${rule.fact}" ${keys}`);
  const get = compileFactGetter(keys);
  const label = rule.fact;
  if ('exists' in rule) {
    const want = rule.exists;
    return {
      test: (facts) => {
        const value = get(facts);
        return (value !== undefined && value !== null) === want;
      },
      describe: () => `${label} ${want ? 'exists' : 'is absent'}`,
    };
  }
  if ('equals' in rule) {
    const want = rule.equals;
    const key = canonical(want);
    return {
      test: (facts) => {
        const value = get(facts);
        if (typeof want !== 'object' || want === null) return value === want;
        return canonical(value) === key;
      },
      describe: () => `${label} equals ${JSON.stringify(want)}`,
    };
  }
  if ('in' in rule) {
    const scalars = new Set(rule.in.filter((v) => typeof v !== 'object' || v === null));
    const objects = new Set(rule.in.filter((v) => typeof v === 'object' && v !== null).map(canonical));
    return {
      test: (facts) => {
        const value = get(facts);
        return scalars.has(value) || (objects.size > 0 && objects.has(canonical(value)));
      },
      describe: () => `${label} is one of ${JSON.stringify(rule.in)}`,
    };
  }
  if ('matches' in rule) {
    const pattern = new RegExp(rule.matches);
    return {
      test: (facts) => {
        const value = get(facts);
        return (typeof value === 'string' || typeof value === 'number') && pattern.test(String(value));
      },
      describe: () => `${label} matches /${rule.matches}/`,
    };
  }
  if ('semver' in rule) {
    const inRange = compileSemverRange(rule.semver);
    return {
      test: (facts) => {
        const value = get(facts);
        return typeof value === 'string' && inRange(value);
      },
      describe: () => `${label} is a version in ${rule.semver}`,
    };
  }
  if ('count' in rule) {
    const where = rule.count.where ? compileNode(rule.count.where) : undefined;
    const compare = compileComparison(rule.count);
    return {
      test: (facts) => {
        const value = get(facts);
        let n = 0;
        if (Array.isArray(value)) {
          if (!where) n = value.length;
          else for (const item of value) if (where.test(item)) n++;
        } else if (typeof value === 'object' && value !== null) {
          const items = Object.values(value);
          if (!where) n = items.length;
          else for (const item of items) if (where.test(item)) n++;
        }
        return compare.test(n);
      },
      describe: () => `the number of ${label}${where ? ` where ${where.describe()}` : ''} ${compare.describe()}`,
    };
  }
  const compare = compileComparison(rule as NumberComparison);
  return {
    test: (facts) => {
      const value = get(facts);
      return typeof value === 'number' && compare.test(value);
    },
    describe: () => `${label} ${compare.describe()}`,
  };
}

function compileComparison(spec: NumberComparison): { test(n: number): boolean; describe(): string } {
  const tests: ((n: number) => boolean)[] = [];
  const words: string[] = [];
  for (const op of NUMBER_OPS) {
    const bound = spec[op];
    if (bound === undefined) continue;
    if (op === 'equals') tests.push((n) => n === bound);
    if (op === 'gt') tests.push((n) => n > bound);
    if (op === 'gte') tests.push((n) => n >= bound);
    if (op === 'lt') tests.push((n) => n < bound);
    if (op === 'lte') tests.push((n) => n <= bound);
    words.push(
      `${{ equals: 'is', gt: 'is above', gte: 'is at least', lt: 'is below', lte: 'is at most' }[op]} ${bound}`,
    );
  }
  return {
    test: (n) => {
      for (const t of tests) if (!t(n)) return false;
      return true;
    },
    describe: () => words.join(' and '),
  };
}

/** Stable JSON (sorted keys) so equal objects compare equal. */
function canonical(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/** What applicability needs to know of an entity. */
export interface EntityShape {
  kind: string;
  type?: string;
  lifecycle?: string;
  tags: readonly string[];
}

/**
 * Compiles applicability filters: kind, type and lifecycle compare case-insensitively;
 * tags match when the entity has any one of them.
 *
 * @example
 * const applies = compileApplicability({ kind: ['Component'], lifecycle: ['production'] });
 */
export function compileApplicability(filter: Applicability): (entity: EntityShape) => boolean {
  const lower = (values?: string[]) =>
    values && values.length > 0 ? new Set(values.map((v) => v.toLowerCase())) : undefined;
  const kinds = lower(filter.kind);
  const types = lower(filter.type);
  const lifecycles = lower(filter.lifecycle);
  const tags = lower(filter.tag);
  return (entity) => {
    if (kinds && !kinds.has(entity.kind.toLowerCase())) return false;
    if (types && !types.has((entity.type ?? '').toLowerCase())) return false;
    if (lifecycles && !lifecycles.has((entity.lifecycle ?? '').toLowerCase())) return false;
    if (tags && !entity.tags.some((t) => tags.has(t.toLowerCase()))) return false;
    return true;
  };
}
