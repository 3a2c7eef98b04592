import { OpenAPIHono } from '@hono/zod-openapi';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../platform/http/app-env.js';
import { problemResponse } from '../../platform/http/problem-response.js';
import type { TargetState } from './model/target-state.js';
import { createFleetStore, type FleetStore } from './store/fleet-store.js';
import type { FleetTables } from './store/fleet-tables.js';
import { createFleetHarness, FLEET_ADMIN, type FleetHarness } from './testing/fleet-harness.js';
import { testShiftRow } from './testing/shift-row.js';

/**
 * GET /api/fleet/shifts/:name/targets pages with a keyset cursor: every target
 * is seen exactly once, in the list's order, under every filter and page size,
 * with the filtered total on each page; a bad limit or cursor is a 400 naming it.
 */
const SHIFT = 'paging';
const TARGETS = 320;
const OWNERS = ['group:default/a', 'group:default/b', 'group:default/c'];

interface Listed {
  id: string;
  entityRef: string;
  owner?: string;
  state: TargetState;
  repository: string;
}
interface Page {
  items: Listed[];
  nextCursor?: string;
  total: number;
}

let h: FleetHarness;
let store: FleetStore;
let app: OpenAPIHono<AppEnv>;
let shiftId: string;

async function get(path: string): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const response = await app.request(`/api/fleet/shifts/${SHIFT}${path}`);
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: (await response.json()) as Record<string, unknown>,
  };
}

/** Reads every page under `query`, checking each page's size and total on the way. */
async function pageThrough(query: Record<string, string>, limit: number | undefined, expectedTotal: number) {
  const seen: Listed[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const params = new URLSearchParams({
      ...query,
      ...(limit !== undefined ? { limit: String(limit) } : {}),
      ...(cursor ? { cursor } : {}),
    });
    const { status, body } = await get(`/targets?${params}`);
    expect(status).toBe(200);
    const page = body as unknown as Page;
    expect(page.total).toBe(expectedTotal);
    cursor = page.nextCursor;
    // A page before the last is full; the last one has no cursor at all.
    if (cursor) expect(page.items).toHaveLength(limit ?? 200);
    else expect(Object.keys(page)).not.toContain('nextCursor');
    expect(page.items.length).toBeLessThanOrEqual(limit ?? 200);
    seen.push(...page.items);
    pages++;
    // A cursor that does not move on would page forever.
    if (pages > TARGETS + 1) throw new Error(`still paging after ${pages} pages of ${JSON.stringify(query)}`);
  } while (cursor);
  return { seen, pages };
}

beforeAll(async () => {
  h = await createFleetHarness({ size: 1 });
  store = createFleetStore(h.database);
  app = new OpenAPIHono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('actor', FLEET_ADMIN);
    await next();
  });
  app.onError((error, c) => problemResponse(c, error));
  h.fleet.registerRoutes(app);

  // A preview shift written straight to the store: no jobs are queued for it, so nothing moves but the test.
  const shift = testShiftRow(SHIFT, { owner_ref: OWNERS[0] as string, state: 'paused', preview: 1 });
  shiftId = shift.id;
  await store.insertShift(shift);
  // Refs of several kinds and shapes, inserted out of order, so the list order is the store's doing.
  const refs = Array.from({ length: TARGETS }, (_, i) => {
    const kind = i % 11 === 0 ? 'api' : 'component';
    const name = i % 13 === 0 ? `svc_${i}` : `svc-${(i * 7919) % 1000}-${i}`;
    return `${kind}:default/${name}`;
  });
  const ids = await store.addTargets(
    shiftId,
    refs.map((entityRef, i) => ({
      entityRef,
      repository: `https://git.example.com/org/${entityRef.split('/')[1]}.git`,
      ownerRef: OWNERS[i % OWNERS.length] as string,
      wave: 'main' as const,
      commitDate: shift.created_at,
    })),
  );
  expect(ids).toHaveLength(TARGETS);
  for (const [i, id] of ids.entries()) {
    if (i % 5 === 0) await store.transition(id, ['pending'], 'no-change');
    if (i % 5 === 1 || i % 5 === 2) await store.transition(id, ['pending'], 'planned');
    if (i % 5 === 2) await store.transition(id, ['planned'], 'published');
  }
});
afterAll(() => h?.dispose());

