import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../platform/events/in-memory-event-log.js';
import { createTestRepo, type TestRepo } from '../../platform/git/testing/test-repo.js';
import { silentLogger } from '../../platform/logging.js';
import { createJobQueue } from '../../platform/queue/create-job-queue.js';
import type { JobQueueAdapter } from '../../platform/queue/job-queue-adapter.js';
import { queueMigrations } from '../../platform/queue/queue-migrations.js';
import { catalogMigrations, createCatalog } from '../catalog/index.js';
import { type CheckResult, createHealth, type Health, healthMigrations, REFRESH_ALL_JOB } from '../health/index.js';
import { createRadar, type Radar, type RadarFacts, radarMigrations } from './index.js';
import { ADMIN, componentYaml } from './testing/radar-fixtures.js';

const RADAR = `apiVersion: backbeat.dev/v1
kind: Radar
metadata:
  name: golden-tech
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
    - id: koa
      name: Koa
      quadrant: frameworks
      ring: hold
      match: { ecosystem: npm, name: koa }
    - id: lodash
      name: Lodash
      quadrant: libraries
      ring: trial
      match: { ecosystem: npm, name: lodash }
`;

/** The demo's radar checks, as the demo loads them. */
const RADAR_CHECKS = readFileSync(
  resolve(new URL('.', import.meta.url).pathname, '../../../../../examples/health/radar-checks.yaml'),
  'utf8',
);

function packageJson(dependencies: Record<string, string>): string {
  return `${JSON.stringify({ name: 'svc', version: '1.0.0', dependencies }, null, 2)}\n`;
}

const ref = (name: string) => `component:default/${name}`;

let database: TestDatabase;
let dataDir: string;
let queue: JobQueueAdapter;
let health: Health;
let radar: Radar;
const events = createInMemoryEventLog();
/** Jobs the radar queued (it gets the real queue, watched). */
const radarEnqueued: { name: string; key?: string }[] = [];
const repos: Record<string, TestRepo> = {};

beforeAll(async () => {
  database = await createTestDatabase({
    migrations: { ...queueMigrations, ...catalogMigrations, ...healthMigrations, ...radarMigrations },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'backbeat-radar-health-'));
  const logger = silentLogger();
  queue = createJobQueue({ database, logger, timings: { pollIntervalMs: 50, retryBaseMs: 20 } });
  const catalog = createCatalog({
    database,
    queue,
    events,
    logger,
    config: { dataDir, catalogRefreshIntervalSeconds: 3600, readAllowList: { hosts: [], paths: [] } },
  });
  health = createHealth({
    database,
    queue,
    events,
    logger,
    catalog: catalog.reader,
    membership: catalog.membership,
    config: { dataDir },
  });
  // Wired as the composition root wires it.
  radar = createRadar({
    database,
    queue: {
      register: (name, handler) => queue.register(name, handler),
      schedule: (name, cron) => queue.schedule(name, cron),
      start: () => queue.start(),
      stop: () => queue.stop(),
      stats: () => queue.stats(),
      async enqueue(name, payload, options) {
        radarEnqueued.push({ name, ...(options?.key ? { key: options.key } : {}) });
        await queue.enqueue(name, payload, options);
      },
    },
    events,
    logger,
    dependencyUsage: health.reader,
    healthCollectors: health.collectors,
    config: { dataDir },
  });
  repos.koaShop = await createTestRepo({
    'catalog-info.yaml': componentYaml('koa-shop', 'team-a'),
    'package.json': packageJson({ koa: '2.15.3', express: '4.21.1' }),
  });
  repos.cleanShop = await createTestRepo({
    'catalog-info.yaml': componentYaml('clean-shop', 'team-b'),
    'package.json': packageJson({ express: '^4.21.1', lodash: '4.17.21' }),
  });
  repos.oldExpress = await createTestRepo({
    'catalog-info.yaml': componentYaml('old-express', 'team-b'),
    'package.json': packageJson({ express: '4.18.2' }),
  });
  // Its code is said to live in a repository that does not exist.
  repos.lost = await createTestRepo({
    'catalog-info.yaml': componentYaml('lost', 'team-a', join(dataDir, 'no-such-repository')),
  });
  for (const repo of Object.values(repos)) {
    await catalog.service.registerLocation({
      actor: ADMIN,
      type: 'git',
      target: repo.dir,
      options: { path: 'catalog-info.yaml' },
    });
  }
  await radar.service.apply(ADMIN, { yaml: RADAR, reason: 'first radar' });
  await health.service.applyDefinitions(ADMIN, { yaml: RADAR_CHECKS, file: 'radar-checks.yaml' });
});

