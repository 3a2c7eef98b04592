import { describe, expect, it } from 'vitest';
import { ProblemError } from '../../../platform/http/problem.js';
import { decodeCursor, type EntityCursor, encodeCursor } from './entity-cursor.js';
import { parseFields, projectFields } from './entity-fields.js';
import { andFilters, parseFilterParams, parsePredicate } from './entity-filter.js';
import { parseLegacyOrder, parseOrderBody, parseOrderFields } from './entity-order.js';
import { normalizeFullText } from './full-text.js';

describe('parseFilterParams', () => {
  it('ANDs within a parameter, ORs across, and lowercases', () => {
    expect(parseFilterParams(['Kind=User,metadata.namespace=Default', 'kind=group,spec.type'])).toEqual({
      any: [
        {
          all: [
            { key: 'kind', match: { in: ['user'] } },
            { key: 'metadata.namespace', match: { in: ['default'] } },
          ],
        },
        {
          all: [
            { key: 'kind', match: { in: ['group'] } },
            { key: 'spec.type', match: { exists: true } },
          ],
        },
      ],
    });
  });

  it('treats a repeated key as either value and keeps values containing "="', () => {
    expect(parseFilterParams(['kind=a,kind=b'])).toEqual({ key: 'kind', match: { in: ['a', 'b'] } });
    expect(parseFilterParams(['metadata.annotations.x=a=b'])).toEqual({
      key: 'metadata.annotations.x',
      match: { in: ['a=b'] },
    });
  });

  it('returns undefined for no filters and rejects an empty key', () => {
    expect(parseFilterParams([])).toBeUndefined();
    expect(parseFilterParams([' , '])).toBeUndefined();
    expect(() => parseFilterParams(['=x'])).toThrow(/no key/);
  });
});

describe('parsePredicate', () => {
  it('parses logical operators and field operators', () => {
    expect(
      parsePredicate({
        $all: [
          { kind: 'Component', 'spec.type': { $in: ['Service', 3] } },
          { $not: { 'metadata.name': { $hasPrefix: 'Old-' } } },
          { $any: [{ 'spec.owner': { $exists: false } }, { 'metadata.tags': { $contains: 'Java' } }] },
        ],
      }),
    ).toEqual({
      all: [
        {
          all: [
            { key: 'kind', match: { in: ['component'] } },
            { key: 'spec.type', match: { in: ['service', '3'] } },
          ],
        },
        { not: { key: 'metadata.name', match: { prefix: 'old-' } } },
        {
          any: [
            { not: { key: 'spec.owner', match: { exists: true } } },
            { key: 'metadata.tags', match: { in: ['java'] } },
          ],
        },
      ],
    });
  });

  it('reads $contains on relations as a relation condition', () => {
    expect(parsePredicate({ relations: { $contains: { type: 'ownedBy', targetRef: 'Group:default/A' } } })).toEqual({
      key: 'relations.ownedby',
      match: { in: ['group:default/a'] },
    });
  });

  it('names the offending path', () => {
    const error = catchError(() => parsePredicate({ $all: [{ kind: { $regex: 'x' } }] }));
    expect(error).toBeInstanceOf(ProblemError);
    expect(error.message).toContain('query.$all[0].kind.$regex');
    expect(() => parsePredicate('kind')).toThrow(/expected an object/);
    expect(() => parsePredicate({ kind: { $in: 'x' } })).toThrow(/\$in/);
  });

  it('combines with a query-string filter', () => {
    const a = parseFilterParams(['kind=user']);
    expect(andFilters(a, undefined)).toBe(a);
    expect(andFilters(a, { key: 'x', match: { exists: true } })).toEqual({
      all: [a, { key: 'x', match: { exists: true } }],
    });
  });
});

describe('order parsing', () => {
  it('parses orderField, the legacy order and the body form', () => {
    expect(parseOrderFields(['metadata.Name,DESC', 'kind'])).toEqual([
      { field: 'metadata.name', order: 'desc' },
      { field: 'kind', order: 'asc' },
    ]);
    expect(parseLegacyOrder(['desc:metadata.name'])).toEqual([{ field: 'metadata.name', order: 'desc' }]);
    expect(parseOrderBody({ field: 'kind', order: 'asc' })).toEqual([{ field: 'kind', order: 'asc' }]);
    expect(() => parseOrderFields(['kind,up'])).toThrow(/asc or desc/);
  });
});

describe('fields', () => {
  it('parses repeated and comma-separated fields', () => {
    expect(parseFields(['kind,metadata.name', ' spec '])).toEqual(['kind', 'metadata.name', 'spec']);
    expect(parseFields(undefined)).toBeUndefined();
    expect(parseFields([''])).toBeUndefined();
  });

  it('projects dotted paths, including keys that contain dots', () => {
    const entity = {
      kind: 'Component',
      metadata: { name: 'web', annotations: { 'backstage.io/x': 'y', other: 'z' }, tags: ['a'] },
      spec: { type: 'service' },
    };
    expect(projectFields(entity, ['kind', 'metadata.annotations.backstage.io/x', 'metadata.missing'])).toEqual({
      kind: 'Component',
      metadata: { annotations: { 'backstage.io/x': 'y' } },
    });
    expect(projectFields(entity, undefined)).toBe(entity);
  });
});

describe('cursor', () => {
  const cursor: EntityCursor = {
    filter: { key: 'kind', match: { in: ['component'] } },
    orderFields: [{ field: 'metadata.name', order: 'asc' }],
    position: ['wéb', 'component:default/wéb'],
    direction: 'next',
    totalItems: 3,
  };

  it('round-trips as base64 that atob can read', () => {
    const token = encodeCursor(cursor);
    expect(token).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(decodeCursor(token)).toEqual(cursor);
    expect('query' in JSON.parse(atob(token))).toBe(false);
  });

  it('rejects tampered cursors', () => {
    expect(() => decodeCursor('nope')).toThrow(/Malformed cursor/);
    expect(() => decodeCursor(encodeCursor({ ...cursor, position: ['only-one'] }))).toThrow(/position/);
  });
});

describe('normalizeFullText', () => {
  it('drops blank terms and lowercases', () => {
    expect(normalizeFullText({ term: '  ' })).toBeUndefined();
    expect(normalizeFullText({ term: ' Web ', fields: ['Metadata.Name', ''] })).toEqual({
      term: 'web',
      fields: ['metadata.name'],
    });
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
