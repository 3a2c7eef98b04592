import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogClient } from '@backstage/catalog-client';
import { serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../platform/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { createTestRepo, type TestRepo } from '../../../platform/git/testing/test-repo.js';
import type { AppEnv } from '../../../platform/http/app-env.js';
import { problemResponse } from '../../../platform/http/problem-response.js';
import { silentLogger } from '../../../platform/logging.js';
import { catalogMigrations, createCatalog } from '../index.js';
import { ADMIN, componentYaml, createRecordingQueue, testActor } from '../testing/catalog-fixtures.js';

const ACTORS: Record<string, Actor> = { admin: ADMIN, jane: testActor() };

let database: TestDatabase;
let app: OpenAPIHono<AppEnv>;
let dataDir: string;
let server: ReturnType<typeof serve>;
let baseUrl: string;
const repos: TestRepo[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ migrations: catalogMigrations });
  dataDir = mkdtempSync(join(tmpdir(), 'backbeat-routes-'));
  const catalog = createCatalog({
    database,
    queue: createRecordingQueue(),
    events: createInMemoryEventLog(),
    logger: silentLogger(),
    config: { dataDir, catalogRefreshIntervalSeconds: 300, readAllowList: { hosts: [], paths: [] } },
  });
  app = new OpenAPIHono<AppEnv>();
  // Stands in for the auth middleware: `Authorization: Bearer <name>` picks a test actor.
  app.use('*', async (c, next) => {
    const name = /^Bearer (\w+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    c.set('actor', name ? ACTORS[name] : undefined);
    await next();
  });
  app.onError((error, c) => problemResponse(c, error));
  catalog.registerRoutes(app);
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      baseUrl = `http://127.0.0.1:${info.port}/api/catalog`;
      resolve();
    });
  });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await database.dispose();
  for (const repo of repos) repo.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, who = 'admin') {
  const response = await app.request(`/api/catalog${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${who}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('location routes', () => {
  it('registers, lists, shows and deletes a git location', async () => {
    const repo = await createTestRepo({ 'catalog/web.yaml': componentYaml('http-web') });
    repos.push(repo);
    const payload = { type: 'git', target: repo.dir, options: { path: 'catalog/*.yaml' } };

    expect((await call('POST', '/locations', payload, '')).status).toBe(401);
    const dry = await call('POST', '/locations?dryRun=true', payload);
    expect(dry.status).toBe(201);
    expect(dry.body.entities.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['http-web']);
    expect((await call('GET', '/locations')).body).toEqual([]);

    const created = await call('POST', '/locations', payload);
    expect(created.status).toBe(201);
    const { location } = created.body;
    expect(location).toEqual({ id: expect.any(String), type: 'git', target: repo.dir });
    expect(created.body.entities).toHaveLength(1);

    const again = await call('POST', '/locations', payload);
    expect(again.status).toBe(409);
    expect(again.body.error.name).toBe('ConflictError');

    expect((await call('GET', '/locations')).body).toEqual([{ data: location }]);
    expect((await call('GET', `/locations/${location.id}`)).body).toEqual(location);
    expect((await call('GET', '/locations/by-entity/component/default/http-web')).body).toEqual(location);
    expect((await call('GET', '/locations/nope')).status).toBe(404);
    const status = await call('GET', '/location-status');
    expect(status.body[0]).toMatchObject({
      id: location.id,
      options: { path: 'catalog/*.yaml', ref: 'HEAD' },
      entityCount: 1,
    });
    expect((await call('GET', `/locations/${location.id}/errors`)).body).toEqual([]);
    expect((await call('POST', `/locations/${location.id}/refresh`)).status).toBe(202);
    expect((await call('POST', '/refresh', { entityRef: 'component:default/http-web' })).status).toBe(200);

    expect((await call('DELETE', `/locations/${location.id}`, undefined, 'jane')).status).toBe(403);
    expect((await call('DELETE', `/locations/${location.id}`)).status).toBe(204);
    expect((await call('GET', '/locations')).body).toEqual([]);
  });

  it('answers bad input with a problem naming the field', async () => {
    const missing = await call('POST', '/locations', { type: 'git' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('target');
    const badType = await call('POST', '/locations', { type: 'svn', target: '/x' });
    expect(badType.status).toBe(400);
    expect(badType.body.detail).toMatch(/svn/);
    const outside = await call(
      'POST',
      '/locations',
      { type: 'url', target: 'https://internal.example.org/a.yaml' },
      'jane',
    );
    expect(outside.status).toBe(403);
  });

  it('documents its routes in the OpenAPI document', () => {
    const document = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'test', version: '1' } });
    expect(Object.keys(document.paths ?? {})).toEqual(
      expect.arrayContaining(['/api/catalog/locations', '/api/catalog/locations/{id}', '/api/catalog/location-status']),
    );
  });

  it('validates entities with Backstage answers', async () => {
    const good = await call('POST', '/validate-entity', {
      location: 'url:https://example.com/catalog-info.yaml',
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: { name: 'g' },
        spec: { type: 'team', children: [] },
      },
    });
    expect(good).toEqual({ status: 200, body: {} });
    const bad = await call('POST', '/validate-entity', { location: 'url:x', entity: { kind: 'Group' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toEqual({ name: 'InputError', message: expect.any(String) });
  });

  it('works with the Backstage catalog client', async () => {
    const repo = await createTestRepo({ 'catalog-info.yaml': componentYaml('client-web') });
    repos.push(repo);
    const client = new CatalogClient({
      discoveryApi: { getBaseUrl: async () => baseUrl },
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, { ...init, headers: { ...(init?.headers ?? {}), authorization: 'Bearer admin' } }),
      },
    });
    const added = await client.addLocation({ type: 'git', target: repo.dir });
    expect(added.location.target).toBe(repo.dir);
    expect(added.entities.map((e) => e.metadata.name)).toEqual(['client-web']);
    expect((await client.getLocations()).items.map((l) => l.id)).toContain(added.location.id);
    expect(await client.getLocationById(added.location.id)).toEqual(added.location);
    expect(await client.getLocationByEntity({ kind: 'Component', namespace: 'default', name: 'client-web' })).toEqual(
      added.location,
    );
    const entity = added.entities[0]!;
    await client.removeEntityByUid(entity.metadata.uid!);
    await client.removeLocationById(added.location.id);
    expect(await client.getLocationById(added.location.id)).toBeUndefined();
  });
});
