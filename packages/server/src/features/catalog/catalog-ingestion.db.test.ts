import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../platform/events/in-memory-event-log.js';
import { createTestRepo, type TestRepo } from '../../platform/git/testing/test-repo.js';
import { silentLogger } from '../../platform/logging.js';
import { type Catalog, catalogMigrations, createCatalog, REFRESH_ALL_JOB, REFRESH_LOCATION_JOB } from './index.js';
import type { CatalogTables } from './migrations.js';
import {
  ADMIN,
  componentYaml,
  createRecordingQueue,
  groupYaml,
  locationYaml,
  type RecordingQueue,
  testActor,
  userYaml,
} from './testing/catalog-fixtures.js';

let database: TestDatabase;
let db: Kysely<CatalogTables>;
let catalog: Catalog;
let queue: RecordingQueue;
let events: ReturnType<typeof createInMemoryEventLog>;
let dataDir: string;
let allowedDir: string;
const repos: TestRepo[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ migrations: catalogMigrations });
  db = database.db as unknown as Kysely<CatalogTables>;
  dataDir = mkdtempSync(join(tmpdir(), 'backbeat-catalog-'));
  allowedDir = mkdtempSync(join(tmpdir(), 'backbeat-allowed-'));
  queue = createRecordingQueue();
  events = createInMemoryEventLog();
  catalog = createCatalog({
    database,
    queue,
    events,
    logger: silentLogger(),
    config: {
      dataDir,
      catalogRefreshIntervalSeconds: 300,
      readAllowList: { hosts: ['git.example.com'], paths: [allowedDir] },
    },
  });
});

afterAll(async () => {
  await database.dispose();
  for (const repo of repos) repo.dispose();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(allowedDir, { recursive: true, force: true });
});

async function repoWith(files: Record<string, string>): Promise<TestRepo> {
  const repo = await createTestRepo(files);
  repos.push(repo);
  return repo;
}

async function entityRow(ref: string) {
  return db.selectFrom('catalog_entities').selectAll().where('entity_ref', '=', ref).executeTakeFirst();
}

async function relationsOf(ref: string) {
  return db
    .selectFrom('catalog_relations')
    .select(['type', 'target_ref'])
    .where('source_ref', '=', ref)
    .orderBy('type')
    .execute();
}

