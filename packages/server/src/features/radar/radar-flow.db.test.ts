import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../platform/events/in-memory-event-log.js';
import { createTestRepo, type TestRepo } from '../../platform/git/testing/test-repo.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import { problemResponse } from '../../platform/http/problem-response.js';
import { silentLogger } from '../../platform/logging.js';
import { catalogMigrations, createCatalog } from '../catalog/index.js';
import {
  createRadar,
  createRepositoryUsageReader,
  type Radar,
  radarMigrations,
  SYNC_RADAR_SOURCES_JOB,
} from './index.js';
import { ADMIN, componentYaml, createIdleQueue, MEMBER } from './testing/radar-fixtures.js';

const ACTORS: Record<string, Actor> = { admin: ADMIN, jane: MEMBER };

const RADAR = `# Our radar
apiVersion: backbeat.dev/v1
kind: Radar
metadata:
  name: golden-tech
  title: Golden Tech
spec:
  quadrants:
    - { id: frameworks, name: Frameworks }
    - { id: libraries, name: Libraries }
    - { id: tools, name: Tools }
    - { id: data, name: Data }
  entries:
    - id: express
      name: Express
      quadrant: frameworks
      ring: adopt
      match: { ecosystem: npm, name: express }
      versions:
        - { ring: trial, below: 4.21.0 }
    # Vulnerable below 2.17.1
    - id: log-lib
      name: log-lib
      quadrant: libraries
      ring: hold
      match: { ecosystem: npm, name: log-lib }
    - id: log4j
      name: Log4j
      quadrant: libraries
      ring: adopt
      match: { ecosystem: maven, name: log4j-core }
      versions:
        - { ring: hold, below: 2.17.1 }
    - id: koa
      name: Koa
      quadrant: frameworks
      ring: trial
      match: { ecosystem: npm, name: koa }
`;

function packageJson(dependencies: Record<string, string>): string {
  return `${JSON.stringify({ name: 'svc', version: '1.0.0', dependencies }, null, 2)}\n`;
}

function pom(log4j: string): string {
  return `<project><dependencies><dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${log4j}</version></dependency></dependencies></project>\n`;
}

let database: TestDatabase;
let dataDir: string;
let app: OpenAPIHono<AppEnv>;
let radar: Radar;
const radarQueue = createIdleQueue();
let usageReader: ReturnType<typeof createRepositoryUsageReader>;
const events = createInMemoryEventLog();
const repos: Record<string, TestRepo> = {};

beforeAll(async () => {
  database = await createTestDatabase({ migrations: { ...catalogMigrations, ...radarMigrations } });
  dataDir = mkdtempSync(join(tmpdir(), 'backbeat-radar-'));
  const catalog = createCatalog({
    database,
    queue: createIdleQueue(),
    events,
    logger: silentLogger(),
    config: { dataDir, catalogRefreshIntervalSeconds: 300, readAllowList: { hosts: [], paths: [] } },
  });
  repos.web = await createTestRepo({
    'catalog-info.yaml': componentYaml('web-api', 'team-a'),
    'package.json': packageJson({ express: '4.18.2', 'log-lib': '2.14.1' }),
  });
  // The billing descriptor names a repository by URL, so its code is read through a mirror.
  repos.billingCode = await createTestRepo({ 'pom.xml': pom('2.14.1') });
  repos.billing = await createTestRepo({
    'catalog-info.yaml': componentYaml('billing', 'team-b', `file://${repos.billingCode.dir}`),
  });
  repos.shop = await createTestRepo({
    'catalog-info.yaml': componentYaml('shop', 'team-b'),
    'package.json': packageJson({ express: '^4.21.1' }),
  });
  for (const repo of [repos.web, repos.billing, repos.shop]) {
    await catalog.service.registerLocation({
      actor: ADMIN,
      type: 'git',
      target: repo.dir,
      options: { path: 'catalog-info.yaml' },
    });
  }
  usageReader = createRepositoryUsageReader({
    catalog: catalog.reader,
    mirrorsDir: join(dataDir, 'usage-mirrors'),
    logger: silentLogger(),
    maxAgeMs: 0,
  });
  radar = createRadar({
    database,
    queue: radarQueue,
    events,
    logger: silentLogger(),
    dependencyUsage: usageReader,
    config: { dataDir },
  });
  app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    const name = /^Bearer (\w+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    c.set('actor', name ? ACTORS[name] : undefined);
    await next();
  });
  app.onError((error, c) => problemResponse(c, error));
  radar.registerRoutes(app);
});

