import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../platform/db/testing/test-database.js';
import { createInMemoryEventLog } from '../../../platform/events/in-memory-event-log.js';
import { createTestRepo, type TestRepo } from '../../../platform/git/testing/test-repo.js';
import { silentLogger } from '../../../platform/logging.js';
import { catalogMigrations, createCatalog } from '../index.js';
import { parseFilterParams } from '../query/entity-filter.js';
import { ADMIN, componentYaml, createRecordingQueue, groupYaml, userYaml } from '../testing/catalog-fixtures.js';
import { type CatalogReadStore, createCatalogReadStore } from './catalog-read-store.js';

/**
 * Entities as ingestion stores them go out as their stored text with relations
 * appended; these check that the answer is byte for byte what serialising the
 * parsed entities gives, which is what the API sent before and what clients parse.
 */
let database: TestDatabase;
let readStore: CatalogReadStore;
let repo: TestRepo;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrations: catalogMigrations });
  dataDir = mkdtempSync(join(tmpdir(), 'backbeat-entity-json-'));
  const catalog = createCatalog({
    database,
    queue: createRecordingQueue(),
    events: createInMemoryEventLog(),
    logger: silentLogger(),
    config: { dataDir, catalogRefreshIntervalSeconds: 300, readAllowList: { hosts: [], paths: [] } },
  });
  repo = await createTestRepo({
    'catalog-info.yaml': [
      groupYaml('team-a', { members: ['alice'] }),
      userYaml('alice', ['team-a']),
      componentYaml('web', { dependsOn: ['component:api'] }),
      componentYaml('api'),
      // A value spelled like the relations key (served the slow way), and text that needs escaping.
      `${componentYaml('odd')}  tags:\n    - relations\n`.replace(
        'description: The odd service',
        'description: "Quotes \\" and \\\\ backslash, 日本語"',
      ),
    ].join('---\n'),
  });
  const result = await catalog.service.registerLocation({ actor: ADMIN, type: 'git', target: repo.dir });
  expect(result.refresh?.errors).toBe(0);
  readStore = createCatalogReadStore({ database });
});

afterAll(async () => {
  await database.dispose();
  repo?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('entities as stored JSON text', () => {
  it('serves each entity by ref as the serialised parsed entity', async () => {
    for (const ref of [
      'group:default/team-a',
      'user:default/alice',
      'component:default/web',
      'component:default/odd',
    ]) {
      const text = await readStore.getEntityJsonByRef(ref);
      expect(text).toBe(JSON.stringify(await readStore.getEntityByRef(ref)));
      expect(JSON.parse(text ?? '{}').relations.length).toBeGreaterThan(0);
    }
    expect(await readStore.getEntityJsonByRef('component:default/missing')).toBeUndefined();
  });

  it('serves query pages, and the pages their cursors lead to, as the serialised result', async () => {
    const input = { filter: parseFilterParams(['kind=component']), limit: 2 };
    const first = await readStore.queryEntitiesJson(input);
    expect(first).toBe(JSON.stringify(await readStore.queryEntities(input)));
    const parsed = JSON.parse(first) as { items: { metadata: { name: string } }[]; pageInfo: { nextCursor?: string } };
    expect(parsed.items.map((e) => e.metadata.name)).toEqual(['api', 'odd']);
    const cursor = parsed.pageInfo.nextCursor;
    expect(cursor).toBeDefined();
    const second = await readStore.queryEntitiesJson({ cursor });
    expect(second).toBe(JSON.stringify(await readStore.queryEntities({ cursor })));
    expect(JSON.parse(second).items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['web']);
  });

  it('serves an empty page as the serialised empty result', async () => {
    const input = { filter: parseFilterParams(['kind=system']) };
    expect(await readStore.queryEntitiesJson(input)).toBe(JSON.stringify(await readStore.queryEntities(input)));
  });
});