async function searchCount(ref: string): Promise<number> {
  const row = await db
    .selectFrom('catalog_search')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('entity_ref', '=', ref)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

describe('registering a git location', () => {
  it('reads the repository at once and stores entities, outgoing relations and search rows', async () => {
    const repo = await repoWith({ 'catalog-info.yaml': componentYaml('reg-web', { dependsOn: ['resource:reg-db'] }) });
    const result = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    expect(result.location).toMatchObject({ type: 'git', target: repo.dir });
    expect(result.entities.map((e) => e.metadata.name)).toEqual(['reg-web']);
    const entity = result.entities[0]!;
    expect(entity.metadata.uid).toBeTruthy();
    expect(entity.metadata.etag).toBeTruthy();
    expect(entity.metadata.generation).toBe(1);
    expect(entity.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`git:${repo.dir}`);
    expect(entity.metadata.annotations?.['backstage.io/managed-by-origin-location']).toBe(`git:${repo.dir}`);
    expect(entity).not.toHaveProperty('relations');

    const row = await entityRow('component:default/reg-web');
    expect(row?.location_id).toBe(result.location.id);
    expect(row?.file_path).toBe('catalog-info.yaml');
    expect(row?.search_text).toContain('the reg-web service');
    expect(await relationsOf('component:default/reg-web')).toEqual([
      { type: 'dependsOn', target_ref: 'resource:default/reg-db' },
      { type: 'ownedBy', target_ref: 'group:default/team-a' },
    ]);
    // Reverse edges are derived on read, never stored.
    expect(await relationsOf('group:default/team-a')).toEqual([]);
    expect(await searchCount('component:default/reg-web')).toBeGreaterThan(5);

    const status = (await catalog.service.locationStatus()).find((s) => s.id === result.location.id)!;
    expect(status).toMatchObject({ refreshState: 'ok', entityCount: 1, errorCount: 0, lastError: null });
    expect(status.lastCommit).toMatch(/^[0-9a-f]{40}$/);

    const types = events.events.filter((e) => e.subject === result.location.id).map((e) => e.type);
    expect(types).toEqual(['catalog.location.registered', 'catalog.location.refreshed', 'catalog.entity.changed']);
    const changed = events.events.find((e) => e.type === 'catalog.entity.changed' && e.subject === result.location.id);
    expect(changed?.data).toEqual({ added: ['component:default/reg-web'], updated: [], removed: [] });
    expect(changed?.actor.id).toBe('admin');
  });

  it('stores nothing on a dry run and refuses an existing location with 409', async () => {
    const repo = await repoWith({ 'catalog-info.yaml': componentYaml('dry-web') });
    const before = await catalog.service.listLocations();
    const dry = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir, dryRun: true });
    expect(dry.entities.map((e) => e.metadata.name)).toEqual(['dry-web']);
    expect(await catalog.service.listLocations()).toEqual(before);
    expect(await entityRow('component:default/dry-web')).toBeUndefined();

    await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    await expect(
      catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir }),
    ).rejects.toMatchObject({
      status: 409,
    });
    await expect(
      catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir, dryRun: true }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('rejects an unreachable repository or a path that matches nothing, storing nothing', async () => {
    const before = (await catalog.service.listLocations()).length;
    await expect(
      catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: join(dataDir, 'no-such-repo') }),
    ).rejects.toMatchObject({ status: 400 });
    const repo = await repoWith({ 'README.md': '# nothing here' });
    await expect(catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir })).rejects.toThrow(
      /matches "catalog-info.yaml"/,
    );
    expect((await catalog.service.listLocations()).length).toBe(before);
  });

  it('lets non-admins register only targets on the allow-list', async () => {
    const jane = testActor();
    const outside = await repoWith({ 'catalog-info.yaml': componentYaml('guard-out') });
    await expect(
      catalog.service.registerLocation({ actor: jane, type: 'git', target: outside.dir }),
    ).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      catalog.service.registerLocation({ actor: jane, type: 'url', target: 'https://internal.example.org/x.yaml' }),
    ).rejects.toMatchObject({ status: 403 });
    await expect(
      catalog.service.registerLocation({ actor: undefined, type: 'git', target: outside.dir }),
    ).rejects.toMatchObject({
      status: 401,
    });
    expect(await entityRow('component:default/guard-out')).toBeUndefined();

    const inside = await createTestRepo({ 'catalog-info.yaml': componentYaml('guard-in') });
    repos.push(inside);
    const target = join(allowedDir, 'guard-in');
    const { runGit } = await import('../../platform/git/run-git.js');
    await runGit(['clone', '--quiet', '--', inside.dir, target]);
    const result = await catalog.service.registerLocation({ actor: jane, type: 'git', target });
    expect(result.entities.map((e) => e.metadata.name)).toEqual(['guard-in']);
  });
});

