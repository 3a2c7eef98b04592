import { OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import type { Actor } from '../../../../platform/auth/actor.js';
import type { Database } from '../../../../platform/db/database.js';
import type { AppEnv } from '../../../../platform/http/app-env.js';
import { toProblem } from '../../../../platform/http/problem.js';
import { newId, nowIso } from '../../../../platform/ids.js';
import type { CatalogTables } from '../../migrations.js';
import type { Entity } from '../../model/entity.js';
import { stringifyEntityRef } from '../../model/refs.js';
import { computeRelations } from '../../model/relations.js';
import { fullTextOf, toSearchRows } from '../../model/search-rows.js';
import { registerEntityRoutes } from '../../routes/entity-routes.js';
import { type CatalogReadStore, createCatalogReadStore } from '../catalog-read-store.js';

/** Extra columns a test may set on an inserted entity. */
export interface TestEntityOptions {
  locationId?: string;
  filePath?: string;
}

/**
 * Writes entities straight into the catalog tables the way ingestion does
 * (row, outgoing relations, search rows, full text), so read-side tests need no
 * git location.
 *
 * @example
 * await insertTestEntities(database, [component('web', { owner: 'team-a' })]);
 */
export async function insertTestEntities(
  database: Database,
  entities: readonly (Entity | [Entity, TestEntityOptions])[],
): Promise<void> {
  const db = database.db as unknown as Kysely<CatalogTables>;
  for (const item of entities) {
    const [entity, options] = Array.isArray(item) ? item : [item, {}];
    const ref = stringifyEntityRef(entity);
    const relations = computeRelations(entity);
    const owner = relations.find((r) => r.type === 'ownedBy')?.targetRef;
    const now = nowIso();
    await db
      .insertInto('catalog_entities')
      .values({
        uid: newId(),
        entity_ref: ref,
        kind: entity.kind,
        namespace: entity.metadata.namespace ?? 'default',
        name: entity.metadata.name,
        location_id: options.locationId ?? null,
        file_path: options.filePath ?? 'catalog-info.yaml',
        entity_json: JSON.stringify(entity),
        hash: newId(),
        generation: 1,
        search_text: fullTextOf(entity, owner),
        created_at: now,
        updated_at: now,
      })
      .execute();
    if (relations.length > 0) {
      await db
        .insertInto('catalog_relations')
        .values(relations.map((r) => ({ source_ref: ref, type: r.type, target_ref: r.targetRef })))
        .execute();
    }
    const rows = toSearchRows(entity, relations);
    if (rows.length > 0) {
      await db
        .insertInto('catalog_search')
        .values(rows.map((r) => ({ entity_ref: ref, key: r.key, value: r.value })))
        .execute();
    }
  }
}

const API_VERSION = 'backstage.io/v1alpha1';

/** A Component descriptor for tests. */
export function component(
  name: string,
  spec: Record<string, unknown> & { owner: string },
  metadata: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Component',
    metadata: { name, ...metadata },
    spec: { type: 'service', lifecycle: 'production', ...spec },
  };
}

/** A Group descriptor for tests. */
export function group(
  name: string,
  spec: { type?: string; parent?: string; children?: string[]; members?: string[] } = {},
  metadata: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: API_VERSION,
    kind: 'Group',
    metadata: { name, ...metadata },
    spec: { type: 'squad', children: [], ...spec },
  };
}

/** A User descriptor for tests. */
export function user(name: string, memberOf: string[], metadata: Partial<Entity['metadata']> = {}): Entity {
  return { apiVersion: API_VERSION, kind: 'User', metadata: { name, ...metadata }, spec: { memberOf } };
}

/** The actor the test app signs every request in as. */
export const TEST_ACTOR: Actor = {
  kind: 'user',
  id: 'test-user',
  userRef: 'user:default/tester',
  displayName: 'Tester',
  isAdmin: false,
  scopes: ['read'],
};

/**
 * A Hono app with the catalog read routes, problem+json errors and an auth
 * middleware: `authenticate` decides the actor of each request (default: always
 * {@link TEST_ACTOR}).
 *
 * @example
 * const { app } = createTestCatalogApp(database);
 * const res = await app.request('/api/catalog/entities/by-query?filter=kind=component');
 */
export function createTestCatalogApp(
  database: Database,
  authenticate: (authorization: string | undefined) => Actor | undefined = () => TEST_ACTOR,
): { app: OpenAPIHono<AppEnv>; readStore: CatalogReadStore } {
  const app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('actor', authenticate(c.req.header('authorization')));
    await next();
  });
  app.onError((error, c) => {
    const problem = toProblem(error, new URL(c.req.url).pathname);
    return c.json(problem, problem.status as 400, { 'content-type': 'application/problem+json' });
  });
  const readStore = createCatalogReadStore({ database });
  registerEntityRoutes(app, { readStore });
  return { app, readStore };
}