afterAll(async () => {
  await database.dispose();
  for (const repo of Object.values(repos)) repo.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, who = 'admin') {
  const response = await app.request(`/api/radar${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${who}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

describe('dependency usage read from component repositories', () => {
  it('lists every declared dependency with its component and owner, parsing a repository again only when its HEAD moved', async () => {
    const usages = await usageReader.listDependencyUsage();
    expect(usages).toContainEqual({
      entityRef: 'component:default/web-api',
      ownerRef: 'group:default/team-a',
      ecosystem: 'npm',
      name: 'log-lib',
      version: '2.14.1',
    });
    expect(usages).toContainEqual(
      expect.objectContaining({ entityRef: 'component:default/billing', name: 'org.apache.logging.log4j:log4j-core' }),
    );
    expect(usageReader.manifestReads).toBe(3);
    await usageReader.listDependencyUsage();
    expect(usageReader.manifestReads).toBe(3);
    await repos.shop!.commit({ 'package.json': packageJson({ express: '4.21.1', koa: '2.15.3' }) });
    const after = await usageReader.listDependencyUsage();
    expect(usageReader.manifestReads).toBe(4);
    expect(after).toContainEqual(expect.objectContaining({ entityRef: 'component:default/shop', name: 'koa' }));
    await repos.billingCode!.commit({ 'pom.xml': pom('2.17.1') });
    const fetched = await usageReader.listDependencyUsage();
    expect(usageReader.manifestReads).toBe(5);
    expect(fetched).toContainEqual(
      expect.objectContaining({ entityRef: 'component:default/billing', version: '2.17.1' }),
    );
    await repos.billingCode!.commit({ 'pom.xml': pom('2.14.1') });
  });
});

describe('radar API', () => {
  it('lets only signed-in admins apply a definition', async () => {
    expect((await call('POST', '/radars', { yaml: RADAR }, '')).status).toBe(401);
    const forbidden = await call('POST', '/radars', { yaml: RADAR }, 'jane');
    expect(forbidden.status).toBe(403);
    expect((await call('GET', '/radars')).body.items).toEqual([]);
  });

  it('rejects a malformed definition with line and field, and changes nothing', async () => {
    const broken = RADAR.replace(
      'ring: hold\n      match: { ecosystem: npm, name: log-lib }',
      'ring: frozen\n      match: { ecosystem: npm, name: log-lib }',
    );
    const answer = await call('POST', '/radars', { yaml: broken });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'spec.entries[1].ring', line: 25, message: expect.stringContaining('adopt') }),
    ]);
    expect((await call('GET', '/radars')).body.items).toEqual([]);
  });

  it('applies a radar and shows each entry with the fleet adoption', async () => {
    const applied = await call('POST', '/radars', { yaml: RADAR, reason: 'first radar' });
    expect(applied.status).toBe(200);
    const view = (await call('GET', '/radars/golden-tech', undefined, 'jane')).body;
    expect(view.title).toBe('Golden Tech');
    expect(view.rings).toEqual(['adopt', 'trial', 'assess', 'hold']);
    const byId = Object.fromEntries(view.items.map((e: { id: string }) => [e.id, e]));
    expect(byId.express.adoption).toEqual({
      components: 2,
      squads: 2,
      versions: ['4.21.1', '4.18.2'],
      byRing: { adopt: 1, trial: 1, assess: 0, hold: 0 },
    });
    expect(byId['log-lib'].adoption).toMatchObject({ components: 1, byRing: { hold: 1 } });
    expect(byId.log4j.adoption).toMatchObject({ components: 1, versions: ['2.14.1'], byRing: { hold: 1 } });
    expect(byId.koa.adoption.components).toBe(1);
    expect(events.events.map((e) => e.type)).toContain('radar.radar.created');
  });

  it("drills down into an entry's components, squads, versions and ring history", async () => {
    const detail = (await call('GET', '/radars/golden-tech/entries/express', undefined, 'jane')).body;
    expect(detail.entry.name).toBe('Express');
    expect(detail.adoption.usages).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/shop',
        ownerRef: 'group:default/team-b',
        version: '4.21.1',
        ring: 'adopt',
      }),
      expect.objectContaining({
        entityRef: 'component:default/web-api',
        ownerRef: 'group:default/team-a',
        version: '4.18.2',
        ring: 'trial',
      }),
    ]);
    expect(detail.squads).toEqual([
      { ownerRef: 'group:default/team-a', components: 1, versions: ['4.18.2'] },
      { ownerRef: 'group:default/team-b', components: 1, versions: ['4.21.1'] },
    ]);
    expect(detail.history).toEqual([
      { from: null, to: 'adopt', at: expect.any(String), by: 'user:default/admin', reason: 'first radar' },
    ]);
    expect((await call('GET', '/radars/golden-tech/entries/nope')).status).toBe(404);
  });

  it('moves an entry to another ring, saying who and why, keeping the YAML comments', async () => {
    expect(
      (await call('POST', '/radars/golden-tech/entries/koa/move', { ring: 'hold', reason: 'stalled' }, 'jane')).status,
    ).toBe(403);
    const missingReason = await call('POST', '/radars/golden-tech/entries/koa/move', { ring: 'hold' });
    expect(missingReason.status).toBe(400);
    expect(missingReason.body.errors[0].field).toBe('reason');
    const moved = await call('POST', '/radars/golden-tech/entries/koa/move', {
      ring: 'hold',
      reason: 'middleware stalled',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.entry.ring).toBe('hold');
    expect(
      moved.body.history.map((h: { from: string | null; to: string; reason: string }) => [h.from, h.to, h.reason]),
    ).toEqual([
      ['trial', 'hold', 'middleware stalled'],
      [null, 'trial', 'first radar'],
    ]);
    const moveEvent = events.events.filter((e) => e.type === 'radar.radar.updated').at(-1);
    expect(moveEvent?.data).toMatchObject({ moves: [{ entry: 'koa', from: 'trial', to: 'hold' }] });
    const { rows } = { rows: await database.db.selectFrom('radar_radars').select('yaml').execute() };
    expect(rows[0]?.yaml).toContain('# Vulnerable below 2.17.1');
    expect(rows[0]?.yaml).toMatch(/id: koa[\s\S]*ring: hold/);
  });

  it('tells other features which entries an entity uses, and in which ring', async () => {
    const answer = await call('GET', '/evaluation?entityRef=component:default/web-api', undefined, 'jane');
    expect(answer.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entryId: 'log-lib', ring: 'hold', version: '2.14.1' }),
        expect.objectContaining({ entryId: 'express', entryRing: 'adopt', ring: 'trial', version: '4.18.2' }),
      ]),
    );
    expect(await radar.evaluator.evaluateEntity('billing')).toEqual([
      expect.objectContaining({ entryId: 'log4j', entryRing: 'adopt', ring: 'hold' }),
    ]);
    const many = await radar.evaluator.evaluateEntities(['web-api', 'component:default/shop', 'nothing-here']);
    expect([...many.keys()]).toEqual([
      'component:default/web-api',
      'component:default/shop',
      'component:default/nothing-here',
    ]);
    expect(
      many
        .get('component:default/shop')
        ?.map((i) => `${i.entryId}:${i.ring}`)
        .sort(),
    ).toEqual(['express:adopt', 'koa:hold']);
    expect(many.get('component:default/nothing-here')).toEqual([]);
    expect((await call('GET', '/evaluation')).status).toBe(400);
  });
});

describe('radar sources', () => {
  let source: TestRepo;

  it('loads a radar from a file in a git repository, crediting the commit for the ring moves', async () => {
    source = await createTestRepo({ 'tech/radar.yaml': RADAR.replace('name: golden-tech', 'name: platform') });
    expect(
      (await call('POST', '/sources', { type: 'git', target: source.dir, path: 'tech/radar.yaml' }, 'jane')).status,
    ).toBe(403);
    const created = await call('POST', '/sources', { type: 'git', target: source.dir, path: 'tech/radar.yaml' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      radar: 'platform',
      problems: [],
      lastVersion: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect((await call('POST', '/sources', { type: 'git', target: source.dir, path: 'tech/radar.yaml' })).status).toBe(
      409,
    );
    const history = (await call('GET', '/radars/platform/entries/koa')).body.history;
    expect(history).toEqual([
      {
        from: null,
        to: 'trial',
        at: expect.any(String),
        by: 'Backbeat Test <test@backbeat.invalid>',
        reason: 'initial',
      },
    ]);
  });

  it('keeps the last good version of a broken entry and reports file, line and field', async () => {
    const id = (await call('GET', '/sources')).body.items[0].id;
    const next = RADAR.replace('name: golden-tech', 'name: platform')
      .replace(
        'ring: trial\n      match: { ecosystem: npm, name: koa }',
        'ring: hold\n      match: { ecosystem: npm, name: koa }',
      )
      .replace(
        'ring: hold\n      match: { ecosystem: npm, name: log-lib }',
        'ring: frozen\n      match: { ecosystem: npm, name: log-lib }',
      );
    await source.commit({ 'tech/radar.yaml': next }, 'Koa is on hold');
    const synced = await call('POST', `/sources/${id}/sync`);
    expect(synced.body.problems).toEqual([
      expect.objectContaining({ file: 'tech/radar.yaml', line: 25, field: 'spec.entries[1].ring', entryId: 'log-lib' }),
    ]);
    const view = (await call('GET', '/radars/platform')).body;
    expect(view.items.map((e: { id: string; ring: string }) => `${e.id}:${e.ring}`).sort()).toEqual([
      'express:adopt',
      'koa:hold',
      'log-lib:hold',
      'log4j:adopt',
    ]);
    expect(view.problems).toHaveLength(1);
    const history = (await call('GET', '/radars/platform/entries/koa')).body.history;
    expect(history[0]).toMatchObject({ from: 'trial', to: 'hold', reason: 'Koa is on hold' });
  });

  it('reads every source again in the scheduled job', async () => {
    const next = RADAR.replace('name: golden-tech', 'name: platform').replace('name: Koa', 'name: Koa.js');
    await source.commit({ 'tech/radar.yaml': next }, 'Koa is spelled Koa.js');
    await radarQueue.run(SYNC_RADAR_SOURCES_JOB);
    const view = (await call('GET', '/radars/platform')).body;
    expect(view.items.find((e: { id: string }) => e.id === 'koa').name).toBe('Koa.js');
    // The broken entry of the previous commit is valid again: no problems are left.
    expect(view.problems).toEqual([]);
  });

  it('keeps the previous radar when the whole file is rejected, and refuses API edits of a managed radar', async () => {
    const id = (await call('GET', '/sources')).body.items[0].id;
    await source.commit(
      { 'tech/radar.yaml': 'apiVersion: backbeat.dev/v1\nkind: Radar\nmetadata: { name: platform }\nspec: {}\n' },
      'oops',
    );
    const synced = await call('POST', `/sources/${id}/sync`);
    expect(synced.body.error).toMatch(/tech\/radar.yaml was rejected/);
    expect(synced.body.problems[0]).toMatchObject({ field: 'spec.quadrants', line: 4 });
    expect((await call('GET', '/radars/platform')).body.entries).toBe(4);
    const edit = await call('POST', '/radars/platform/entries/koa/move', { ring: 'adopt', reason: 'x' });
    expect(edit.status).toBe(409);
    expect((await call('DELETE', `/sources/${id}`)).status).toBe(204);
    expect(
      (await call('POST', '/radars/platform/entries/koa/move', { ring: 'adopt', reason: 'now editable' })).status,
    ).toBe(200);
  });

  it('loads a radar from a file on disk, and reports a file it cannot read', async () => {
    const file = join(dataDir, 'disk-radar.yaml');
    writeFileSync(file, RADAR.replace('name: golden-tech', 'name: on-disk'));
    const created = await call('POST', '/sources', { type: 'file', target: file });
    expect(created.body).toMatchObject({ radar: 'on-disk', problems: [] });
    const relative = await call('POST', '/sources', { type: 'file', target: 'radar.yaml' });
    expect(relative.status).toBe(400);
    const missing = await call('POST', '/sources', { type: 'file', target: join(dataDir, 'missing.yaml') });
    expect(missing.status).toBe(201);
    expect(missing.body.error).toMatch(/ENOENT/);
    expect((await call('GET', '/radars')).body.items.map((r: { name: string }) => r.name)).toEqual([
      'golden-tech',
      'on-disk',
      'platform',
    ]);
  });
});
