import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { catalogMigrations } from '../migrations.js';
import { type CatalogReadStore, createCatalogReadStore } from './catalog-read-store.js';
import { catalogReadMigrations } from './read-migrations.js';
import { component, insertTestEntities } from './testing/catalog-test-data.js';

/** More distinct names than facets count value by value, so `metadata.name` takes the GROUP BY path. */
const MANY = 210;

describe('catalog read store facets and counts', () => {
  let database: TestDatabase;
  let store: CatalogReadStore;

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: { ...catalogMigrations, ...catalogReadMigrations } });
    store = createCatalogReadStore({ database });
    await insertTestEntities(
      database,
      Array.from({ length: MANY }, (_, i) =>
        component(
          `svc-${String(i).padStart(3, '0')}`,
          {
            owner: 'team-a',
            // The same type in two spellings: the smallest ref holding it (svc-000) gives the case.
            type: ['Service', 'service', 'website'][i % 3],
          },
          { tags: i % 2 === 0 ? ['java', 'go'] : ['go'] },
        ),
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await database.dispose();
  });

  it('counts each value over the whole catalog, in its original case', async () => {
    const { facets } = await store.facets({ facets: ['spec.type', 'metadata.tags', 'kind'] });
    expect(facets['spec.type']).toEqual([
      { value: 'Service', count: (MANY / 3) * 2 },
      { value: 'website', count: MANY / 3 },
    ]);
    expect(facets['metadata.tags']).toEqual([
      { value: 'go', count: MANY },
      { value: 'java', count: MANY / 2 },
    ]);
    expect(facets.kind).toEqual([{ value: 'Component', count: MANY }]);
  });

  it('counts a key with many distinct values, each once', async () => {
    const { facets } = await store.facets({ facets: ['metadata.name'] });
    expect(facets['metadata.name']).toHaveLength(MANY);
    expect(facets['metadata.name']?.every((v) => v.count === 1)).toBe(true);
    expect(facets['metadata.name']?.[0]).toEqual({ value: 'svc-000', count: 1 });
  });

  it('answers the same with and without an always-true filter', async () => {
    const keys = ['spec.type', 'metadata.tags', 'metadata.name', 'spec.missing'];
    const unfiltered = await store.facets({ facets: keys });
    const filtered = await store.facets({ facets: keys, filter: { all: [] } });
    expect(unfiltered).toEqual(filtered);
    expect(unfiltered.facets['spec.missing']).toEqual([]);
  });

  it('answers facets and counts again after the catalog changes; callers may change their copies', async () => {
    const before = await store.facets({ facets: ['spec.type'], filter: { all: [] } });
    before.facets['spec.type']?.splice(0);
    const again = await store.facets({ facets: ['spec.type'], filter: { all: [] } });
    expect(again.facets['spec.type']).toEqual([
      { value: 'Service', count: (MANY / 3) * 2 },
      { value: 'website', count: MANY / 3 },
    ]);
    const filter = { key: 'spec.type', match: { in: ['website'] } };
    expect((await store.queryEntities({ filter, limit: 1 })).totalItems).toBe(MANY / 3);
    expect((await store.queryEntities({ filter, limit: 1 })).totalItems).toBe(MANY / 3);
    await insertTestEntities(database, [component('zz-late', { owner: 'team-a', type: 'website' })]);
    expect((await store.queryEntities({ filter, limit: 1 })).totalItems).toBe(MANY / 3 + 1);
    const after = await store.facets({ facets: ['spec.type'], filter: { all: [] } });
    expect(after.facets['spec.type']).toEqual([
      { value: 'Service', count: (MANY / 3) * 2 },
      { value: 'website', count: MANY / 3 + 1 },
    ]);
  });
});
