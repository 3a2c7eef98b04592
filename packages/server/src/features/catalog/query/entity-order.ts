import { ValidationError } from '../../../platform/http/problem.js';

/** One sort key: a dotted search key (lowercased) and a direction. */
export interface EntityOrder {
  field: string;
  order: 'asc' | 'desc';
}

function direction(value: string | undefined, param: string, raw: string): 'asc' | 'desc' {
  const normalized = (value ?? 'asc').trim().toLowerCase();
  if (normalized === 'asc' || normalized === 'desc') return normalized;
  throw new ValidationError(`Invalid ${param} "${raw}": the order must be asc or desc`, [
    { field: param, message: `order "${value}" is neither asc nor desc` },
  ]);
}

function field(value: string, param: string, raw: string): string {
  const trimmed = value.trim().toLocaleLowerCase('en-US');
  if (!trimmed) {
    throw new ValidationError(`Invalid ${param} "${raw}": no field`, [{ field: param, message: 'no field' }]);
  }
  return trimmed;
}

/**
 * Parses repeated `orderField=<field>,<asc|desc>` parameters (by-query); the
 * direction defaults to asc.
 *
 * @example
 * parseOrderFields(['metadata.name,desc']) // [{ field: 'metadata.name', order: 'desc' }]
 */
export function parseOrderFields(params: readonly string[]): EntityOrder[] {
  return params.map((raw) => {
    const comma = raw.lastIndexOf(',');
    if (comma === -1) return { field: field(raw, 'orderField', raw), order: 'asc' };
    return {
      field: field(raw.slice(0, comma), 'orderField', raw),
      order: direction(raw.slice(comma + 1), 'orderField', raw),
    };
  });
}

/**
 * Parses the deprecated `GET /entities` form `order=<asc|desc>:<field>`.
 *
 * @example
 * parseLegacyOrder(['desc:metadata.name']) // [{ field: 'metadata.name', order: 'desc' }]
 */
export function parseLegacyOrder(params: readonly string[]): EntityOrder[] {
  return params.map((raw) => {
    const colon = raw.indexOf(':');
    if (colon === -1) return { field: field(raw, 'order', raw), order: 'asc' };
    return { field: field(raw.slice(colon + 1), 'order', raw), order: direction(raw.slice(0, colon), 'order', raw) };
  });
}

/**
 * Validates the POST body form `orderBy: [{ field, order }]` (one object or a list).
 *
 * @example
 * parseOrderBody([{ field: 'metadata.name', order: 'asc' }])
 */
export function parseOrderBody(input: unknown): EntityOrder[] {
  if (input === undefined || input === null) return [];
  const list = Array.isArray(input) ? input : [input];
  return list.map((item, i) => {
    const { field: f, order } = (item ?? {}) as { field?: unknown; order?: unknown };
    if (typeof f !== 'string') {
      throw new ValidationError(`Invalid orderBy[${i}]: field must be a string`, [
        { field: `orderBy[${i}].field`, message: 'must be a string' },
      ]);
    }
    return {
      field: field(f, `orderBy[${i}]`, f),
      order: direction(typeof order === 'string' ? order : undefined, `orderBy[${i}]`, f),
    };
  });
}
