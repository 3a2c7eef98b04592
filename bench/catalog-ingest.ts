/**
 * Catalog ingestion: first ingest of a 100,000-entity catalog from 20 git
 * repositories, then a no-change refresh and a one-file incremental refresh, on
 * SQLite and PostgreSQL. Baseline: a raw `git clone` + read of every descriptor file.
 *
 *   npm run bench -- catalog-ingest            # 100k entities, SQLite and (if reachable) PostgreSQL
 *   npm run bench -- catalog-ingest --small    # about 5k entities
 *   npm run bench -- catalog-ingest --sqlite   # or --pg: one engine only
 *   npm run bench -- catalog-ingest --entities=20000 --repos=5 --no-record
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mutateLargeCatalog } from '../packages/demo-fleet/src/index.js';
import { readArgs } from './support/args.js';
import { countEntities, ingestCatalog, refreshAll, startBackbeat } from './support/backbeat.js';
import { catalogCounts, ensureCatalogRepos } from './support/catalog-fixture.js';
import { measureGitFloor } from './support/git-floor.js';
import { machineLine } from './support/machine.js';
import { freshPostgresDatabase, PG_ADMIN_URL, postgresReachable } from './support/postgres.js';
import { report } from './support/results.js';
import { ms, perSecond, ratio } from './support/stats.js';

const args = readArgs();
const small = args.has('small');
const entitiesArg = args.value('entities');
const counts = catalogCounts(small, entitiesArg === undefined ? undefined : Number(entitiesArg));
const repoCount = Number(args.value('repos') ?? 20);

console.log(`Machine: ${machineLine()}`);
const fixture = await ensureCatalogRepos({ counts, repos: repoCount });
console.log(
  fixture.cached
    ? `Catalog: ${fixture.entityCount.toLocaleString('en-US')} entities in ${fixture.repos.length} repositories (cached)`
    : `Catalog: generated ${fixture.entityCount.toLocaleString('en-US')} entities in ${fixture.repos.length} repositories in ${ms(fixture.generationMs)}`,
);

const engines: ('sqlite' | 'postgres')[] = [];
if (!args.has('pg')) engines.push('sqlite');
if (!args.has('sqlite')) {
  if (await postgresReachable()) engines.push('postgres');
  else if (args.has('pg')) throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}`);
  else console.log(`PostgreSQL not reachable at ${PG_ADMIN_URL}: SQLite only`);
}

console.log('Baseline: git clone + read of every descriptor file...');
const floor = await measureGitFloor(fixture);
console.log(`  ${ms(floor.cloneAndReadMs)} (+ ${ms(floor.parseMs)} js-yaml parse of ${floor.documents} documents)`);

interface EngineResult {
  engine: string;
  firstMs: number;
  /** CPU time of this process (git runs in child processes, not counted) during the first ingest. */
  firstCpuMs: number;
  entities: number;
  errors: number;
  noChangeMs: number;
  noChangeStatuses: string;
  incrementalMs: number;
  incrementalEntities: number;
}
const results: EngineResult[] = [];

