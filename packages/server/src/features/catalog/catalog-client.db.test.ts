import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATALOG_FILTER_EXISTS, CatalogClient } from '@backstage/catalog-client';
import { serve } from '@hono/node-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackbeat } from '../../main.js';
import { loadConfig } from '../../platform/config.js';
import type { Database } from '../../platform/db/database.js';
import { createTestDatabase, testDialect } from '../../platform/db/testing/test-database.js';
import { catalogMigrations } from './migrations.js';
import { catalogReadMigrations } from './store/read-migrations.js';
import {
  component,
  createTestCatalogApp,
  group,
  insertTestEntities,
  TEST_ACTOR,
  user,
} from './store/testing/catalog-test-data.js';

const TOKEN = 'compat-test-token-0123456789';
const SERVICES = Array.from({ length: 12 }, (_, i) => `service-${String(i).padStart(2, '0')}`);

/**
 * The published `@backstage/catalog-client`, unmodified, against a real HTTP
 * server: what Backstage plugins and scripts would see.
 */
function describeClientAgainst(
  name: string,
  start: () => Promise<RunningCatalog>,
  options: { hasLocations?: boolean } = {},
): void {
  describe(`@backstage/catalog-client against ${name}`, () => {
    let running: RunningCatalog;
    let client: CatalogClient;
    const token = { token: TOKEN };

    beforeAll(async () => {
      running = await start();
      await insertTestEntities(running.database, [
        group('team-a', { type: 'squad' }, { title: 'Team A' }),
        group('team-b', { type: 'squad' }),
        user('alice', ['team-a']),
        component('web', { owner: 'team-a', type: 'website' }, { title: 'Artist Web', tags: ['java'] }),
        ...SERVICES.map((name, i) => component(name, { owner: i % 2 === 0 ? 'team-a' : 'team-b' })),
      ]);
      client = new CatalogClient({ discoveryApi: { getBaseUrl: async () => running.baseUrl } });
    });
    afterAll(async () => {
      await running?.close();
    });

    it('gets an entity by ref, with relations, and undefined for a missing one', async () => {
      const web = await client.getEntityByRef('component:default/web', token);
      expect(web?.metadata.title).toBe('Artist Web');
      expect(web?.relations).toContainEqual(
        expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/team-a' }),
      );
      const team = await client.getEntityByRef({ kind: 'Group', namespace: 'default', name: 'team-a' }, token);
      expect(team?.relations?.filter((r) => r.type === 'ownerOf')).toHaveLength(1 + SERVICES.length / 2);
      expect(await client.getEntityByRef('component:default/nope', token)).toBeUndefined();
    });

    it('is refused without the token', async () => {
      await expect(client.getEntityByRef('component:default/web')).rejects.toThrow(/401/);
    });

    it('lists entities with filter, fields and order', async () => {
      const { items } = await client.getEntities(
        {
          filter: [{ kind: 'component', 'spec.type': 'service' }],
          fields: ['metadata.name', 'spec.owner'],
          order: { field: 'metadata.name', order: 'desc' },
        },
        token,
      );
      expect(items.map((e) => e.metadata.name)).toEqual([...SERVICES].reverse());
      expect(items[0]).toEqual({ metadata: { name: 'service-11' }, spec: { owner: 'team-b' } });
      const either = await client.getEntities(
        {
          filter: [{ kind: 'user' }, { kind: 'group', 'spec.type': CATALOG_FILTER_EXISTS }],
          fields: ['metadata.name'],
        },
        token,
      );
      expect(either.items.map((e) => e.metadata.name).sort()).toEqual(['alice', 'team-a', 'team-b']);
      const paged = await client.getEntities(
        { filter: { kind: 'component' }, limit: 5, offset: 5, fields: ['metadata.name'] },
        token,
      );
      expect(paged.items).toHaveLength(5);
    });

    it('queries entities and follows nextCursor to the end', async () => {
      const first = await client.queryEntities(
        { filter: { kind: 'component' }, limit: 5, orderFields: { field: 'metadata.name', order: 'asc' } },
        token,
      );
      expect(first.totalItems).toBe(SERVICES.length + 1);
      const seen = first.items.map((e) => e.metadata.name);
      let cursor = first.pageInfo.nextCursor;
      while (cursor) {
        const page = await client.queryEntities({ cursor, limit: 5 }, token);
        expect(page.totalItems).toBe(SERVICES.length + 1);
        seen.push(...page.items.map((e) => e.metadata.name));
        cursor = page.pageInfo.nextCursor;
      }
      expect(seen).toEqual([...SERVICES, 'web']);

      const text = await client.queryEntities({ fullTextFilter: { term: 'artist' }, fields: ['metadata.name'] }, token);
      expect(text.items).toEqual([{ metadata: { name: 'web' } }]);
    });

    it('queries by predicate and pages its cursor through POST', async () => {
      const first = await client.queryEntities(
        { query: { $all: [{ kind: 'component' }, { 'spec.owner': { $in: ['team-a'] } }] }, limit: 3 },
        token,
      );
      expect(first.totalItems).toBe(1 + SERVICES.length / 2);
      const names = first.items.map((e) => e.metadata.name);
      let cursor = first.pageInfo.nextCursor;
      while (cursor) {
        const page = await client.queryEntities({ cursor, limit: 3 }, token);
        names.push(...page.items.map((e) => e.metadata.name));
        cursor = page.pageInfo.nextCursor;
      }
      expect(names.sort()).toEqual([...SERVICES.filter((_, i) => i % 2 === 0), 'web'].sort());
    });

    it('streams all entities', async () => {
      const names: string[] = [];
      for await (const page of client.streamEntities({ filter: { kind: 'component' }, pageSize: 4 }, token)) {
        names.push(...page.map((e) => e.metadata.name));
      }
      expect(names.sort()).toEqual([...SERVICES, 'web'].sort());
    });

    it('gets entities by refs, undefined where missing', async () => {
      const { items } = await client.getEntitiesByRefs(
        {
          entityRefs: ['component:default/web', 'component:default/nope', 'group:default/team-b'],
          fields: ['kind', 'metadata.name'],
        },
        token,
      );
      expect(items).toEqual([
        { kind: 'Component', metadata: { name: 'web' } },
        undefined,
        { kind: 'Group', metadata: { name: 'team-b' } },
      ]);
    });

    it('gets facets, with a filter and by predicate', async () => {
      const { facets } = await client.getEntityFacets(
        { facets: ['kind', 'spec.type'], filter: { kind: 'component' } },
        token,
      );
      expect(facets.kind).toEqual([{ value: 'Component', count: SERVICES.length + 1 }]);
      expect(facets['spec.type']).toEqual([
        { value: 'service', count: SERVICES.length },
        { value: 'website', count: 1 },
      ]);
      const byPredicate = await client.getEntityFacets(
        { facets: ['kind'], query: { kind: { $in: ['user', 'group'] } } },
        token,
      );
      expect(byPredicate.facets.kind).toEqual([
        { value: 'Group', count: 2 },
        { value: 'User', count: 1 },
      ]);
    });

    it.runIf(options.hasLocations)('lists locations', async () => {
      const { items } = await client.getLocations({}, token);
      expect(Array.isArray(items)).toBe(true);
      expect(await client.getLocationById('no-such-location', token)).toBeUndefined();
    });

    it('gets the ancestry of an entity', async () => {
      const ancestry = await client.getEntityAncestors({ entityRef: 'component:default/web' }, token);
      expect(ancestry.rootEntityRef).toBe('component:default/web');
      expect(ancestry.items[0]?.entity.metadata.name).toBe('web');
    });
  });
}

