/**
 * Catalog queries against a running server holding the benchmark catalog
 * (100,000 entities): `serve` start-up time and memory, then by-name, by-query
 * (page of 100, one filter) and facets latency under a closed-loop load.
 * Baseline: the same load against /healthz (the HTTP floor of the stack).
 *
 *   npm run bench -- catalog-query             # SQLite and (if reachable) PostgreSQL
 *   npm run bench -- catalog-query --small     # about 5k entities, shorter runs
 *   npm run bench -- catalog-query --sqlite    # or --pg; --duration=10 --concurrency=8
 *   npm run bench -- catalog-query --concurrency=1,8 --load=wrk   # several loads; wrk as the client
 *   npm run bench -- catalog-query --entities=20000 --repos=5 --no-record
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { readArgs } from './support/args.js';
import { BENCH_ADMIN_TOKEN, ingestCatalog, startBackbeat } from './support/backbeat.js';
import { catalogCounts, ensureCatalogRepos, fixtureKey, OUT_DIR } from './support/catalog-fixture.js';
import { type LoadResult, runLoad } from './support/load.js';
import { machineLine } from './support/machine.js';
import { freshPostgresDatabase, PG_ADMIN_URL, postgresReachable } from './support/postgres.js';
import { report, type Table } from './support/results.js';
import { startServerProcess } from './support/server-process.js';
import { ms, ratio } from './support/stats.js';

const args = readArgs();
const small = args.has('small');
const entitiesArg = args.value('entities');
const counts = catalogCounts(small, entitiesArg === undefined ? undefined : Number(entitiesArg));
const repoCount = Number(args.value('repos') ?? 20);
const durationMs = Number(args.value('duration') ?? (small ? 3 : 10)) * 1000;
// One or more loads (`--concurrency=1,8`); each gets its own /healthz baseline in the same run.
const concurrencies = (args.value('concurrency') ?? '8').split(',').map(Number);
if (concurrencies.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('--concurrency takes positive integers');
// `fetch`: the in-process closed loop (undici); `wrk`: the C load generator, one thread, much lighter on the CPU
// it shares with the server.
const loader = args.value('load') ?? 'fetch';
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
if (loader !== 'fetch' && loader !== 'wrk') throw new Error('--load is fetch or wrk');
if (loader === 'wrk' && spawnSync('wrk', ['--version']).error) {
  throw new Error('wrk is not installed (Debian: apt-get install -y wrk)');
}

console.log(`Machine: ${machineLine()}`);
const fixture = await ensureCatalogRepos({ counts, repos: repoCount });
console.log(`Catalog: ${fixture.entityCount.toLocaleString('en-US')} entities in ${fixture.repos.length} repositories`);

// Names to ask for, read straight from the descriptor files: the first file of a
// repository holds groups, the last components, so every kind is asked for.
type Sampled = { kind: string; metadata: { name: string }; spec: { type?: string } };
const sample = fixture.repos
  .slice(0, 4)
  .flatMap((repo) =>
    [...new Set([repo.files[0]!, repo.files[repo.files.length - 1]!])].flatMap(
      (file) => yaml.loadAll(readFileSync(join(repo.path, file), 'utf8')) as Sampled[],
    ),
  );
const refs = sample.map((e) => `${e.kind.toLowerCase()}/default/${encodeURIComponent(e.metadata.name)}`);
// Squads own the catalog's components, APIs, resources and systems.
const squads = sample.filter((e) => e.kind === 'Group' && e.spec.type === 'squad').map((e) => e.metadata.name);
if (squads.length === 0) throw new Error('No squad found in the sampled descriptor files');
const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;

const engines: ('sqlite' | 'postgres')[] = [];
if (!args.has('pg')) engines.push('sqlite');
if (!args.has('sqlite')) {
  if (await postgresReachable()) engines.push('postgres');
  else if (args.has('pg')) throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}`);
  else console.log(`PostgreSQL not reachable at ${PG_ADMIN_URL}: SQLite only`);
}

interface EngineRun {
  engine: string;
  startupMs: number;
  rssAfterStart: number;
  rssAfterLoad: number;
  peak: number;
  via: string;
  loads: { concurrency: number; results: (LoadResult & { cpuMsPerRequest: number })[] }[];
}
const runs: EngineRun[] = [];

for (const engine of engines) {
  const key = fixtureKey(counts, fixture.repos.length, 1);
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  if (engine === 'sqlite') {
    // The ingested SQLite data dir is cached like the repositories.
    dataDir = join(OUT_DIR, `query-sqlite-${key}`);
    if (!existsSync(join(dataDir, 'ingested.json'))) {
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      console.log('sqlite: ingesting the catalog (cached for later runs)...');
      const backbeat = await startBackbeat({ dataDir });
      const result = await ingestCatalog(backbeat, fixture);
      await backbeat.close();
      writeFileSync(
        join(dataDir, 'ingested.json'),
        JSON.stringify({ entities: result.entities, ms: result.firstIngestMs }),
      );
    }
  } else {
    dataDir = join(OUT_DIR, `query-pg-${Date.now()}`);
    const db = await freshPostgresDatabase('query');
    databaseUrl = db.url;
    drop = async () => {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    console.log('postgres: ingesting the catalog into a fresh database...');
    const backbeat = await startBackbeat({ dataDir, databaseUrl });
    await ingestCatalog(backbeat, fixture);
    await backbeat.close();
  }

  console.log(`${engine}: starting the server...`);
  const server = await startServerProcess({
    BACKBEAT_DATA_DIR: dataDir,
    BACKBEAT_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
    ...(databaseUrl ? { BACKBEAT_DATABASE_URL: databaseUrl } : {}),
  });
  try {
    const afterStart = server.rssMiB();
    console.log(`  ready in ${ms(server.startupMs)}, RSS ${afterStart.rss.toFixed(0)} MiB (${server.via})`);
    const headers = { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` };
    const api = `${server.url}/api/catalog`;
    const scenarios: { name: string; url: () => string }[] = [
      { name: 'baseline: GET /healthz', url: () => `${server.url}/healthz` },
      { name: 'by-name', url: () => `${api}/entities/by-name/${pick(refs)}` },
      {
        name: 'by-query kind=component, page of 100',
        url: () => `${api}/entities/by-query?filter=kind=component&limit=100`,
      },
      {
        name: 'by-query spec.owner=<squad>, page of 100',
        url: () => `${api}/entities/by-query?filter=spec.owner=${encodeURIComponent(pick(squads))}&limit=100`,
      },
      {
        name: 'facets spec.type of components',
        url: () => `${api}/entity-facets?facet=spec.type&filter=kind=component`,
      },
      { name: 'facets kind + metadata.tags', url: () => `${api}/entity-facets?facet=kind&facet=metadata.tags` },
    ];
    // A scenario that matches nothing would measure an empty answer: check each once first.
    for (const scenario of scenarios.filter((s) => s.name.startsWith('by-query'))) {
      const response = await fetch(scenario.url(), { headers });
      const body = (await response.json()) as { items?: unknown[] };
      if (!response.ok || !body.items || body.items.length === 0) {
        throw new Error(
          `${scenario.name} answered ${response.status} with no items: the benchmark would measure nothing`,
        );
      }
    }
    const loads: EngineRun['loads'] = [];
    for (const concurrency of concurrencies) {
      const results: (LoadResult & { cpuMsPerRequest: number })[] = [];
      for (const scenario of scenarios) {
        // Warm up caches and JIT, then measure.
        await runLoad({ ...scenario, headers, concurrency: 2, durationMs: Math.min(1000, durationMs / 3) });
        const cpuBefore = cpuMs(server.pid);
        const result =
          loader === 'wrk'
            ? runWrk({ ...scenario, base: server.url, headers, concurrency, durationMs })
            : await runLoad({ ...scenario, headers, concurrency, durationMs });
        results.push({ ...result, cpuMsPerRequest: (cpuMs(server.pid) - cpuBefore) / Math.max(1, result.requests) });
        console.log(
          `  ${scenario.name} (${concurrency} clients): ${result.requests} requests, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}` +
            (result.failures > 0 ? `, ${result.failures} FAILED (${result.firstFailure})` : ''),
        );
      }
      loads.push({ concurrency, results });
    }
    const afterLoad = server.rssMiB();
    runs.push({
      engine,
      startupMs: server.startupMs,
      rssAfterStart: afterStart.rss,
      rssAfterLoad: afterLoad.rss,
      peak: afterLoad.peak,
      via: server.via,
      loads,
    });
  } finally {
    await server.stop();
    await drop?.();
  }
}

const tables: Table[] = [
  {
    title: `serve at ${fixture.entityCount.toLocaleString('en-US')} entities`,
    columns: ['engine', 'start-up to ready', 'RSS after start', 'RSS after load', 'peak RSS'],
    rows: runs.map((r) => [
      r.engine,
      ms(r.startupMs),
      `${r.rssAfterStart.toFixed(0)} MiB`,
      `${r.rssAfterLoad.toFixed(0)} MiB`,
      `${r.peak.toFixed(0)} MiB`,
    ]),
  },
  ...runs.flatMap((r) =>
    r.loads.map(({ concurrency, results }) => {
      const floor = results[0]!;
      return {
        title: `${r.engine}: latency, ${concurrency} concurrent client${concurrency === 1 ? '' : 's'} (${loader}), ${durationMs / 1000} s per row`,
        columns: ['request', 'requests/s', 'p50', 'p90', 'p99', 'p99 vs /healthz', 'server CPU / request', 'failed'],
        rows: results.map((l) => [
          l.name,
          l.rps.toFixed(0),
          ms(l.p50),
          ms(l.p90),
          ms(l.p99),
          l === floor ? '1.00×' : ratio(l.p99, floor.p99),
          ms(l.cpuMsPerRequest),
          String(l.failures),
        ]),
      };
    }),
  ),
];
report({
  record: !args.has('no-record'),
  name: `catalog-query${small ? ' (small)' : ''}`,
  command: args.command,
  tables,
  notes: [
    `Server started with: ${runs[0]?.via ?? 'n/a'}; the load generator runs in the same machine over loopback (${
      loader === 'wrk' ? 'wrk, one thread, each connection a closed loop' : 'fetch/undici in the benchmark process'
    }), so it and the server share the 2 cores.`,
    'by-name picks a random entity of the catalog per request; the owner filter picks a random squad (each owns a few dozen entities at 100k).',
    'Server CPU / request: user + system CPU time of the server process during the row, divided by its requests: what a request costs the server whatever else runs on the machine.',
  ],
});

/**
 * The same closed loop driven by `wrk` (one thread, `concurrency` connections),
 * each request's path drawn at random from 2,000 produced by `url()` up front.
 */
