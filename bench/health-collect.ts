/**
 * Incremental fact collection: the repository and catalog collectors over a
 * generated fleet of bare git repositories, first with no mirrors (clone, list
 * the tree, read the manifests, store the facts), then again with no HEAD moved
 * (target: at least 20 times faster than the first). Baseline in the same run: a
 * raw git loop asking each repository for its HEAD with `git ls-remote`, what the
 * unchanged run would cost with one git process per repository.
 *
 *   npm run bench -- health-collect                      # 1,000 repositories of 50 files, SQLite
 *   npm run bench -- health-collect --repos 200 --no-record
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateLargeFleet } from '../packages/demo-fleet/src/index.js';
import type { CatalogReader, Entity } from '../packages/server/src/features/catalog/index.js';
import { createCatalogCollector } from '../packages/server/src/features/health/facts/catalog-collector.js';
import { collectFacts } from '../packages/server/src/features/health/facts/collect-facts.js';
import { createFactCollectorRegistry } from '../packages/server/src/features/health/facts/fact-collector.js';
import { createRepositoryCollector } from '../packages/server/src/features/health/facts/repository-collector.js';
import { healthMigrations } from '../packages/server/src/features/health/migrations.js';
import { createHealthStore } from '../packages/server/src/features/health/store/health-store.js';
import { openDatabase } from '../packages/server/src/platform/db/database.js';
import { migrateToLatest } from '../packages/server/src/platform/db/migrations.js';
import { silentLogger } from '../packages/server/src/platform/logging.js';
import { readArgs } from './support/args.js';
import { report } from './support/results.js';
import { ms, ratio } from './support/stats.js';

const exec = promisify(execFile);
const args = readArgs();
const repoCount = Number(args.value('repos') ?? 1000);
const filesPerRepo = Number(args.value('files') ?? 50);

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'backbeat-bench-health-collect-'));
  try {
    console.log(`generating ${repoCount} repositories of ${filesPerRepo} files; load ${loadavg()[0]!.toFixed(1)}`);
    const fleet = await generateLargeFleet({ dir: join(root, 'fleet'), count: repoCount, filesPerRepo });
    const entities: Entity[] = fleet.repos.map((repo) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: repo.name, namespace: 'default', annotations: { 'backbeat.dev/repository': repo.path } },
      spec: { type: 'service', lifecycle: 'production', owner: `group:default/${repo.owner}` },
    }));
    const catalog: CatalogReader = {
      findEntities: async () =>
        fleet.repos.map((r) => ({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: r.owner, namespace: 'default' },
        })),
      entitiesByRefs: async () => [],
    };
    const database = await openDatabase({ sqliteFile: join(root, 'bench.sqlite') });
    await migrateToLatest(database.db, healthMigrations);
    const store = createHealthStore(database);
    const registry = createFactCollectorRegistry();
    registry.register(createRepositoryCollector({ dataDir: join(root, 'data') }));
    registry.register(createCatalogCollector({ catalog }));
    const logger = silentLogger();

    let start = performance.now();
    const first = await collectFacts({ entities, registry, store, logger });
    const firstMs = performance.now() - start;
    if (first.errors.length > 0) throw new Error(JSON.stringify(first.errors.slice(0, 3)));
    start = performance.now();
    const second = await collectFacts({ entities, registry, store, logger });
    const secondMs = performance.now() - start;
    if (second.unchanged !== repoCount) throw new Error(`expected ${repoCount} unchanged, got ${second.unchanged}`);

    start = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < fleet.repos.length) {
          const repo = fleet.repos[next++]!;
          await exec('git', ['ls-remote', '--', repo.path, 'HEAD']);
        }
      }),
    );
    const lsRemoteMs = performance.now() - start;
    await database.close();

    report({
      name: 'health-collect',
      command: args.command,
      tables: [
        {
          title: `Facts for ${repoCount.toLocaleString('en-US')} repositories of ${filesPerRepo} files (SQLite)`,
          columns: ['run', 'time', 'per repository', 'first / this'],
          rows: [
            ['first collection (clone, read, store)', ms(firstMs), ms(firstMs / repoCount), '1.00×'],
            ['again, no HEAD moved', ms(secondMs), ms(secondMs / repoCount), ratio(firstMs, secondMs)],
            [
              'baseline: git ls-remote HEAD per repository',
              ms(lsRemoteMs),
              ms(lsRemoteMs / repoCount),
              ratio(firstMs, lsRemoteMs),
            ],
          ],
        },
      ],
      notes: [
        `Target: the unchanged run at least 20× faster than the first (${firstMs / secondMs >= 20 ? 'met' : 'NOT met'}).`,
        'Both runs use 4 entities at a time. The unchanged run reads each HEAD from the repository files (as `git ls-remote` would answer), compares it with the stored one and reads nothing else; the catalog collector runs in memory and writes nothing when its facts are equal.',
      ],
      record: !args.has('no-record'),
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