for (const engine of engines) {
  console.log(`\n${engine}: first ingest...`);
  const dataDir = mkdtempSync(join(tmpdir(), `backbeat-bench-${engine}-`));
  // Mutations must not touch the cached fixture: work on a copy of the repository that changes.
  const scratch = mkdtempSync(join(tmpdir(), 'backbeat-bench-repos-'));
  const repos = fixture.repos.map((r, i) => {
    if (i !== 0) return r;
    const path = join(scratch, 'mutable');
    cpSync(r.path, path, { recursive: true });
    return { ...r, path };
  });
  const pgDb = engine === 'postgres' ? await freshPostgresDatabase('ingest') : undefined;
  const backbeat = await startBackbeat({ dataDir, databaseUrl: pgDb?.url });
  try {
    const cpuBefore = process.cpuUsage();
    const first = await ingestCatalog(backbeat, { ...fixture, repos });
    // SQLite defers the WAL checkpoint of bulk writes until they settle: count it as part of the ingest.
    const checkpointStarted = performance.now();
    backbeat.database.sqlite?.pragma('wal_checkpoint(PASSIVE)');
    const checkpointMs = performance.now() - checkpointStarted;
    first.firstIngestMs += checkpointMs;
    const cpu = process.cpuUsage(cpuBefore);
    const firstCpuMs = (cpu.user + cpu.system) / 1000;
    if (backbeat.database.sqlite) console.log(`  deferred WAL checkpoint: ${ms(checkpointMs)} (included)`);
    console.log(
      `  ${first.entities} entities in ${ms(first.firstIngestMs)} (${perSecond(first.entities, first.firstIngestMs)})`,
    );
    if (first.entities !== fixture.entityCount) {
      console.warn(
        `  expected ${fixture.entityCount} entities, the catalog holds ${first.entities} (${first.errors} errors)`,
      );
    }
    const noChange = await refreshAll(backbeat, first.locations);
    console.log(`  no-change refresh of ${first.locations.length} locations: ${ms(noChange.ms)}`);

    const mutation = await mutateLargeCatalog({ repoPath: repos[0]!.path, files: 1, seed: 1 });
    const incremental = await refreshAll(backbeat, [first.locations[0]!]);
    const after = await countEntities(backbeat);
    console.log(
      `  incremental refresh (1 file, ${mutation.changedEntities} entities changed): ${ms(incremental.ms)}; ${after} entities`,
    );
    results.push({
      engine,
      firstMs: first.firstIngestMs,
      firstCpuMs,
      entities: first.entities,
      errors: first.errors,
      noChangeMs: noChange.ms,
      noChangeStatuses: summarize(noChange.statuses),
      incrementalMs: incremental.ms,
      incrementalEntities: mutation.changedEntities,
    });
  } finally {
    await backbeat.close();
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
}

function summarize(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

const entities = fixture.entityCount;
report({
  record: !args.has('no-record'),
  name: `catalog-ingest${small ? ' (small)' : ''}`,
  command: args.command,
  tables: [
    {
      title: `${entities.toLocaleString('en-US')} entities in ${fixture.repos.length} git repositories`,
      columns: [
        'engine',
        'first ingest',
        'entities/s',
        'process CPU',
        'vs git clone + read',
        'no-change refresh',
        'no-change / first',
        'one-file refresh',
      ],
      rows: [
        [
          'baseline: git clone + read',
          ms(floor.cloneAndReadMs),
          perSecond(entities, floor.cloneAndReadMs),
          '',
          '1.00×',
          '',
          '',
          '',
        ],
        [
          'baseline: + js-yaml parse',
          ms(floor.cloneAndReadMs + floor.parseMs),
          perSecond(entities, floor.cloneAndReadMs + floor.parseMs),
          '',
          ratio(floor.cloneAndReadMs + floor.parseMs, floor.cloneAndReadMs),
          '',
          '',
          '',
        ],
        ...results.map((r) => [
          r.engine + (r.entities !== entities ? ` (${r.entities} stored, ${r.errors} errors)` : ''),
          ms(r.firstMs),
          perSecond(r.entities, r.firstMs),
          `${ms(r.firstCpuMs)} (${perSecond(r.entities, r.firstCpuMs)} of CPU)`,
          ratio(r.firstMs, floor.cloneAndReadMs),
          `${ms(r.noChangeMs)} (${r.noChangeStatuses})`,
          `${((r.noChangeMs / r.firstMs) * 100).toFixed(2)} %`,
          `${ms(r.incrementalMs)} (${r.incrementalEntities} entities)`,
        ]),
      ],
    },
  ],
  notes: [
    'First ingest = registering every repository as a git location (each registration clones a mirror and reads, validates, relates and stores its entities), one after the other; on SQLite it includes the WAL checkpoint that bulk writes defer until they settle.',
    'Process CPU = user + system CPU time of the benchmark process (which runs Backbeat in-process) during the first ingest: on a busy machine the wall-clock figure drops while this one barely moves. PostgreSQL works in its own processes, not counted here.',
    'No-change refresh = refreshing every location again with nothing changed; one-file refresh = one descriptor file changed and committed in one repository, then that location refreshed.',
  ],
});