describe('refreshing incrementally', () => {
  it('does nothing when the commit is unchanged, and re-reads only changed files', async () => {
    const repo = await repoWith({
      'a/catalog-info.yaml': componentYaml('inc-a'),
      'b/catalog-info.yaml': componentYaml('inc-b'),
    });
    const { location } = await catalog.service.registerLocation({
      actor: ADMIN,
      type: 'git',
      target: repo.dir,
      options: { path: '**/catalog-info.yaml' },
    });
    const a1 = await entityRow('component:default/inc-a');
    const b1 = await entityRow('component:default/inc-b');
    const eventCount = events.events.length;

    const same = await catalog.service.refreshLocationNow(location.id);
    expect(same).toMatchObject({ status: 'unchanged', filesRead: 0, entitiesWritten: 0 });
    expect((await entityRow('component:default/inc-a'))?.updated_at).toBe(a1?.updated_at);
    expect(events.events.length).toBe(eventCount);

    // A commit that touches no descriptor: files are listed, none is read.
    await repo.commit({ 'README.md': 'hello' });
    const untouched = await catalog.service.refreshLocationNow(location.id);
    expect(untouched).toMatchObject({ status: 'updated', filesRead: 0, entitiesWritten: 0 });

    await repo.commit({ 'b/catalog-info.yaml': componentYaml('inc-b', { owner: 'team-b' }) });
    const changed = await catalog.service.refreshLocationNow(location.id);
    expect(changed).toMatchObject({
      status: 'updated',
      filesRead: 1,
      entitiesWritten: 1,
      updated: ['component:default/inc-b'],
    });
    const a2 = await entityRow('component:default/inc-a');
    const b2 = await entityRow('component:default/inc-b');
    expect(a2?.updated_at).toBe(a1?.updated_at);
    expect(b2?.uid).toBe(b1?.uid);
    expect(b2?.generation).toBe(2);
    expect(b2?.hash).not.toBe(b1?.hash);
    expect(JSON.parse(b2!.entity_json).metadata.etag).not.toBe(JSON.parse(b1!.entity_json).metadata.etag);
    expect(await relationsOf('component:default/inc-b')).toEqual([
      { type: 'ownedBy', target_ref: 'group:default/team-b' },
    ]);
  });

  it('removes entities that leave a file or whose file is deleted, with relations and search rows', async () => {
    const repo = await repoWith({
      'catalog-info.yaml': `${componentYaml('rm-one', { dependsOn: ['component:rm-two'] })}---\n${componentYaml('rm-two')}`,
      'more.yaml': componentYaml('rm-three'),
    });
    const { location } = await catalog.service.registerLocation({
      actor: ADMIN,
      type: 'git',
      target: repo.dir,
      options: { path: '*.yaml' },
    });
    expect(await searchCount('component:default/rm-one')).toBeGreaterThan(0);

    await repo.commit({ 'catalog-info.yaml': componentYaml('rm-two'), 'more.yaml': null });
    const result = await catalog.service.refreshLocationNow(location.id);
    expect(result.removed.sort()).toEqual(['component:default/rm-one', 'component:default/rm-three']);
    expect(result.updated).toEqual([]);
    expect(await entityRow('component:default/rm-one')).toBeUndefined();
    expect(await entityRow('component:default/rm-three')).toBeUndefined();
    expect(await entityRow('component:default/rm-two')).toBeDefined();
    expect(await relationsOf('component:default/rm-one')).toEqual([]);
    expect(await searchCount('component:default/rm-one')).toBe(0);
    const files = await db
      .selectFrom('catalog_location_files')
      .select('path')
      .where('location_id', '=', location.id)
      .execute();
    expect(files.map((f) => f.path)).toEqual(['catalog-info.yaml']);
    const changed = events.events
      .filter((e) => e.type === 'catalog.entity.changed' && e.subject === location.id)
      .at(-1);
    expect((changed!.data!.removed as string[]).sort()).toEqual([
      'component:default/rm-one',
      'component:default/rm-three',
    ]);
  });
});

