import { ValidationError } from '../../../platform/http/problem.js';

/**
 * A parsed entity filter. Both Backstage filter styles end up here: the
 * `filter=kind=component,spec.type` query strings of `GET /entities/by-query` and
 * the predicate objects (`{ $all: [...] }`) of `POST /entities/by-query`.
 * Keys and values are lowercased, because the search table stores them so.
 */
export type EntityFilter =
  | { all: EntityFilter[] }
  | { any: EntityFilter[] }
  | { not: EntityFilter }
  | { key: string; match: FieldMatch };

/** What a field condition asks of the key's values. */
export type FieldMatch = { exists: true } | { in: string[] } | { prefix: string };

const lower = (text: string): string => text.toLocaleLowerCase('en-US');

/**
 * Parses repeated `filter` query parameters: comma-separated conditions `key`
 * (the key exists) or `key=value`, AND within one parameter, OR across them.
 * The same key twice in one parameter means either value, as in Backstage.
 *
 * @throws ValidationError naming the bad condition (e.g. an empty key).
 * @example
 * parseFilterParams(['kind=user,metadata.namespace=default', 'kind=group,spec.type'])
 * // { any: [ { all: [kind in [user], metadata.namespace in [default]] }, { all: [kind in [group], spec.type exists] } ] }
 */
export function parseFilterParams(params: readonly string[]): EntityFilter | undefined {
  const sets: EntityFilter[] = [];
  for (const param of params) {
    const byKey = new Map<string, FieldMatch>();
    for (const rawPart of param.split(',')) {
      const part = rawPart.trim();
      if (part === '') continue;
      const eq = part.indexOf('=');
      const key = lower((eq === -1 ? part : part.slice(0, eq)).trim());
      if (key === '') {
        throw new ValidationError(`Invalid filter "${param}": condition "${part}" has no key`, [
          { field: 'filter', message: `condition "${part}" has no key` },
        ]);
      }
      const existing = byKey.get(key);
      if (eq === -1) {
        if (!existing) byKey.set(key, { exists: true });
        continue;
      }
      const value = lower(part.slice(eq + 1).trim());
      if (existing && 'in' in existing) existing.in.push(value);
      else byKey.set(key, { in: [value] });
    }
    if (byKey.size === 0) continue;
    const conditions: EntityFilter[] = [...byKey].map(([key, match]) => ({ key, match }));
    sets.push(conditions.length === 1 ? conditions[0]! : { all: conditions });
  }
  if (sets.length === 0) return undefined;
  return sets.length === 1 ? sets[0] : { any: sets };
}

/**
 * Parses a Backstage filter predicate (`@backstage/filter-predicates`): `$all`,
 * `$any`, `$not`, and field expressions whose value is a primitive (equality),
 * `{ $exists }`, `{ $in }`, `{ $hasPrefix }` or `{ $contains }`. `$contains` on
 * an array field matches an item (`{ 'metadata.tags': { $contains: 'java' } }`);
 * on `relations` it takes `{ type, targetRef }`.
 *
 * @throws ValidationError naming the offending path in the predicate.
 * @example
 * parsePredicate({ $all: [{ kind: 'Component' }, { 'spec.type': { $in: ['service', 'website'] } }] })
 */
export function parsePredicate(input: unknown, path = 'query'): EntityFilter {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid(path, `expected an object, got ${JSON.stringify(input)}`);
  }
  const record = input as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && (keys[0] === '$all' || keys[0] === '$any')) {
    const op = keys[0];
    const list = record[op];
    if (!Array.isArray(list)) throw invalid(`${path}.${op}`, 'expected an array');
    const children = list.map((child, i) => parsePredicate(child, `${path}.${op}[${i}]`));
    return op === '$all' ? { all: children } : { any: children };
  }
  if (keys.length === 1 && keys[0] === '$not') {
    return { not: parsePredicate(record.$not, `${path}.$not`) };
  }
  const conditions: EntityFilter[] = [];
  for (const key of keys) {
    if (key.startsWith('$')) throw invalid(`${path}.${key}`, `unknown operator ${key}`);
    conditions.push(parseFieldExpression(key, record[key], `${path}.${key}`));
  }
  if (conditions.length === 0) return { all: [] };
  return conditions.length === 1 ? conditions[0]! : { all: conditions };
}

function parseFieldExpression(rawKey: string, value: unknown, path: string): EntityFilter {
  const key = lower(rawKey);
  if (isPrimitive(value)) return { key, match: { in: [lower(String(value))] } };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(path, 'expected a primitive value or one of $exists, $in, $hasPrefix, $contains');
  }
  const ops = value as Record<string, unknown>;
  const [op, ...rest] = Object.keys(ops);
  if (op === undefined || rest.length > 0) throw invalid(path, 'expected exactly one operator');
  const operand = ops[op];
  switch (op) {
    case '$exists':
      if (typeof operand !== 'boolean') throw invalid(`${path}.$exists`, 'expected true or false');
      return operand ? { key, match: { exists: true } } : { not: { key, match: { exists: true } } };
    case '$in':
      if (!Array.isArray(operand) || !operand.every(isPrimitive)) {
        throw invalid(`${path}.$in`, 'expected an array of strings, numbers or booleans');
      }
      return { key, match: { in: operand.map((v) => lower(String(v))) } };
    case '$hasPrefix':
      if (typeof operand !== 'string') throw invalid(`${path}.$hasPrefix`, 'expected a string');
      return { key, match: { prefix: lower(operand) } };
    case '$contains':
      return parseContains(key, operand, `${path}.$contains`);
    default:
      throw invalid(`${path}.${op}`, `unknown operator ${op}`);
  }
}

function parseContains(key: string, operand: unknown, path: string): EntityFilter {
  if (isPrimitive(operand)) return { key, match: { in: [lower(String(operand))] } };
  if (key === 'relations' && typeof operand === 'object' && operand !== null) {
    const { type, targetRef } = operand as { type?: unknown; targetRef?: unknown };
    if (typeof type !== 'string' || type === '') throw invalid(`${path}.type`, 'expected a relation type');
    const relationKey = `relations.${lower(type)}`;
    if (targetRef === undefined) return { key: relationKey, match: { exists: true } };
    if (typeof targetRef !== 'string') throw invalid(`${path}.targetRef`, 'expected an entity reference');
    return { key: relationKey, match: { in: [lower(targetRef)] } };
  }
  throw invalid(path, 'expected a primitive value (or { type, targetRef } on relations)');
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function invalid(field: string, message: string): ValidationError {
  return new ValidationError(`Invalid filter predicate at ${field}: ${message}`, [{ field, message }]);
}

/**
 * Both filters must hold; either may be absent.
 *
 * @example
 * andFilters(parseFilterParams(['kind=user']), parsePredicate({ 'spec.profile.email': { $exists: true } }))
 */
export function andFilters(a: EntityFilter | undefined, b: EntityFilter | undefined): EntityFilter | undefined {
  if (!a) return b;
  if (!b) return a;
  return { all: [a, b] };
}