afterAll(async () => {
  await queue?.stop();
  await database?.dispose();
  for (const repo of Object.values(repos)) repo.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the queue until nothing is waiting or running (it keeps running after). */
async function drainQueue(): Promise<void> {
  await queue.start();
  const deadline = Date.now() + 50_000;
  for (;;) {
    const stats = await queue.stats();
    if (stats.waiting + stats.running === 0) return;
    if (Date.now() > deadline) throw new Error(`the queue did not drain: ${JSON.stringify(stats)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function results(name: string): Promise<Record<string, CheckResult>> {
  const entity = await health.service.entityHealth(ref(name));
  return Object.fromEntries(entity.results.map((r) => [r.check, r]));
}

async function radarFacts(name: string): Promise<RadarFacts> {
  const entity = await health.service.entityHealth(ref(name));
  return entity.facts.radar?.facts as RadarFacts;
}

async function radarHistoryRows(name: string): Promise<number> {
  const { rows } = await sql<{
    id: string;
  }>`select id from health_fact_history where entity_ref = ${ref(name)} and collector = 'radar'`.execute(database.db);
  return rows.length;
}

describe('tech-health checks over the radar', () => {
  it("fails 'uses no technology in HOLD' for a component on a HOLD technology and passes it for the others", async () => {
    expect(radarEnqueued).toEqual([{ name: REFRESH_ALL_JOB, key: REFRESH_ALL_JOB }]); // applying the radar
    await health.service.refresh();

    const koaShop = await results('koa-shop');
    expect(koaShop['uses-no-hold-technology']?.status).toBe('failed');
    expect(koaShop['framework-in-adopt-version']?.status).toBe('failed');
    expect((await results('clean-shop'))['uses-no-hold-technology']?.status).toBe('passed');
    expect((await results('clean-shop'))['framework-in-adopt-version']?.status).toBe('passed');
    // Express below 4.21 is in trial: no HOLD, but not an adopted framework version either.
    expect((await results('old-express'))['uses-no-hold-technology']?.status).toBe('passed');
    expect((await results('old-express'))['framework-in-adopt-version']?.status).toBe('failed');

    const facts = await radarFacts('koa-shop');
    expect(facts.rings.hold).toEqual({ count: 1, names: ['Koa'] });
    expect(facts.rings.adopt).toEqual({ count: 1, names: ['Express'] });
    expect(facts.technologies.map((t) => [t.entry, t.ring, t.version])).toEqual([
      ['express', 'adopt', '4.21.1'],
      ['koa', 'hold', '2.15.3'],
    ]);
    expect((await radarFacts('clean-shop')).radars['golden-tech']?.rings.trial.names).toEqual(['Lodash']);
  });

  it('records a fact error for a component whose dependencies cannot be known, and goes on', async () => {
    const lost = await health.service.entityHealth(ref('lost'));
    expect(lost.facts.radar?.error).toMatch(/no repository facts/);
    expect(lost.results.find((r) => r.check === 'uses-no-hold-technology')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^Facts from the radar collector could not be collected/),
    });
  });

  it('skips unchanged components on an unchanged radar', async () => {
    const { collection, evaluation } = await health.service.refresh();
    // Three repositories and their radar facts; the lost one fails again for both collectors.
    expect(collection.unchanged).toBe(6);
    expect(collection.changed).toBe(0);
    expect(collection.errors.map((e) => `${e.entityRef} ${e.collector}`).sort()).toEqual([
      `${ref('lost')} radar`,
      `${ref('lost')} repository`,
    ]);
    expect(evaluation.changed).toBe(0);
  });

  it('passes once the entry moves out of HOLD and the component is refreshed, its repository not read again', async () => {
    const historyBefore = await radarHistoryRows('koa-shop');
    await radar.service.moveEntry(ADMIN, 'golden-tech', 'koa', { ring: 'trial', reason: 'Koa is fine again' });
    expect(radarEnqueued.at(-1)).toEqual({ name: REFRESH_ALL_JOB, key: REFRESH_ALL_JOB });
    // Nothing changes until health refreshes.
    expect((await results('koa-shop'))['uses-no-hold-technology']?.status).toBe('failed');

    const { collection } = await health.service.refresh({
      entityRefs: [ref('koa-shop'), ref('clean-shop'), ref('old-express')],
    });
    // The radars' revision is in the radar collector's fingerprint: its facts are collected
    // again, from the stored dependency facts, while the unmoved repositories are skipped.
    expect(collection.unchanged).toBe(3);
    expect(collection.changed).toBe(1);

    const koaShop = await results('koa-shop');
    expect(koaShop['uses-no-hold-technology']?.status).toBe('passed');
    // Koa in trial is still not an adopted framework.
    expect(koaShop['framework-in-adopt-version']?.status).toBe('failed');
    expect((await radarFacts('koa-shop')).rings).toMatchObject({
      hold: { count: 0, names: [] },
      trial: { count: 1, names: ['Koa'] },
    });
    expect(await radarHistoryRows('koa-shop')).toBe(historyBefore + 1);
    // Components the move does not concern keep their facts (no new history row).
    expect(await radarHistoryRows('clean-shop')).toBe(1);
    const history = await health.service.entityHistory(ref('koa-shop'));
    expect(history.results.at(-1)?.statuses['uses-no-hold-technology']).toBe('passed');
    expect(history.results.at(-2)?.statuses['uses-no-hold-technology']).toBe('failed');
  });

  it('fails again when the entry goes back to HOLD, through the refresh job the move queued', async () => {
    const queuedBefore = radarEnqueued.length;
    await radar.service.moveEntry(ADMIN, 'golden-tech', 'koa', { ring: 'hold', reason: 'Koa is stalled' });
    expect(radarEnqueued.slice(queuedBefore)).toEqual([{ name: REFRESH_ALL_JOB, key: REFRESH_ALL_JOB }]);
    expect((await results('koa-shop'))['uses-no-hold-technology']?.status).toBe('passed');
    await drainQueue();
    expect((await results('koa-shop'))['uses-no-hold-technology']?.status).toBe('failed');
    expect((await radarFacts('koa-shop')).rings.hold.names).toEqual(['Koa']);
    expect((await results('clean-shop'))['uses-no-hold-technology']?.status).toBe('passed');
  });
});

describe("the radar's adoption from tech health's dependency facts", () => {
  it('counts what tech health collected, and follows a new commit once health collects it', async () => {
    const koa = async () => (await radar.service.view('golden-tech')).items.find((i) => i.id === 'koa')!.adoption;
    expect((await koa()).components).toBe(1);
    expect((await radar.service.entry('golden-tech', 'express')).adoption.byRing).toMatchObject({
      adopt: 2,
      trial: 1,
    });

    await repos.cleanShop!.commit({ 'package.json': packageJson({ express: '^4.21.1', koa: '2.15.3' }) });
    // Not read from the repository: until health collects it, the radar still counts the old facts.
    expect((await koa()).components).toBe(1);
    await health.service.refresh({ entityRefs: [ref('clean-shop')] });
    expect((await koa()).components).toBe(2);
    expect((await koa()).byRing.hold).toBe(2);
    const items = await radar.evaluator.evaluateEntity('clean-shop');
    expect(items.map((i) => `${i.entryId}:${i.ring}`).sort()).toEqual(['express:adopt', 'koa:hold']);
    expect((await results('clean-shop'))['uses-no-hold-technology']?.status).toBe('failed');
  });
});