describe('errors', () => {
  it('keeps YAML errors with line and column, and still ingests the valid document beside them', async () => {
    const broken = `${componentYaml('err-good')}---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\n`;
    const repo = await repoWith({ 'catalog-info.yaml': broken });
    const { location, entities } = await catalog.service.registerLocation({
      actor: ADMIN,
      type: 'git',
      target: repo.dir,
    });
    expect(entities.map((e) => e.metadata.name)).toEqual(['err-good']);
    const errors = await catalog.service.locationErrors(location.id);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ filePath: 'catalog-info.yaml', level: 'error' });
    expect(errors[0]!.line).toBeGreaterThan(10);
    expect(errors[0]!.column).toBeGreaterThan(0);
    expect((await catalog.service.locationStatus()).find((s) => s.id === location.id)?.errorCount).toBe(1);

    await repo.commit({ 'catalog-info.yaml': `${componentYaml('err-good')}---\n${componentYaml('err-fixed')}` });
    await catalog.service.refreshLocationNow(location.id);
    expect(await catalog.service.locationErrors(location.id)).toEqual([]);
    expect(await entityRow('component:default/err-fixed')).toBeDefined();
  });

  it('reports schema violations with the field, and keeps the last good version of an entity that broke', async () => {
    const repo = await repoWith({ 'catalog-info.yaml': componentYaml('err-schema') });
    const { location } = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    await repo.commit({ 'catalog-info.yaml': componentYaml('err-schema').replace('  lifecycle: production\n', '') });
    await catalog.service.refreshLocationNow(location.id);
    const errors = await catalog.service.locationErrors(location.id);
    expect(errors).toMatchObject([{ field: 'spec.lifecycle', entityRef: 'component:default/err-schema' }]);
    const row = await entityRow('component:default/err-schema');
    const stored = JSON.parse(row!.entity_json);
    expect(stored.spec.lifecycle).toBe('production');
    expect(stored.status.items[0]).toMatchObject({ level: 'error', type: 'backstage.io/catalog-processing' });
    expect(stored.status.items[0].message).toContain('spec.lifecycle');

    await repo.commit({ 'catalog-info.yaml': componentYaml('err-schema') });
    await catalog.service.refreshLocationNow(location.id);
    expect(JSON.parse((await entityRow('component:default/err-schema'))!.entity_json).status).toBeUndefined();
    expect(await catalog.service.locationErrors(location.id)).toEqual([]);
  });

  it('does not take an entity another location owns, reports the conflict, and takes it once released', async () => {
    const first = await repoWith({ 'catalog-info.yaml': componentYaml('dup-web') });
    const second = await repoWith({
      'catalog-info.yaml': `${componentYaml('dup-web', { owner: 'team-x' })}---\n${componentYaml('dup-other')}`,
    });
    const one = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: first.dir });
    const two = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: second.dir });
    expect(two.entities.map((e) => e.metadata.name)).toEqual(['dup-other']);
    expect((await entityRow('component:default/dup-web'))?.location_id).toBe(one.location.id);
    const errors = await catalog.service.locationErrors(two.location.id);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ filePath: 'catalog-info.yaml', entityRef: 'component:default/dup-web' });
    expect(errors[0]!.message).toContain(one.location.id);

    await first.commit({ 'catalog-info.yaml': componentYaml('dup-renamed') });
    queue.enqueued.length = 0;
    await catalog.service.refreshLocationNow(one.location.id);
    expect(queue.enqueued).toContainEqual(
      expect.objectContaining({ name: REFRESH_LOCATION_JOB, payload: { locationId: two.location.id } }),
    );
    await queue.run(REFRESH_LOCATION_JOB, { locationId: two.location.id });
    expect((await entityRow('component:default/dup-web'))?.location_id).toBe(two.location.id);
    expect(await catalog.service.locationErrors(two.location.id)).toEqual([]);
  });

  it('records an unreachable repository on its location and refreshes the others', async () => {
    const doomed = await repoWith({ 'catalog-info.yaml': componentYaml('gone-web') });
    const healthy = await repoWith({ 'catalog-info.yaml': componentYaml('fine-web') });
    const bad = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: doomed.dir });
    const good = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: healthy.dir });
    rmSync(doomed.dir, { recursive: true, force: true });
    await healthy.commit({ 'catalog-info.yaml': componentYaml('fine-web', { owner: 'team-z' }) });

    await expect(queue.run(REFRESH_LOCATION_JOB, { locationId: bad.location.id })).rejects.toThrow(/could not be read/);
    await queue.run(REFRESH_LOCATION_JOB, { locationId: good.location.id });
    const status = await catalog.service.locationStatus();
    expect(status.find((s) => s.id === bad.location.id)).toMatchObject({ refreshState: 'failed' });
    expect(status.find((s) => s.id === bad.location.id)?.lastError).toBeTruthy();
    expect(status.find((s) => s.id === good.location.id)).toMatchObject({ refreshState: 'ok', lastError: null });
    // What was read before stays until the location is deleted.
    expect(await entityRow('component:default/gone-web')).toBeDefined();
    expect(await relationsOf('component:default/fine-web')).toEqual([
      { type: 'ownedBy', target_ref: 'group:default/team-z' },
    ]);
  });
});

