import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { togglesMigrations } from '../migrations.js';
import { createChangeFeed } from '../service/change-feed.js';
import { createTogglesService } from '../service/toggles-service.js';
import { createTogglesStore } from './toggles-store.js';

const noMembership = { groupsOf: async () => [] };

describe('toggles store', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase({ migrations: togglesMigrations });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it('bumps the revision once per transaction and not when it fails', async () => {
    const store = createTogglesStore(database);
    const start = await store.revision();
    const at = new Date().toISOString();
    const { revision } = await store.transaction((tx) =>
      tx.insertProject({
        key: 'p1',
        name: 'P1',
        description: null,
        entityRef: null,
        ownerRef: null,
        createdAt: at,
        updatedAt: at,
      }),
    );
    expect(revision).toBe(start + 1);
    await expect(
      store.transaction(async (tx) => {
        await tx.insertProject({
          key: 'p2',
          name: 'P2',
          description: null,
          entityRef: null,
          ownerRef: null,
          createdAt: at,
          updatedAt: at,
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.revision()).toBe(start + 1);
    expect(await store.getProject('p2')).toBeUndefined();
  });

  it('adds metric counts up per flag, environment, app and hour', async () => {
    const store = createTogglesStore(database);
    const bucket = {
      project: 'p1',
      environment: 'production',
      appName: 'web',
      hour: '2026-01-01T10:00:00.000Z',
      toggles: { a: { yes: 3, no: 1, variants: { blue: 2 } } },
    };
    await store.addMetrics(bucket);
    await store.addMetrics({ ...bucket, toggles: { a: { yes: 2, no: 0, variants: { blue: 1, red: 4 } } } });
    await store.addMetrics({ ...bucket, hour: '2026-01-01T11:00:00.000Z' });
    const rows = await store.metrics({ project: 'p1', flag: 'a' });
    expect(rows).toEqual([
      {
        flag: 'a',
        environment: 'production',
        appName: 'web',
        hour: '2026-01-01T10:00:00.000Z',
        yes: 5,
        no: 1,
        variants: { blue: 3, red: 4 },
      },
      {
        flag: 'a',
        environment: 'production',
        appName: 'web',
        hour: '2026-01-01T11:00:00.000Z',
        yes: 3,
        no: 1,
        variants: { blue: 2 },
      },
    ]);
    expect(await store.metrics({ project: 'p1', since: '2026-01-01T11:00:00.000Z' })).toHaveLength(1);
  });

  it('gives segments increasing integer ids', async () => {
    const store = createTogglesStore(database);
    const at = new Date().toISOString();
    const first = await store.insertSegment({
      project: 'p1',
      name: 's1',
      description: null,
      constraints: [],
      createdAt: at,
      updatedAt: at,
    });
    const second = await store.insertSegment({
      project: 'p1',
      name: 's2',
      description: null,
      constraints: [],
      createdAt: at,
      updatedAt: at,
    });
    expect(second).toBe(first + 1);
    expect((await store.listSegments('p1')).map((s) => s.name)).toEqual(['s1', 's2']);
  });

  it('gives concurrently created segments distinct ids', async () => {
    const service = createTogglesService({
      store: createTogglesStore(database),
      events: createInMemoryEventLog(),
      membership: noMembership,
    });
    await service.createProject(SYSTEM_ACTOR, { key: 'busy', name: 'Busy' });
    const created = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        service.createSegment(SYSTEM_ACTOR, 'busy', { name: `s${i}`, constraints: [] }),
      ),
    );
    expect(new Set(created.map((s) => s.id)).size).toBe(6);
  });

  it('tells streaming listeners about changes made by another process sharing the database', async () => {
    // Two service instances on one database stand for two server processes.
    const listening = createTogglesStore(database);
    const feed = createChangeFeed({ store: listening, pollIntervalMs: 20 });
    const other = createTogglesService({
      store: createTogglesStore(database),
      events: createInMemoryEventLog(),
      membership: noMembership,
    });
    const heard = new Promise<number>((resolve) => {
      const unsubscribe = feed.subscribe((revision) => {
        unsubscribe();
        resolve(revision);
      });
    });
    // Let the feed read the current revision before the change.
    await new Promise((resolve) => setTimeout(resolve, 60));
    await other.createProject(SYSTEM_ACTOR, { key: 'from-elsewhere', name: 'Elsewhere' });
    expect(await heard).toBe(await listening.revision());
    feed.close();
  });
});
