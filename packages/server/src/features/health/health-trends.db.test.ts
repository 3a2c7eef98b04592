import { OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../platform/auth/actor.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import { toProblem } from '../../platform/http/problem.js';
import type { HealthTables } from './store/health-tables.js';
import {
  createHealthHarness,
  exampleDefinitionFiles,
  HEALTH_ADMIN,
  type HealthHarness,
} from './testing/health-harness.js';

/**
 * The reads behind the web app's health pages: the pass-rate trend per check of a
 * group (replayed from status history), the roll-up's component list, and whether
 * the viewer may change an entity. Through the HTTP routes, on a real catalog.
 */
let h: HealthHarness;
let actor: Actor = HEALTH_ADMIN;
let app: OpenAPIHono<AppEnv>;
const DEPARTMENT = 'group:default/cadence-engineering';

function dayBefore(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

async function get(path: string) {
  const res = await app.request(`/api/health${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface Point {
  day: string;
  passed: number;
  failed: number;
  passRate: number | null;
}

beforeAll(async () => {
  h = await createHealthHarness({ size: 6 });
  const loaded = await h.health.service.loadDefinitionFiles(HEALTH_ADMIN, exampleDefinitionFiles());
  expect(loaded.problems).toEqual([]);
  app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('actor', actor);
    await next();
  });
  app.onError((error, c) => {
    const problem = toProblem(error, new URL(c.req.url).pathname);
    return c.json(problem, problem.status as 400);
  });
  h.health.registerRoutes(app);

  // Three days ago no component had a README; yesterday one had. Today's statuses come from a real refresh.
  const components = h.demo.repos.map((r) => `component:default/${r.name}`);
  const db = h.database.db as unknown as Kysely<HealthTables>;
  await db
    .insertInto('health_result_history')
    .values([
      ...components.map((ref, i) => ({
        id: `00000000000000000000000A${String(i).padStart(2, '0')}`,
        entity_ref: ref,
        owner_ref: null,
        statuses_json: JSON.stringify({ 'has-readme': 'failed', 'has-ci': 'passed', 'retired-check': 'failed' }),
        at: dayBefore(3),
      })),
      {
        id: '00000000000000000000000B00',
        entity_ref: components[0]!,
        owner_ref: null,
        statuses_json: JSON.stringify({ 'has-readme': 'passed', 'has-ci': 'passed' }),
        at: dayBefore(1),
      },
    ])
    .execute();
  await h.health.service.refresh();
}, 120_000);
afterAll(() => h?.dispose());

describe('health reads for the web pages', () => {
  it('answers the pass rate per check per day, replaying the status history of the group', async () => {
    const { status, body } = await get('/groups/default/cadence-engineering/check-trend?days=7');
    expect(status).toBe(200);
    expect(body.group).toMatchObject({ ref: DEPARTMENT, type: 'department' });
    const n = h.demo.repos.length;
    const readme = (body.checks as { check: string; trend: Point[] }[]).find((c) => c.check === 'has-readme')!;
    expect(readme.trend).toHaveLength(7);
    // Before any history: nothing counted.
    expect(readme.trend[0]).toMatchObject({ passed: 0, failed: 0, passRate: null });
    expect(readme.trend[3]).toMatchObject({ passed: 0, failed: n, passRate: 0 });
    // A day without rows keeps the day before.
    expect(readme.trend[4]).toMatchObject({ passed: 0, failed: n });
    expect(readme.trend[5]).toMatchObject({ passed: 1, failed: n - 1, passRate: 1 / n });
    // Today is what the roll-up counts now.
    const rollup = await get('/groups/default/cadence-engineering/rollup?days=7');
    const now = (rollup.body.checks as { check: string; passed: number; failed: number }[]).find(
      (c) => c.check === 'has-readme',
    )!;
    expect(readme.trend[6]).toMatchObject({ passed: now.passed, failed: now.failed });
    // A check no longer defined is not listed; the overall rate sums every defined check.
    const checks = body.checks as { check: string; trend: Point[] }[];
    expect(checks.map((c) => c.check)).not.toContain('retired-check');
    expect((body.overall as Point[])[3]).toMatchObject({ passed: n, failed: n, passRate: 0.5 });
    const today = checks.reduce((sum, c) => sum + c.trend[6]!.passed, 0);
    expect((body.overall as Point[])[6]!.passed).toBe(today);
  });

  it("limits a squad's trend to the components of that squad", async () => {
    const department = await get('/groups/default/cadence-engineering/rollup');
    const squad = (department.body.leaderboard as { group: string; components: number }[])[0]!;
    const [, name] = squad.group.split('/');
    const { body } = await get(`/groups/default/${name}/check-trend?days=4`);
    const readme = (body.checks as { check: string; trend: Point[] }[]).find((c) => c.check === 'has-readme')!;
    expect(readme.trend[0]).toMatchObject({ passed: 0, failed: squad.components });
  });

  it('lists the components of a roll-up only when asked, lowest certification first', async () => {
    const plain = await get('/groups/default/cadence-engineering/rollup');
    expect(plain.body.entities).toBeUndefined();
    const { body } = await get('/groups/default/cadence-engineering/rollup?entities=true');
    const rows = body.entities as {
      entityRef: string;
      certifications: { track: string; rank: number }[];
      passed: number;
      failed: number;
      passRate: number | null;
    }[];
    expect(rows).toHaveLength(body.components as number);
    const ranks = rows.map((r) => r.certifications.find((c) => c.track === 'golden-state')!.rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const first = await h.health.service.entityHealth(rows[0]!.entityRef);
    expect(rows[0]!.passed).toBe(first.results.filter((r) => r.status === 'passed').length);
    expect(rows[0]!.failed).toBe(first.results.filter((r) => r.status === 'failed').length);
    expect(rows[0]!.certifications[0]!.rank).toBe(first.certifications[0]!.rank);
  });

  it('refuses a bad days or entities query', async () => {
    expect((await get('/groups/default/cadence-engineering/check-trend?days=0')).status).toBe(400);
    expect((await get('/groups/default/cadence-engineering/check-trend?days=1.5')).status).toBe(400);
    expect((await get('/groups/default/cadence-engineering/rollup?entities=yes')).status).toBe(400);
    expect((await get('/groups/default/nobody-here/check-trend')).status).toBe(404);
  });

  it('tells the viewer whether they may attest and re-check an entity', async () => {
    const repo = h.demo.repos[0]!;
    const path = `/entities/component/default/${repo.name}`;
    actor = HEALTH_ADMIN;
    expect((await get(path)).body.viewer).toEqual({ canChange: true });
    const groups = await h.catalog.membership.groupsOf('user:default/maya.okafor');
    const owned = h.demo.repos.find((r) => groups.includes(r.ownerRef));
    const other = h.demo.repos.find((r) => !groups.includes(r.ownerRef));
    if (!owned || !other) throw new Error('the demo fleet should have components owned by and outside the squad');
    actor = {
      kind: 'user',
      id: 'maya',
      userRef: 'user:default/maya.okafor',
      displayName: 'Maya',
      isAdmin: false,
      scopes: ['read', 'write'],
    };
    try {
      expect((await get(`/entities/component/default/${owned.name}`)).body.viewer).toEqual({ canChange: true });
      expect((await get(`/entities/component/default/${other.name}`)).body.viewer).toEqual({ canChange: false });
    } finally {
      actor = HEALTH_ADMIN;
    }
  });
});