describe('Location entities', () => {
  it('follows relative targets inside the repository and absolute ones into child locations', async () => {
    const other = await repoWith({ 'catalog-info.yaml': componentYaml('loc-remote') });
    const repo = await repoWith({
      'catalog-info.yaml': locationYaml('loc-root', ['./teams/*.yaml', `${other.dir}#HEAD:catalog-info.yaml`], 'git'),
      'teams/a.yaml': groupYaml('loc-team-a'),
      'teams/b.yaml': componentYaml('loc-svc', { owner: 'loc-team-a' }),
      'unrelated.yaml': componentYaml('loc-ignored'),
    });
    const result = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    expect(result.entities.map((e) => e.metadata.name).sort()).toEqual([
      'loc-remote',
      'loc-root',
      'loc-svc',
      'loc-team-a',
    ]);
    expect((await entityRow('group:default/loc-team-a'))?.location_id).toBe(result.location.id);
    const child = (await catalog.service.locationStatus()).find((s) => s.parentLocationId === result.location.id);
    expect(child).toMatchObject({ type: 'git', target: other.dir, entityCount: 1 });
    const remote = JSON.parse((await entityRow('component:default/loc-remote'))!.entity_json);
    expect(remote.metadata.annotations['backstage.io/managed-by-origin-location']).toBe(`git:${repo.dir}`);
    expect(await entityRow('component:default/loc-ignored')).toBeUndefined();

    // Dropping the targets drops what they brought in, including the child location.
    await repo.commit({ 'catalog-info.yaml': locationYaml('loc-root', ['./teams/a.yaml'], 'git') });
    const refreshed = await catalog.service.refreshLocationNow(result.location.id);
    expect(refreshed.removed.sort()).toEqual(['component:default/loc-remote', 'component:default/loc-svc']);
    expect(refreshed.childrenRemoved).toEqual([child!.id]);
    expect(await entityRow('component:default/loc-remote')).toBeUndefined();
    expect(await entityRow('group:default/loc-team-a')).toBeDefined();
  });
});