/** The whole list as one unpaged query gives it: the order the list had before it was paged. */
async function everyTarget(): Promise<Listed[]> {
  const rows = await (h.database.db as Kysely<FleetTables>)
    .selectFrom('fleet_targets')
    .select(['id', 'entity_ref', 'owner_ref', 'state', 'repository'])
    .where('shift_id', '=', shiftId)
    .orderBy('entity_ref')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    entityRef: r.entity_ref,
    state: r.state,
    repository: r.repository,
    ...(r.owner_ref ? { owner: r.owner_ref } : {}),
  }));
}

describe('the targets of a shift, page by page', () => {
  const FILTERS: { query: Record<string, string>; keep: (t: Listed) => boolean }[] = [
    { query: {}, keep: () => true },
    { query: { state: 'planned' }, keep: (t) => t.state === 'planned' },
    { query: { owner: 'group:default/b' }, keep: (t) => t.owner === 'group:default/b' },
    {
      query: { owner: 'GROUP:default/C', state: 'pending' },
      keep: (t) => t.owner === OWNERS[2] && t.state === 'pending',
    },
    { query: { q: 'SVC-1' }, keep: (t) => t.entityRef.includes('svc-1') },
    // `_` is a LIKE wildcard: it must match only itself.
    { query: { q: 'svc_' }, keep: (t) => t.entityRef.includes('svc_') },
    { query: { state: 'merged' }, keep: () => false },
  ];

  it('sees every target exactly once, in order, with the filtered total, under every filter and limit', async () => {
    const all = await everyTarget();
    expect(all).toHaveLength(TARGETS);
    for (const { query, keep } of FILTERS) {
      const expected = all.filter(keep).map((t) => t.id);
      if (Object.keys(query).length === 0) expect(expected).toHaveLength(TARGETS);
      for (const limit of [1, 7, 64, undefined, 1000]) {
        const { seen, pages } = await pageThrough(query, limit, expected.length);
        expect(
          seen.map((t) => t.id),
          `${JSON.stringify(query)} limit ${limit}`,
        ).toEqual(expected);
        expect(new Set(seen.map((t) => t.id)).size).toBe(seen.length);
        expect(pages).toBe(Math.max(1, Math.ceil(expected.length / (limit ?? 200))));
      }
    }
  });

  it('ends on a full last page without a cursor to an empty one', async () => {
    // 320 targets in pages of 64: five full pages, and the fifth says it is the last.
    const { pages } = await pageThrough({}, 64, TARGETS);
    expect(pages).toBe(5);
    const { pages: onePage } = await pageThrough({}, TARGETS, TARGETS);
    expect(onePage).toBe(1);
  });

  it('keeps its place while targets change state between pages', async () => {
    const expected = (await everyTarget()).map((t) => t.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const { body } = await get(`/targets?limit=50${cursor ? `&cursor=${cursor}` : ''}`);
      const page = body as unknown as Page;
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
      // Move targets on both sides of the cursor: the keyset order does not depend on state.
      const moving = [expected[round * 37], expected[TARGETS - 1 - round * 37]] as string[];
      for (const id of moving) await store.transition(id, ['pending', 'planned', 'no-change'], 'closed');
      round++;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('answers a bad limit or cursor with a 400 naming the field, and an unknown shift with a 404', async () => {
    for (const limit of ['0', '1001', 'ten', '2.5', '-3', '', '1e2']) {
      const { status, type, body } = await get(`/targets?limit=${encodeURIComponent(limit)}`);
      expect(status, `limit=${limit}`).toBe(400);
      expect(type).toContain('application/problem+json');
      expect(body.errors).toEqual([{ field: 'limit', message: 'a whole number from 1 to 1000' }]);
    }
    const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      'not a cursor',
      'bm90IGpzb24',
      base64url({ entityRef: 'x' }),
      base64url(['x']),
      base64url(['x', 7]),
      '+/+/',
    ]) {
      const { status, body } = await get(`/targets?cursor=${encodeURIComponent(cursor)}`);
      expect(status, `cursor=${cursor}`).toBe(400);
      expect((body.errors as { field: string }[]).map((e) => e.field)).toEqual(['cursor']);
    }
    const unknown = await app.request('/api/fleet/shifts/no-such-shift/targets');
    expect(unknown.status).toBe(404);
  });
});