interface RunningCatalog {
  baseUrl: string;
  database: Database;
  close(): Promise<void>;
}

/** The catalog read routes alone, behind a one-token auth middleware. */
async function startCatalogRoutesOnly(): Promise<RunningCatalog> {
  const database = await createTestDatabase({ migrations: { ...catalogMigrations, ...catalogReadMigrations } });
  const { app } = createTestCatalogApp(database, (authorization) =>
    authorization === `Bearer ${TOKEN}` ? TEST_ACTOR : undefined,
  );
  let server: ReturnType<typeof serve> | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}/api/catalog`,
    database,
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await database.dispose();
    },
  };
}

/** The whole server as `backbeat serve` builds it, with an admin API token seeded at first start. */
async function startBackbeat(): Promise<RunningCatalog> {
  const dataDir = mkdtempSync(join(tmpdir(), 'backbeat-compat-'));
  // On PostgreSQL, a fresh empty database that the server migrates itself.
  const pgDatabase = testDialect() === 'postgres' ? await createTestDatabase() : undefined;
  const backbeat = await createBackbeat({
    config: loadConfig({
      env: {},
      overrides: {
        dataDir,
        port: 0,
        host: '127.0.0.1',
        adminToken: TOKEN,
        databaseUrl: pgDatabase?.connectionString,
        runWorker: false,
        logLevel: 'silent',
      },
    }),
    mode: 'serve',
  });
  const { port } = await backbeat.listen();
  return {
    baseUrl: `http://127.0.0.1:${port}/api/catalog`,
    database: backbeat.database,
    async close() {
      await backbeat.close();
      // Dropping the database kills whatever is still connected; let the server's
      // pools finish disconnecting first so no client dies mid-goodbye.
      if (pgDatabase) await waitForOtherConnectionsToClose(pgDatabase);
      await pgDatabase?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describeClientAgainst('the catalog routes', startCatalogRoutesOnly);
describeClientAgainst('the full server', startBackbeat, { hasLocations: true });

async function waitForOtherConnectionsToClose(database: Database): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()`.execute(database.db);
    if (Number(rows[0]?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