describe('url locations', () => {
  it('reads a single local file for admins and re-reads it only when its content changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backbeat-url-'));
    const file = join(dir, 'catalog-info.yaml');
    writeFileSync(file, componentYaml('url-web'));
    try {
      const { location, entities } = await catalog.service.registerLocation({
        actor: ADMIN,
        type: 'url',
        target: file,
      });
      expect(location).toMatchObject({ type: 'url', target: file });
      expect(entities[0]?.metadata.annotations?.['backstage.io/managed-by-location']).toBe(`url:${file}`);
      expect((await entityRow('component:default/url-web'))?.file_path).toBe(file);
      expect(await catalog.service.refreshLocationNow(location.id)).toMatchObject({ status: 'unchanged' });
      writeFileSync(file, componentYaml('url-web', { owner: 'team-url' }));
      expect(await catalog.service.refreshLocationNow(location.id)).toMatchObject({
        status: 'updated',
        updated: ['component:default/url-web'],
      });
      await expect(
        catalog.service.registerLocation({ actor: testActor(), type: 'url', target: `file://${file}` }),
      ).rejects.toMatchObject({ status: 403 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deleting', () => {
  it('deletes a location with its entities, relations, search rows and errors', async () => {
    const repo = await repoWith({ 'catalog-info.yaml': `${componentYaml('del-web')}---\nkind: [\n` });
    const { location } = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    expect((await catalog.service.locationErrors(location.id)).length).toBe(1);
    await catalog.service.deleteLocation(ADMIN, location.id);
    expect(await entityRow('component:default/del-web')).toBeUndefined();
    expect(await relationsOf('component:default/del-web')).toEqual([]);
    expect(await searchCount('component:default/del-web')).toBe(0);
    expect(await db.selectFrom('catalog_errors').selectAll().where('location_id', '=', location.id).execute()).toEqual(
      [],
    );
    await expect(catalog.service.getLocation(location.id)).rejects.toMatchObject({ status: 404 });
    const deleted = events.events.find((e) => e.type === 'catalog.location.deleted' && e.subject === location.id);
    expect(deleted?.before).toMatchObject({ id: location.id, type: 'git', target: repo.dir });
    expect(deleted?.data).toMatchObject({ removedEntities: 1 });
  });

  it('lets admins and owning-group members delete an entity, which returns on the next refresh', async () => {
    const repo = await repoWith({
      'catalog-info.yaml': [
        componentYaml('own-web', { owner: 'own-squad' }),
        groupYaml('own-squad', { parent: 'own-tribe' }),
        groupYaml('own-tribe'),
        userYaml('own-jane', ['own-squad']),
      ].join('---\n'),
    });
    const { location } = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    expect(await catalog.membership.groupsOf('user:default/own-jane')).toEqual([
      'group:default/own-squad',
      'group:default/own-tribe',
    ]);
    const row = await entityRow('component:default/own-web');
    const stranger = testActor({ userRef: 'user:default/someone' });
    await expect(catalog.service.deleteEntityByUid(stranger, row!.uid)).rejects.toMatchObject({ status: 403 });
    await catalog.service.deleteEntityByUid(testActor({ userRef: 'user:default/own-jane' }), row!.uid);
    expect(await entityRow('component:default/own-web')).toBeUndefined();
    expect(
      events.events.some((e) => e.type === 'catalog.entity.deleted' && e.subject === 'component:default/own-web'),
    ).toBe(true);

    const back = await catalog.service.refreshLocationNow(location.id);
    expect(back).toMatchObject({ filesRead: 1, added: ['component:default/own-web'] });
  });
});

describe('jobs and lookups', () => {
  it('schedules refresh-all, which queues locations whose last refresh is older than the interval', async () => {
    expect(queue.schedules).toContainEqual({ name: REFRESH_ALL_JOB, cron: '* * * * *' });
    const repo = await repoWith({ 'catalog-info.yaml': componentYaml('job-web') });
    const { location } = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    queue.enqueued.length = 0;
    await queue.run(REFRESH_ALL_JOB, {});
    expect(queue.enqueued.some((j) => (j.payload as { locationId: string }).locationId === location.id)).toBe(false);
    const later = new Date(Date.now() + 301_000);
    await catalog.service.enqueueDueRefreshes(later);
    const job = queue.enqueued.find((j) => (j.payload as { locationId: string }).locationId === location.id);
    expect(job).toMatchObject({
      name: REFRESH_LOCATION_JOB,
      options: { key: `${REFRESH_LOCATION_JOB}:${location.id}` },
    });
  });

  it('finds the location of an entity and queues a refresh for it', async () => {
    const repo = await repoWith({ 'catalog-info.yaml': componentYaml('look-web') });
    const { location } = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
    expect(
      await catalog.service.getLocationByEntity({ kind: 'Component', namespace: 'default', name: 'look-web' }),
    ).toEqual(location);
    queue.enqueued.length = 0;
    expect(await catalog.service.refreshEntity(ADMIN, 'component:look-web')).toEqual({ locationId: location.id });
    expect(queue.enqueued).toHaveLength(1);
    await expect(catalog.service.refreshEntity(ADMIN, 'component:nope')).rejects.toMatchObject({ status: 404 });
  });

  it('validates an entity the way Backstage answers', () => {
    expect(
      catalog.service.validateEntity({
        location: 'url:https://example.com/x.yaml',
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: { name: 'x' },
          spec: { type: 's', lifecycle: 'p', owner: 'a' },
        },
      }),
    ).toEqual({ errors: [] });
    const bad = catalog.service.validateEntity({ location: 'url:x', entity: { kind: 'Component', metadata: {} } });
    expect(bad.errors.length).toBeGreaterThan(0);
    expect(bad.errors[0]!.name).toBe('InputError');
  });
});
