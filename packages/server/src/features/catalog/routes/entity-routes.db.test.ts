import yaml from 'js-yaml';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { type CatalogTables, catalogMigrations } from '../migrations.js';
import type { Entity } from '../model/entity.js';
import { catalogReadMigrations } from '../store/read-migrations.js';
import {
  component,
  createTestCatalogApp,
  group,
  insertTestEntities,
  user,
} from '../store/testing/catalog-test-data.js';

type App = ReturnType<typeof createTestCatalogApp>['app'];

const FILLERS = Array.from({ length: 25 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

describe('catalog read API', () => {
  let database: TestDatabase;
  let app: App;

  const get = async (path: string) => {
    const res = await app.request(`/api/catalog${path}`);
    return {
      status: res.status,
      body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text(),
      headers: res.headers,
    };
  };
  const post = async (path: string, body: unknown) => {
    const res = await app.request(`/api/catalog${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const names = (items: Entity[]) => items.map((e) => e.metadata.name);
  const allComponents = ['api-gateway', 'legacy-web', 'player', ...FILLERS, 'web', 'web-tools'].sort();

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: { ...catalogMigrations, ...catalogReadMigrations } });
    ({ app } = createTestCatalogApp(database));
    await insertTestEntities(database, [
      group('music', { type: 'department', children: ['group:default/playback'] }, { title: 'Music' }),
      group('playback', { type: 'tribe' }, { title: 'Playback Tribe' }),
      group('team-a', { parent: 'playback', members: ['bob'] }, { title: 'Team A' }),
      group('team-b', { parent: 'playback' }),
      user('alice', ['team-a']),
      user('bob', []),
      user('carol', ['team-b']),
      component(
        'web',
        { owner: 'team-a', type: 'website', dependsOn: ['resource:default/db-missing'] },
        {
          title: 'Artist Web',
          description: 'The place for artists',
          tags: ['java', 'frontend'],
          annotations: { 'backstage.io/techdocs-ref': 'dir:.' },
        },
      ),
      component('api-gateway', { owner: 'team-a', system: 'edge' }, { tags: ['go'] }),
      component('player', { owner: 'group:default/team-b', system: 'audio' }, { tags: ['java'] }),
      component('web-tools', { owner: 'team-b', type: 'library' }),
      component('legacy-web', { owner: 'team-b', type: 'library' }),
      ...FILLERS.map((name) => component(name, { owner: 'team-b', type: 'library' })),
    ]);
    const db = database.db as unknown as Kysely<CatalogTables>;
    await db
      .insertInto('catalog_errors')
      .values({
        id: 'err-1',
        location_id: 'loc-1',
        file_path: 'catalog-info.yaml',
        entity_ref: 'component:default/web',
        line: 7,
        column: 3,
        field: 'spec.lifecycle',
        level: 'error',
        message: 'spec.lifecycle must be a string',
        created_at: '2026-01-01T00:00:00.000Z',
      })
      .execute();
  });
  afterAll(() => database?.dispose());

  it('describes its endpoints in the OpenAPI document', () => {
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'test', version: '1' } });
    expect(Object.keys(doc.paths ?? {})).toEqual(
      expect.arrayContaining([
        '/api/catalog/entities/by-query',
        '/api/catalog/entities/by-name/{kind}/{namespace}/{name}',
        '/api/catalog/entity-facets',
        '/api/catalog/org/tree',
      ]),
    );
  });

  describe('by name and uid', () => {
    it('returns the entity with stored and derived relations', async () => {
      const { status, body } = await get('/entities/by-name/component/default/web');
      expect(status).toBe(200);
      expect(body.metadata.name).toBe('web');
      expect(body.metadata.uid).toEqual(expect.any(String));
      expect(body.relations).toContainEqual({
        type: 'ownedBy',
        targetRef: 'group:default/team-a',
        target: { kind: 'group', namespace: 'default', name: 'team-a' },
      });
      const team = await get('/entities/by-name/group/default/team-a');
      const relations = team.body.relations.map((r: { type: string; targetRef: string }) => `${r.type} ${r.targetRef}`);
      expect(relations).toEqual(
        expect.arrayContaining([
          'ownerOf component:default/web',
          'ownerOf component:default/api-gateway',
          'childOf group:default/playback',
          'hasMember user:default/alice',
          'hasMember user:default/bob',
        ]),
      );
      const playback = await get('/entities/by-name/group/default/playback');
      expect(playback.body.relations).toContainEqual(
        expect.objectContaining({ type: 'childOf', targetRef: 'group:default/music' }),
      );
    });

    it('matches names in any case and 404s unknown ones', async () => {
      expect((await get('/entities/by-name/Component/Default/WEB')).body.metadata.name).toBe('web');
      const missing = await get('/entities/by-name/component/default/nope');
      expect(missing.status).toBe(404);
      expect(missing.body.type).toBe('https://backbeat.dev/problems/not-found');
    });

    it('needs a signed-in actor', async () => {
      const anonymous = createTestCatalogApp(database, () => undefined).app;
      const res = await anonymous.request('/api/catalog/entities/by-name/component/default/web');
      expect(res.status).toBe(401);
    });

    it('finds by uid', async () => {
      const web = (await get('/entities/by-name/component/default/web')).body;
      const byUid = await get(`/entities/by-uid/${web.metadata.uid}`);
      expect(byUid.body.metadata.name).toBe('web');
      expect((await get('/entities/by-uid/nope')).status).toBe(404);
    });

    it('returns the ancestry of an entity registered directly as itself alone', async () => {
      const { body } = await get('/entities/by-name/component/default/web/ancestry');
      expect(body.rootEntityRef).toBe('component:default/web');
      expect(body.items).toHaveLength(1);
      expect(body.items[0].parentEntityRefs).toEqual([]);
    });
  });

  describe('by-query', () => {
    it('filters by kind with a default page of 20 and the total', async () => {
      const { body } = await get('/entities/by-query?filter=kind=component');
      expect(body.totalItems).toBe(allComponents.length);
      expect(body.items).toHaveLength(20);
      expect(body.pageInfo.nextCursor).toEqual(expect.any(String));
      expect(names(body.items)).toEqual(allComponents.slice(0, 20));
    });

    it('ANDs conditions within a filter and ORs across filters, case-insensitively', async () => {
      const and = await get('/entities/by-query?filter=KIND=Component,spec.type=WEBSITE');
      expect(names(and.body.items)).toEqual(['web']);
      const or = await get('/entities/by-query?filter=kind=user,metadata.name=alice&filter=kind=group,spec.type=tribe');
      expect(names(or.body.items).sort()).toEqual(['alice', 'playback']);
      const either = await get('/entities/by-query?filter=metadata.name=alice,metadata.name=bob');
      expect(names(either.body.items).sort()).toEqual(['alice', 'bob']);
    });

    it('supports key-exists conditions and array items as keys', async () => {
      const system = await get('/entities/by-query?filter=kind=component,spec.system');
      expect(names(system.body.items).sort()).toEqual(['api-gateway', 'player']);
      const java = await get('/entities/by-query?filter=metadata.tags.java');
      expect(names(java.body.items).sort()).toEqual(['player', 'web']);
      const annotation = await get('/entities/by-query?filter=metadata.annotations.backstage.io/techdocs-ref=DIR:.');
      expect(names(annotation.body.items)).toEqual(['web']);
    });

    it('filters on relations in both the stored and the derived direction', async () => {
      const owned = await get(`/entities/by-query?filter=relations.ownedby=group:default/team-a`);
      expect(names(owned.body.items).sort()).toEqual(['api-gateway', 'web']);
      const owner = await get(`/entities/by-query?filter=relations.ownerOf=component:default/web`);
      expect(names(owner.body.items)).toEqual(['team-a']);
      const derivedMember = await get('/entities/by-query?filter=relations.hasmember=user:default/alice');
      expect(names(derivedMember.body.items)).toEqual(['team-a']);
      const storedMember = await get('/entities/by-query?filter=relations.hasmember=user:default/bob');
      expect(names(storedMember.body.items)).toEqual(['team-a']);
      const bobGroups = await get('/entities/by-query?filter=kind=user,relations.memberof=group:default/team-a');
      expect(names(bobGroups.body.items).sort()).toEqual(['alice', 'bob']);
    });

    it('projects fields', async () => {
      const { body } = await get(
        '/entities/by-query?filter=metadata.name=web&fields=kind,metadata.name,metadata.annotations.backstage.io/techdocs-ref',
      );
      expect(body.items).toEqual([
        { kind: 'Component', metadata: { name: 'web', annotations: { 'backstage.io/techdocs-ref': 'dir:.' } } },
      ]);
      const repeated = await get('/entities/by-query?filter=metadata.name=web&fields=kind&fields=relations');
      expect(Object.keys(repeated.body.items[0]).sort()).toEqual(['kind', 'relations']);
      expect(repeated.body.items[0].relations.length).toBeGreaterThan(0);
    });

    it('orders by a field, nulls last in both directions', async () => {
      const desc = await get('/entities/by-query?filter=kind=component&orderField=metadata.name,desc&limit=100');
      expect(names(desc.body.items)).toEqual([...allComponents].reverse());
      const bySystem = await get('/entities/by-query?filter=kind=component&orderField=spec.system,desc&limit=3');
      // Ties (here: no system) are broken by ref in the same direction.
      const withoutSystem = allComponents.filter((n) => !['api-gateway', 'player'].includes(n));
      expect(names(bySystem.body.items)).toEqual(['api-gateway', 'player', withoutSystem[withoutSystem.length - 1]]);
      const asc = await get('/entities/by-query?filter=kind=component&orderField=spec.system,asc&limit=2');
      expect(names(asc.body.items)).toEqual(['player', 'api-gateway']);
      // Several values per entity: sorted by the smallest (frontend < go < java); untagged last.
      const byTag = await get('/entities/by-query?filter=kind=component&orderField=metadata.tags,asc&limit=3');
      expect(names(byTag.body.items)).toEqual(['web', 'api-gateway', 'player']);
      const byName = await get(
        '/entities/by-query?filter=kind=component&orderField=metadata.name,asc&fullTextFilterTerm=web',
      );
      expect(names(byName.body.items)).toEqual(['legacy-web', 'web', 'web-tools']);
    });

    it('pages with offset', async () => {
      const { body } = await get('/entities/by-query?filter=kind=component&limit=5&offset=10');
      expect(names(body.items)).toEqual(allComponents.slice(10, 15));
      expect(body.totalItems).toBe(allComponents.length);
      const ordered = await get(
        '/entities/by-query?filter=kind=component&limit=5&offset=3&orderField=metadata.name,desc',
      );
      expect(names(ordered.body.items)).toEqual([...allComponents].reverse().slice(3, 8));
      const next = await get(
        `/entities/by-query?cursor=${encodeURIComponent(ordered.body.pageInfo.nextCursor)}&limit=5`,
      );
      expect(names(next.body.items)).toEqual([...allComponents].reverse().slice(8, 13));
    });

    it('follows cursors forward to the end and back without duplicates', async () => {
      const orders = [
        '',
        '&orderField=metadata.name,desc',
        '&orderField=spec.system,asc',
        '&orderField=metadata.tags,desc',
      ];
      for (const order of [...orders, '&orderField=spec.system,desc&orderField=metadata.name,asc']) {
        const seen: string[] = [];
        const pages: string[][] = [];
        let page = await get(`/entities/by-query?filter=kind=component&limit=7${order}`);
        const total = page.body.totalItems;
        const cursors: string[] = [];
        for (;;) {
          pages.push(names(page.body.items));
          seen.push(...names(page.body.items));
          const next = page.body.pageInfo.nextCursor;
          if (!next) break;
          cursors.push(next);
          page = await get(`/entities/by-query?cursor=${encodeURIComponent(next)}&limit=7`);
          expect(page.body.totalItems).toBe(total);
          // A cursor carries the filter: a conflicting filter on the follow-up is ignored.
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort()).toEqual(allComponents);
        if (order === '&orderField=metadata.name,desc') expect(seen).toEqual([...allComponents].reverse());
        // Walk back from the last page with prevCursor.
        const back: string[][] = [];
        let prev = page.body.pageInfo.prevCursor as string | undefined;
        while (prev) {
          const p = await get(`/entities/by-query?cursor=${encodeURIComponent(prev)}&limit=7`);
          back.unshift(names(p.body.items));
          prev = p.body.pageInfo.prevCursor;
        }
        expect(back).toEqual(pages.slice(0, -1));
      }
    });

    it('rejects a malformed cursor', async () => {
      const { status, body } = await get('/entities/by-query?cursor=not-a-cursor');
      expect(status).toBe(400);
      expect(body.detail).toMatch(/cursor/i);
    });

    it('filters by full text, optionally in given fields', async () => {
      const anywhere = await get('/entities/by-query?fullTextFilterTerm=ARTIST');
      expect(names(anywhere.body.items)).toEqual(['web']);
      const inTitle = await get('/entities/by-query?fullTextFilterTerm=artist&fullTextFilterFields=metadata.title');
      expect(names(inTitle.body.items)).toEqual(['web']);
      const inName = await get('/entities/by-query?fullTextFilterTerm=artist&fullTextFilterFields=metadata.name');
      expect(inName.body.items).toEqual([]);
      const wildcard = await get(`/entities/by-query?fullTextFilterTerm=${encodeURIComponent('svc_0')}`);
      expect(wildcard.body.items).toEqual([]);
    });

    it('skips counting when asked', async () => {
      const { body } = await get('/entities/by-query?filter=kind=component&totalItems=exclude&limit=1');
      expect(body.totalItems).toBe(0);
      expect(body.items).toHaveLength(1);
    });

    it('accepts predicate queries on POST, and its cursor says so', async () => {
      const all = await post('/entities/by-query', {
        query: {
          $all: [
            { kind: 'Component' },
            { 'spec.type': { $in: ['service', 'website'] } },
            { $not: { 'metadata.name': { $hasPrefix: 'API' } } },
          ],
        },
        orderBy: [{ field: 'metadata.name', order: 'asc' }],
        limit: 1,
      });
      expect(all.status).toBe(200);
      expect(names(all.body.items)).toEqual(['player']);
      expect(all.body.totalItems).toBe(2);
      const cursor = JSON.parse(atob(all.body.pageInfo.nextCursor));
      expect('query' in cursor).toBe(true);
      const next = await post('/entities/by-query', { cursor: all.body.pageInfo.nextCursor, limit: 1 });
      expect(names(next.body.items)).toEqual(['web']);

      const any = await post('/entities/by-query', {
        query: {
          $any: [{ 'metadata.tags': { $contains: 'go' } }, { 'spec.system': { $exists: true }, kind: 'component' }],
        },
      });
      expect(names(any.body.items).sort()).toEqual(['api-gateway', 'player']);
      const relation = await post('/entities/by-query', {
        query: { relations: { $contains: { type: 'ownerOf', targetRef: 'component:default/player' } } },
      });
      expect(names(relation.body.items)).toEqual(['team-b']);
      const bad = await post('/entities/by-query', { query: { kind: { $regex: 'x' } } });
      expect(bad.status).toBe(400);
      expect(bad.body.detail).toContain('$regex');
    });
  });

  describe('legacy list', () => {
    it('returns a bare array with a next link', async () => {
      const first = await get('/entities?filter=kind=component&limit=10&order=desc:metadata.name&fields=metadata.name');
      expect(first.body).toEqual(
        [...allComponents]
          .reverse()
          .slice(0, 10)
          .map((name) => ({ metadata: { name } })),
      );
      const link = first.headers.get('link');
      expect(link).toMatch(/rel="next"/);
      const path = /<([^>]+)>/.exec(link ?? '')?.[1] ?? '';
      const second = await get(path);
      expect(second.body).toEqual(
        [...allComponents]
          .reverse()
          .slice(10, 20)
          .map((name) => ({ metadata: { name } })),
      );
      const everything = await get('/entities');
      expect(everything.body).toHaveLength(allComponents.length + 7);
    });
  });

  describe('by-refs', () => {
    it('keeps order and length, null for unknown refs', async () => {
      const { body } = await post('/entities/by-refs', {
        entityRefs: ['group:default/team-b', 'component:default/nope', 'Component:default/WEB', 'not a ref:'],
        fields: ['metadata.name'],
      });
      expect(body.items).toEqual([{ metadata: { name: 'team-b' } }, null, { metadata: { name: 'web' } }, null]);
      const filtered = await app.request('/api/catalog/entities/by-refs?filter=kind=group', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ entityRefs: ['group:default/team-b', 'component:default/web'] }),
      });
      const json = (await filtered.json()) as { items: (Entity | null)[] };
      expect(json.items.map((e) => e?.metadata.name ?? null)).toEqual(['team-b', null]);
    });
  });

  describe('facets', () => {
    it('counts values per entity in their original case, under a filter', async () => {
      const kinds = await get('/entity-facets?facet=kind');
      expect(kinds.body.facets.kind).toEqual([
        { value: 'Component', count: allComponents.length },
        { value: 'Group', count: 4 },
        { value: 'User', count: 3 },
      ]);
      const types = await get(
        '/entity-facets?facet=spec.type&facet=metadata.tags&filter=kind=component,relations.ownedby=group:default/team-a',
      );
      expect(types.body.facets['spec.type']).toEqual([
        { value: 'service', count: 1 },
        { value: 'website', count: 1 },
      ]);
      expect(types.body.facets['metadata.tags']).toEqual([
        { value: 'frontend', count: 1 },
        { value: 'go', count: 1 },
        { value: 'java', count: 1 },
      ]);
      const titles = await post('/entity-facets', { facets: ['metadata.title'], query: { kind: 'group' } });
      expect(titles.body.facets['metadata.title'].map((v: { value: string }) => v.value)).toEqual([
        'Music',
        'Playback Tribe',
        'Team A',
      ]);
    });
  });

  describe('views', () => {
    it('searches names, titles and tags with the best match first', async () => {
      const { body } = await get('/search?q=web');
      expect(body.items.map((i: { name: string }) => i.name).slice(0, 3)).toEqual(['web', 'web-tools', 'legacy-web']);
      expect(body.items[0]).toEqual({
        entityRef: 'component:default/web',
        kind: 'Component',
        namespace: 'default',
        name: 'web',
        title: 'Artist Web',
        description: 'The place for artists',
        type: 'website',
        owner: 'team-a',
      });
      const multi = await get('/search?q=artist%20place');
      expect(multi.body.items.map((i: { name: string }) => i.name)).toEqual(['web']);
      const byTag = await get('/search?q=frontend&limit=5');
      expect(byTag.body.items.map((i: { name: string }) => i.name)).toEqual(['web']);
    });

    it('draws the relation graph with missing targets', async () => {
      const one = await get('/entities/by-name/component/default/web/graph?depth=1');
      expect(one.body.nodes).toEqual(
        expect.arrayContaining([
          { entityRef: 'component:default/web', kind: 'Component', name: 'web', title: 'Artist Web' },
          { entityRef: 'group:default/team-a', kind: 'Group', name: 'team-a', title: 'Team A' },
          { entityRef: 'resource:default/db-missing', kind: 'resource', name: 'db-missing', missing: true },
        ]),
      );
      expect(one.body.nodes).toHaveLength(3);
      expect(one.body.edges).toEqual(
        expect.arrayContaining([
          { source: 'component:default/web', type: 'ownedBy', target: 'group:default/team-a' },
          { source: 'component:default/web', type: 'dependsOn', target: 'resource:default/db-missing' },
        ]),
      );
      const two = await get('/entities/by-name/component/default/web/graph?depth=2');
      const refs = two.body.nodes.map((n: { entityRef: string }) => n.entityRef);
      expect(refs).toEqual(
        expect.arrayContaining(['user:default/alice', 'group:default/playback', 'component:default/api-gateway']),
      );
      expect((await get('/entities/by-name/component/default/web/graph?depth=9')).status).toBe(400);
    });

    it('lists ingestion errors and dangling relations', async () => {
      const { body } = await get('/entities/by-name/component/default/web/errors');
      expect(body.items).toEqual([
        {
          level: 'error',
          message: 'spec.lifecycle must be a string',
          field: 'spec.lifecycle',
          filePath: 'catalog-info.yaml',
          line: 7,
          column: 3,
          source: 'ingestion',
        },
        expect.objectContaining({
          level: 'warning',
          source: 'relation',
          message: expect.stringContaining('resource:default/db-missing'),
        }),
      ]);
      const clean = await get('/entities/by-name/group/default/team-b/errors');
      expect(clean.body.items).toEqual([]);
    });

    it('serves the stored entity as YAML', async () => {
      const res = await app.request('/api/catalog/entities/by-name/component/default/web/yaml');
      expect(res.headers.get('content-type')).toMatch(/^text\/yaml/);
      const parsed = yaml.load(await res.text()) as Entity;
      expect(parsed.metadata.name).toBe('web');
      expect(parsed.relations).toBeUndefined();
      expect(parsed.spec?.dependsOn).toEqual(['resource:default/db-missing']);
    });

    it('shows a group with its hierarchy, people and ownership', async () => {
      const team = await get('/org/groups/default/team-a');
      expect(team.body.group.metadata.name).toBe('team-a');
      expect(team.body.parent).toMatchObject({ entityRef: 'group:default/playback', type: 'tribe' });
      expect(team.body.ancestors.map((a: { name: string }) => a.name)).toEqual(['music', 'playback']);
      expect(team.body.members.map((m: { name: string }) => m.name)).toEqual(['alice', 'bob']);
      expect(team.body.owned.map((o: { name: string }) => o.name)).toEqual(['api-gateway', 'web']);
      expect(team.body.children).toEqual([]);
      const tribe = await get('/org/groups/default/playback');
      expect(tribe.body.children.map((c: { name: string }) => c.name)).toEqual(['team-a', 'team-b']);
      expect(tribe.body.ownedByDescendants).toBe(allComponents.length);
      expect(tribe.body.parent.name).toBe('music');
      const music = await get('/org/groups/default/music');
      expect(music.body.ownedByDescendants).toBe(allComponents.length);
      expect((await get('/org/groups/default/nope')).status).toBe(404);
    });

    it('lists the org tree', async () => {
      const { body } = await get('/org/tree');
      expect(body.items).toEqual([
        {
          entityRef: 'group:default/music',
          name: 'music',
          title: 'Music',
          type: 'department',
          parentRef: null,
          memberCount: 0,
          ownedCount: 0,
        },
        {
          entityRef: 'group:default/playback',
          name: 'playback',
          title: 'Playback Tribe',
          type: 'tribe',
          parentRef: 'group:default/music',
          memberCount: 0,
          ownedCount: 0,
        },
        {
          entityRef: 'group:default/team-a',
          name: 'team-a',
          title: 'Team A',
          type: 'squad',
          parentRef: 'group:default/playback',
          memberCount: 2,
          ownedCount: 2,
        },
        {
          entityRef: 'group:default/team-b',
          name: 'team-b',
          title: null,
          type: 'squad',
          parentRef: 'group:default/playback',
          memberCount: 1,
          ownedCount: allComponents.length - 2,
        },
      ]);
    });
  });

  describe('ancestry through locations', () => {
    let ancestryDb: TestDatabase;
    beforeAll(async () => {
      ancestryDb = await createTestDatabase({ migrations: { ...catalogMigrations, ...catalogReadMigrations } });
    });
    afterAll(() => ancestryDb?.dispose());

    it('traces an entity back through the Location entities that led to it', async () => {
      const db = ancestryDb.db as unknown as Kysely<CatalogTables>;
      const location = (id: string, parent: string | null) => ({
        id,
        type: 'url',
        target: `https://git.example.com/${id}.yaml`,
        options_json: '{}',
        parent_location_id: parent,
        created_by: 'user:default/tester',
        refresh_state: 'done',
        entity_count: 1,
        error_count: 0,
        created_at: '2026-01-01T00:00:00.000Z',
      });
      await db
        .insertInto('catalog_locations')
        .values([location('root', null), location('child', 'root')])
        .execute();
      await insertTestEntities(ancestryDb, [
        [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Location',
            metadata: { name: 'all-teams' },
            spec: { type: 'url', targets: ['https://git.example.com/child.yaml'] },
          },
          { locationId: 'root' },
        ],
        [component('deep', { owner: 'team-a' }), { locationId: 'child' }],
      ]);
      const res = await createTestCatalogApp(ancestryDb).app.request(
        '/api/catalog/entities/by-name/component/default/deep/ancestry',
      );
      const body = (await res.json()) as {
        rootEntityRef: string;
        items: { entity: Entity; parentEntityRefs: string[] }[];
      };
      expect(body.rootEntityRef).toBe('component:default/deep');
      expect(
        body.items.map((i: { entity: Entity; parentEntityRefs: string[] }) => [
          i.entity.metadata.name,
          i.parentEntityRefs,
        ]),
      ).toEqual([
        ['deep', ['location:default/all-teams']],
        ['all-teams', []],
      ]);
    });
  });
});