function runWrk(input: {
  name: string;
  url: () => string;
  base: string;
  headers: Record<string, string>;
  concurrency: number;
  durationMs: number;
}): LoadResult {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-wrk-'));
  try {
    const paths = Array.from({ length: 2000 }, () => input.url().slice(input.base.length));
    writeFileSync(join(dir, 'paths.txt'), `${paths.join('\n')}\n`);
    writeFileSync(
      join(dir, 'paths.lua'),
      [
        'local paths = {}',
        `for line in io.lines(${JSON.stringify(join(dir, 'paths.txt'))}) do paths[#paths + 1] = line end`,
        'request = function() return wrk.format("GET", paths[math.random(#paths)]) end',
        // Exact percentiles (microseconds) rather than the four wrk prints.
        'done = function(summary, latency, requests)',
        '  io.write(string.format("PERCENTILES %d %d %d %d\\n", latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))',
        'end',
      ].join('\n'),
    );
    const out = execFileSync(
      'wrk',
      [
        '-t1',
        `-c${input.concurrency}`,
        `-d${Math.round(input.durationMs / 1000)}s`,
        '--latency',
        '-s',
        join(dir, 'paths.lua'),
        ...Object.entries(input.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
        input.base,
      ],
      { encoding: 'utf8' },
    );
    const exact = /PERCENTILES (\d+) (\d+) (\d+) (\d+)/.exec(out);
    if (!exact) throw new Error(`wrk printed no percentiles:\n${out}`);
    const [p50, p90, p99, max] = exact.slice(1).map((v) => Number(v) / 1000) as [number, number, number, number];
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
    const failures =
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) +
      (/Socket errors: (.*)/.exec(out)?.[1] ?? '')
        .split(',')
        .reduce((n, part) => n + Number(/\d+/.exec(part)?.[0] ?? 0), 0);
    return {
      name: input.name,
      requests,
      failures,
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
      p50,
      p90,
      p99,
      max,
      ...(failures > 0 ? { firstFailure: out.slice(0, 400) } : {}),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** User + system CPU time a process has used so far, from /proc (Linux; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
}
