/**
 * Fleet Shift throughput: a log-lib bump across a generated fleet of Node service
 * repositories with the embedded git provider (plan, publish, merge), timed from
 * apply until every target is merged, cold (no mirrors) and warm (mirrors kept).
 * Baseline: a plain script running the same git steps (clone, edit, commit, push to
 * main: Backbeat merges a change with nothing to wait for in one push, without a
 * branch) at the same concurrency, in the same run. Then the state's
 * memory: RSS of a fresh process holding 1,000 and 10,000 planned targets.
 *
 *   npm run bench -- fleet-shift                        # 1,000 repositories of 300 files, concurrency 4
 *   npm run bench -- fleet-shift --repos 50 --no-record # a quick check
 *   npm run bench -- fleet-shift --concurrency 2 --files 100
 *   npm run bench -- fleet-shift --baseline-only        # the plain git script only
 *   npm run bench -- fleet-shift --no-memory            # or --memory-only
 *   npm run bench -- fleet-shift --file-url             # file:// URLs: git's transport instead of local hard links
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { devNull, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateLargeFleet, type LargeFleet, resetLargeFleet } from '../packages/demo-fleet/src/index.js';
import { readArgs } from './support/args.js';
import { machineLine } from './support/machine.js';
import { report, type Table } from './support/results.js';
import { ms, ratio } from './support/stats.js';

const exec = promisify(execFile);
const args = readArgs();
const ENGINE_COMPONENTS = ['plan', 'publish', 'check', 'merge'] as const;

const repoCount = Number(args.value('repos') ?? 1000);
const filesPerRepo = Number(args.value('files') ?? 300);
const concurrency = Number(args.value('concurrency') ?? 4);
const targetCounts = (args.value('targets') ?? '1000,10000').split(',').map(Number);
for (const [flag, value] of [
  ['--repos', repoCount],
  ['--files', filesPerRepo],
  ['--concurrency', concurrency],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag} must be a positive integer, got ${value}`);
}
const memoryOnly = args.has('memory-only');
const baselineOnly = args.has('baseline-only');
/** `--file-url`: address the repositories as file:// URLs, so git runs its transport (no hard-linked local clones). */
const fileUrl = args.has('file-url');
const remote = (path: string) => (fileUrl ? `file://${path}` : path);
const load1 = () => loadavg()[0]!.toFixed(1);

// ---- throughput ---------------------------------------------------------------

async function throughput(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'backbeat-bench-fleet-'));
  // An interrupted run must not leave a thousand repositories behind.
  const cleanUp = () => {
    rmSync(root, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', cleanUp).once('SIGTERM', cleanUp);
  try {
    const started = performance.now();
    const fleet = await generateLargeFleet({ dir: join(root, 'fleet'), count: repoCount, filesPerRepo, seed: 1 });
    console.log(
      `Fleet: ${repoCount} repositories of ${filesPerRepo} files generated in ${ms(performance.now() - started)}`,
    );

    console.log(`Baseline: clone, edit, commit, push main; ${concurrency} at a time...`);
    const baseline = await plainGitScript(fleet, join(root, 'baseline'));
    console.log(`  ${ms(baseline.ms)} (${perMinute(repoCount, baseline.ms)}), ${baseline.failed} failed`);
    resetLargeFleet(fleet);

    const rows: string[][] = [
      [
        'baseline: plain git script',
        ms(baseline.ms),
        perMinute(repoCount, baseline.ms),
        '1.00×',
        '',
        baseline.load,
        `${repoCount - baseline.failed} merged${baseline.failed ? `, ${baseline.failed} failed` : ''}`,
      ],
    ];
    let engine: EngineResult | undefined;
    if (!baselineOnly) {
      engine = await runEngine(fleet, join(root, 'backbeat'));
      rows.push(
        [
          'Backbeat, cold (no mirrors)',
          ms(engine.cold.ms),
          perMinute(repoCount, engine.cold.ms),
          ratio(baseline.ms, engine.cold.ms),
          '',
          engine.cold.load,
          describeTotals(engine.cold.totals),
        ],
        [
          'Backbeat, warm (mirrors kept)',
          ms(engine.warm.ms),
          perMinute(repoCount, engine.warm.ms),
          ratio(baseline.ms, engine.warm.ms),
          ratio(engine.cold.ms, engine.warm.ms),
          engine.warm.load,
          describeTotals(engine.warm.totals),
        ],
      );
      const coldRatio = baseline.ms / engine.cold.ms;
      const coldPerMinute = (repoCount / engine.cold.ms) * 60_000;
      const warmRatio = engine.cold.ms / engine.warm.ms;
      targetRows.push(
        ['cold shift ≥ 0.7× the plain git script', `${coldRatio.toFixed(2)}×`, coldRatio >= 0.7 ? 'yes' : 'no'],
        ['cold shift ≥ 150 repositories/min', `${Math.round(coldPerMinute)}/min`, coldPerMinute >= 150 ? 'yes' : 'no'],
        ['warm shift ≥ 2× faster than cold', `${warmRatio.toFixed(2)}×`, warmRatio >= 2 ? 'yes' : 'no'],
      );
      tables.push(...engine.profileTables);
      notes.push(
        `Backbeat: \`createBackbeat\` in-process on SQLite with jobConcurrency ${concurrency}; every repository registered as a git location (not timed), then \`<dataDir>/mirrors\` deleted; timed from \`shifts.apply\` until every target is settled. Spec: bump-dependency of log-lib to 2.17.1, automerge on, requireChecks false, no canary, no publish rate; the repositories declare no checks.`,
        'Warm: the fleet reset to its generated commits, then a second shift with the same steps while the mirrors from the first are kept.',
      );
    }
    tables.unshift({
      title: `${repoCount.toLocaleString('en-US')} repositories of ${filesPerRepo} files, log-lib bump, concurrency ${concurrency}, SQLite${fileUrl ? ', file:// URLs' : ''}`,
      columns: ['run', 'time', 'repos/min', 'throughput vs baseline', 'cold / warm', 'load at end', 'outcome'],
      rows,
    });
    notes.push(
      `Baseline: per repository \`git clone\` of the local bare repository, the same edit of package.json and package-lock.json, \`git commit -a\`, \`git push\` to main (as Backbeat's one push when nothing waits for the merge); ${concurrency} repositories at a time (${BASELINE_GIT_PER_REPO} git processes each).`,
      fileUrl
        ? 'Repositories are bare, on the same disk, addressed as file:// URLs: clones and fetches run the git transport (pack-objects), as against a remote, in both the baseline and the mirrors.'
        : 'Repositories are bare, on the same disk, cloned through local paths (git hard-links objects for local clones, in both the baseline and the mirrors): a cold mirror costs little more than a fetch.',
      'Load at end: the one-minute load average when the run finished; the machine is shared, so runs under a higher load are slower.',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const BASELINE_GIT_PER_REPO = 4;
const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_GLOBAL: devNull,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
};

/** The same bump the shift's bump-dependency step makes: range operator kept, lock entry re-pointed. */
function bumpLogLib(dir: string): void {
  const pkgPath = join(dir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { dependencies: Record<string, string> };
  const range = pkg.dependencies['log-lib'] ?? '';
  pkg.dependencies['log-lib'] = `${/^[\^~]/.test(range) ? range[0] : ''}2.17.1`;
  writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
  const lockPath = join(dir, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as {
    packages: Record<string, { version?: string; resolved?: string; integrity?: string; dependencies?: object }>;
  };
  const entry = lock.packages['node_modules/log-lib'];
  if (entry) {
    entry.version = '2.17.1';
    delete entry.resolved;
    delete entry.integrity;
  }
  const rootDeps = lock.packages['']?.dependencies as Record<string, string> | undefined;
  if (rootDeps?.['log-lib']) rootDeps['log-lib'] = pkg.dependencies['log-lib'];
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}

async function plainGitScript(
  fleet: LargeFleet,
  workRoot: string,
): Promise<{ ms: number; failed: number; load: string }> {
  mkdirSync(workRoot, { recursive: true });
  const git = (cwd: string, ...gitArgs: string[]) =>
    exec('git', ['-c', `core.hooksPath=${devNull}`, ...gitArgs], { cwd, env: GIT_ENV });
  let failed = 0;
  const started = performance.now();
  await mapWithConcurrency(fleet.repos, concurrency, async (repo, i) => {
    const dir = join(workRoot, String(i));
    try {
      await git(workRoot, 'clone', '--quiet', remote(repo.path), dir);
      bumpLogLib(dir);
      await git(dir, 'commit', '--quiet', '--no-verify', '-am', `Upgrade log-lib to 2.17.1 in ${repo.name}`);
      await git(dir, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    } catch (error) {
      failed++;
      if (failed <= 3) console.warn(`  ${repo.name}: ${(error as Error).message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return { ms: performance.now() - started, failed, load: load1() };
}

// ---- Backbeat -------------------------------------------------------------------

interface ShiftRun {
  ms: number;
  /** One-minute load average when the run ended. */
  load: string;
  /** True when the run stopped waiting because nothing moved. */
  stalled: boolean;
  totals: Record<string, number>;
  /** Seconds from apply until the last target reached each state. */
  lastAt: Record<string, number>;
}

interface EngineResult {
  cold: ShiftRun;
  warm: ShiftRun;
  profileTables: Table[];
}

/** Which queue job (plan, publish, ...) the code running now belongs to, for the git process accounting. */
const currentJob = new AsyncLocalStorage<string>();

interface ProcessStat {
  count: number;
  ms: number;
}
type Profile = Map<string, { jobs: number; jobMs: number; git: Map<string, ProcessStat> }>;
let profile: Profile = new Map();

function phaseOf(name: string) {
  let phase = profile.get(name);
  if (!phase) {
    phase = { jobs: 0, jobMs: 0, git: new Map() };
    profile.set(name, phase);
  }
  return phase;
}

/** The git subcommand of an argument list: the first word that is not an option or an option's value. */
function gitSubcommand(gitArgs: readonly string[]): string {
  for (let i = 0; i < gitArgs.length; i++) {
    const a = gitArgs[i]!;
    if (a === '-c' || a === '-C' || a === '--git-dir' || a === '--work-tree') i++;
    else if (!a.startsWith('-')) return a;
  }
  return '?';
}

/** Adds one git process of `sub`, which ran `ms`, to the figures of `job`. */
function countGit(job: string | undefined, sub: string, ms: number): void {
  const phase = phaseOf(job ?? 'outside jobs');
  const stat = phase.git.get(sub) ?? { count: 0, ms: 0 };
  stat.count++;
  stat.ms += ms;
  phase.git.set(sub, stat);
}

/**
 * Counts every git process the engine starts, and the time until it exits, per
 * queue job: those run through the process helper by its observer, and those
 * started directly (`cat-file --batch`) by wrapping `node:child_process`'s spawn,
 * re-synced into ES modules.
 */
async function countGitProcesses(): Promise<void> {
  const { observeHelperProcesses } = await import('../packages/server/src/platform/git/spawn-helper.js');
  observeHelperProcesses((request, _outcome, ms) => {
    if (request.command === 'git') countGit(currentJob.getStore(), gitSubcommand(request.args), ms);
  });
  const cp = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
  const original = cp.spawn;
  const wrapped = ((command: string, ...rest: unknown[]) => {
    // biome-ignore lint/suspicious/noExplicitAny: forwards spawn's overloads unchanged.
    const child = (original as any)(command, ...rest) as ChildProcess;
    if (command === 'git') {
      const sub = gitSubcommand(Array.isArray(rest[0]) ? (rest[0] as string[]) : []);
      const job = currentJob.getStore();
      const t = performance.now();
      child.once('close', () => countGit(job, sub, performance.now() - t));
    }
    return child;
  }) as typeof cp.spawn;
  cp.spawn = wrapped;
  syncBuiltinESMExports();
}

type Handler = (payload: unknown, context: unknown) => Promise<void>;

/** Wraps the queue's job handlers so their run time and their git processes are counted per job. */
function timeJobs(queue: object): boolean {
  const handlers = (queue as { handlers?: Map<string, Handler> }).handlers;
  if (!(handlers instanceof Map)) return false;
  for (const [name, handler] of handlers) {
    const short = name.replace(/^fleet\./, '').replace(/-target$/, '');
    handlers.set(name, (payload, context) => {
      const t = performance.now();
      return currentJob
        .run(short, () => handler(payload, context))
        .finally(() => {
          const phase = phaseOf(short);
          phase.jobs++;
          phase.jobMs += performance.now() - t;
        });
    });
  }
  return true;
}

async function runEngine(fleet: LargeFleet, dataDir: string): Promise<EngineResult> {
  const { createBackbeat } = await import('../packages/server/src/main.js');
  const { loadConfig } = await import('../packages/server/src/platform/config.js');
  const { createLogger } = await import('../packages/server/src/platform/logging.js');
  const { SYSTEM_ACTOR } = await import('../packages/server/src/platform/auth/actor.js');
  await countGitProcesses();
  const config = loadConfig({
    env: {},
    overrides: {
      dataDir,
      adminToken: 'bench-admin-token-000000000000',
      logLevel: 'warn',
      runWorker: false,
      jobConcurrency: concurrency,
      catalogRefreshIntervalSeconds: 86_400,
      port: 0,
      host: '127.0.0.1',
    },
  });
  const backbeat = await createBackbeat({ config, logger: createLogger({ level: 'warn' }), mode: 'serve' });
  try {
    console.log('Backbeat: registering the fleet in the catalog (not timed)...');
    const registered = performance.now();
    await backbeat.catalog.service.registerLocation({
      actor: SYSTEM_ACTOR,
      type: 'git',
      target: remote(fleet.orgRepo),
      options: { path: 'groups.yaml' },
    });
    await mapWithConcurrency(fleet.repos, concurrency, (repo) =>
      backbeat.catalog.service.registerLocation({
        actor: SYSTEM_ACTOR,
        type: 'git',
        target: remote(repo.path),
        options: { path: 'catalog-info.yaml' },
      }),
    );
    console.log(`  ${fleet.repos.length + 1} locations in ${ms(performance.now() - registered)}`);
    const profiled = timeJobs(backbeat.queue);
    if (!profiled) notes.push('The queue adapter exposes no handler map: no per-job profile.');
    await backbeat.startWorker();
    // Registering queued other features' work (tech health collects facts from every new
    // component): let it finish first, so the shifts have the machine to themselves.
    const settling = performance.now();
    await untilQueueIdle(backbeat);
    console.log(`  other features' jobs after registration done in ${ms(performance.now() - settling)} (not timed)`);
    rmSync(join(dataDir, 'mirrors'), { recursive: true, force: true });

    profile = new Map();
    console.log('Cold shift (no mirrors)...');
    const cold = await timeShift(backbeat, 'bench-bump-log-lib-cold', SYSTEM_ACTOR);
    const coldProfile = profile;
    console.log(`  ${ms(cold.ms)} (${perMinute(fleet.repos.length, cold.ms)}): ${describeTotals(cold.totals)}`);

    if (cold.stalled) throw new Error(`The cold shift stalled at ${describeTotals(cold.totals)}`);
    resetLargeFleet(fleet);
    profile = new Map();
    console.log('Warm shift (mirrors kept)...');
    const warm = await timeShift(backbeat, 'bench-bump-log-lib-warm', SYSTEM_ACTOR);
    const warmProfile = profile;
    console.log(`  ${ms(warm.ms)} (${perMinute(fleet.repos.length, warm.ms)}): ${describeTotals(warm.totals)}`);

    return {
      cold,
      warm,
      profileTables: [
        profileTable('cold', coldProfile, cold, fleet.repos.length),
        profileTable('warm', warmProfile, warm, fleet.repos.length),
      ],
    };
  } finally {
    await backbeat.close();
  }
}

/** Waits until no job is running or due (jobs scheduled for later, like hourly collections, do not count). */
async function untilQueueIdle(
  backbeat: Awaited<ReturnType<typeof import('../packages/server/src/main.js').createBackbeat>>,
): Promise<void> {
  const { sql } = await import('kysely');
  for (;;) {
    const { rows } = await sql<{ busy: number }>`
      select count(*) as busy from backbeat_jobs
      where state = 'running' or (state = 'waiting' and run_at <= ${new Date().toISOString()})`.execute(
      backbeat.database.db,
    );
    if (Number(rows[0]?.busy ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function shiftYaml(name: string): string {
  return `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: ${name}
  description: Benchmark - upgrade log-lib to 2.17.1 in every Node service.
  owner: group:default/developer-experience-squad
spec:
  targets:
    filter:
      kind: [component]
      type: [service]
      tag: [node]
    dependency:
      name: log-lib
      below: 2.17.1
  steps:
    - type: bump-dependency
      dependency: log-lib
      to: 2.17.1
  change:
    title: "Upgrade log-lib to 2.17.1 in {{ entity.metadata.name }}"
    branch: backbeat/bump-log-lib
  rollout:
    concurrency: ${concurrency}
  automerge:
    enabled: true
    requireChecks: false
    method: squash
`;
}

const SETTLED = new Set(['no-change', 'plan-failed', 'checks-failed', 'merged', 'closed', 'failed']);
/** A shift in which no target changes state for this long is reported as stuck rather than waited for. */
const STALL_MS = 5 * 60_000;

async function timeShift(
  backbeat: Awaited<ReturnType<typeof import('../packages/server/src/main.js').createBackbeat>>,
  name: string,
  actor: import('../packages/server/src/platform/auth/actor.js').Actor,
): Promise<ShiftRun> {
  const { sql } = await import('kysely');
  const shifts = backbeat.fleet.shifts;
  const started = performance.now();
  const startedAt = Date.now();
  await shifts.apply(actor, { yaml: shiftYaml(name) });
  let totals: Record<string, number> = {};
  let seen = '';
  let lastProgress = performance.now();
  let lastPrint = performance.now();
  let stalled = false;
  for (;;) {
    const summary = (await shifts.list()).find((s) => s.name === name);
    totals = Object.fromEntries(Object.entries(summary?.totals ?? {}).map(([k, v]) => [k, v ?? 0]));
    const all = Object.values(totals).reduce((a, b) => a + b, 0);
    const done = Object.entries(totals).reduce((sum, [state, n]) => sum + (SETTLED.has(state) ? n : 0), 0);
    if (all > 0 && done === all) break;
    const signature = JSON.stringify(totals);
    if (signature !== seen) {
      seen = signature;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > STALL_MS) {
      stalled = true;
      notes.push(
        `${name}: no target changed state for ${STALL_MS / 60_000} minutes; stopped waiting at ${describeTotals(totals)}.`,
      );
      break;
    }
    if (performance.now() - lastPrint > 15_000) {
      lastPrint = performance.now();
      console.log(`  ${ms(performance.now() - started)}: ${describeTotals(totals)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const elapsed = performance.now() - started;
  const shift = (await shifts.list()).find((s) => s.name === name);
  const rows = await sql<{ to_state: string; last: string }>`
    select t.to_state, max(t.at) as last from fleet_transitions t
    join fleet_shifts s on s.id = t.shift_id where s.name = ${name} group by t.to_state`.execute(backbeat.database.db);
  const lastAt = Object.fromEntries(rows.rows.map((r) => [r.to_state, (Date.parse(r.last) - startedAt) / 1000]));
  // Merge jobs delete their branch after recording the merge: let them finish before the next run.
  const drainStarted = performance.now();
  while (!stalled && (await backbeat.queue.stats()).running > 0 && performance.now() - drainStarted < 60_000) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    ms: elapsed,
    load: load1(),
    stalled,
    totals: shift ? (shift.totals as Record<string, number>) : totals,
    lastAt,
  };
}

function profileTable(label: string, data: Profile, run: ShiftRun, repos: number): Table {
  const order = [
    ...ENGINE_COMPONENTS,
    ...[...data.keys()].filter((k) => !(ENGINE_COMPONENTS as readonly string[]).includes(k)),
  ];
  const rows: string[][] = [];
  for (const name of order) {
    const phase = data.get(name);
    if (!phase) continue;
    const git = [...phase.git].sort(([, a], [, b]) => b.ms - a.ms);
    const processes = git.reduce((s, [, g]) => s + g.count, 0);
    const gitMs = git.reduce((s, [, g]) => s + g.ms, 0);
    rows.push([
      name,
      String(phase.jobs),
      phase.jobs ? ms(phase.jobMs / phase.jobs) : '',
      (processes / repos).toFixed(1),
      ms(gitMs / repos),
      git.map(([sub, g]) => `${sub} ${(g.count / repos).toFixed(1)}×${ms(g.ms / g.count)}`).join(', '),
    ]);
  }
  const last = ['planned', 'published', 'merged']
    .filter((s) => run.lastAt[s] !== undefined)
    .map((s) => `${s} ${run.lastAt[s]!.toFixed(1)} s`)
    .join(', ');
  return {
    title: `Backbeat ${label}: where the time goes per job (last target ${last || 'n/a'} after apply)`,
    columns: [
      'job',
      'jobs',
      'mean job time',
      'git processes / repo',
      'git time / repo',
      'top git commands (per repo × mean)',
    ],
    rows,
  };
}

function describeTotals(totals: Record<string, number>): string {
  return (
    Object.entries(totals)
      .filter(([, n]) => n > 0)
      .sort(([, a], [, b]) => b - a)
      .map(([state, n]) => `${n} ${state}`)
      .join(', ') || 'no targets'
  );
}

function perMinute(count: number, elapsedMs: number): string {
  return `${Math.round((count / elapsedMs) * 60_000).toLocaleString('en-US')}/min`;
}

async function mapWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// ---- memory ---------------------------------------------------------------------

interface MemoryPoint {
  targets: number;
  rssAfterInsertMiB: number;
  heapAfterInsertMiB: number;
  listRows: number;
  rssAfterListMiB: number;
  heapAfterListMiB: number;
  rssAfterDetailMiB: number;
  heapAfterDetailMiB: number;
  listMs: number;
  detailMs: number;
}

/** Runs the memory measurement in a fresh `node --expose-gc` process, so nothing of the throughput run counts. */
async function memory(): Promise<void> {
  console.log(`\nMemory: ${targetCounts.join(' then ')} planned targets in a fresh process...`);
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--memory-child',
      `--targets=${targetCounts.join(',')}`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: process.env },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const line = out.split('\n').find((l) => l.startsWith('MEMORY '));
  if (code !== 0 || !line) throw new Error(`The memory run failed (exit ${code}):\n${out}`);
  const result = JSON.parse(line.slice('MEMORY '.length)) as { startMiB: number; points: MemoryPoint[] };
  const mib = (n: number) => `${n.toFixed(0)} MiB`;
  tables.push({
    title: 'State memory: a fresh process, planned targets in SQLite (RSS after a full GC)',
    columns: [
      'planned targets',
      'RSS after insert',
      'heap after insert',
      'targets() list: rows, time',
      'RSS / heap with list held',
      'detail(): time',
      'RSS / heap after detail',
    ],
    rows: [
      ['none (started)', mib(result.startMiB), '', '', '', '', ''],
      ...result.points.map((p) => [
        p.targets.toLocaleString('en-US'),
        mib(p.rssAfterInsertMiB),
        mib(p.heapAfterInsertMiB),
        `${p.listRows.toLocaleString('en-US')} rows, ${ms(p.listMs)}`,
        `${mib(p.rssAfterListMiB)} / ${mib(p.heapAfterListMiB)}`,
        ms(p.detailMs),
        `${mib(p.rssAfterDetailMiB)} / ${mib(p.heapAfterDetailMiB)}`,
      ]),
    ],
  });
  const first = result.points[0];
  const last = result.points[result.points.length - 1];
  if (first && last && first !== last) {
    const growth = last.rssAfterInsertMiB - first.rssAfterInsertMiB;
    targetRows.push([
      `state RSS flat from ${first.targets.toLocaleString('en-US')} to ${last.targets.toLocaleString('en-US')} targets (after insert, GC)`,
      `${growth >= 0 ? '+' : ''}${growth.toFixed(0)} MiB`,
      growth < 20 ? 'yes' : 'no',
    ]);
    const listGrowth = last.rssAfterListMiB - first.rssAfterListMiB;
    targetRows.push([
      'list and detail hold only the rows they return',
      `list returns ${last.listRows.toLocaleString('en-US')} rows; RSS with it held +${listGrowth.toFixed(0)} MiB over ${first.targets.toLocaleString('en-US')}`,
      last.listRows <= 1000 ? 'yes' : 'no: the list is not paged',
    ]);
  }
  notes.push(
    'Memory: one fresh `node --expose-gc` process on a temporary SQLite file; targets inserted through the fleet store (`addTargets`, then `transition` to planned with a two-file diff of about 1 KB each); RSS and heap read after `gc()`; list = `shifts.targets(name)`, detail = `shifts.detail(name)`.',
  );
}

const SAMPLE_DIFF = `diff --git a/package-lock.json b/package-lock.json
index 3f2a9c1..8b1e0d4 100644
--- a/package-lock.json
+++ b/package-lock.json
@@ -28,9 +28,7 @@
     },
     "node_modules/log-lib": {
-      "version": "2.14.1",
-      "resolved": "https://registry.npmjs.org/log-lib/-/log-lib-2.14.1.tgz",
-      "integrity": "sha512-2b1cY0lV0bJm8pqQ4k5Xo3n6rQ2fWQ9x0a7s3m1pZK4dT6uQe8yV5cH2jN1rL7gA0bF3wE9sD4kP6vM8nQ1xZ2==",
+      "version": "2.17.1",
       "license": "MIT"
     },
diff --git a/package.json b/package.json
index 71c2d0e..b9a4e33 100644
--- a/package.json
+++ b/package.json
@@ -14,7 +14,7 @@
   "dependencies": {
     "date-fns": "^3.6.0",
-    "log-lib": "^2.14.1",
+    "log-lib": "^2.17.1",
     "pg": "^8.11.5",
     "zod": "^3.23.8"
   },
`;

async function memoryChild(counts: number[]): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('Run with --expose-gc');
  const { createBackbeat } = await import('../packages/server/src/main.js');
  const { loadConfig } = await import('../packages/server/src/platform/config.js');
  const { createLogger } = await import('../packages/server/src/platform/logging.js');
  const { createFleetStore } = await import('../packages/server/src/features/fleet/store/fleet-store.js');
  const { newId, nowIso } = await import('../packages/server/src/platform/ids.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'backbeat-bench-memory-'));
  const mib = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
  };
  try {
    const config = loadConfig({
      env: {},
      overrides: { dataDir, adminToken: 'bench-admin-token-000000000000', logLevel: 'warn', runWorker: false, port: 0 },
    });
    const backbeat = await createBackbeat({ config, logger: createLogger({ level: 'warn' }), mode: 'serve' });
    const store = createFleetStore(backbeat.database);
    const name = 'bench-memory';
    const yaml = shiftYaml(name);
    const now = nowIso();
    const shiftId = newId();
    const { parseShiftSpec } = await import('../packages/server/src/features/fleet/spec/index.js');
    const parsed = parseShiftSpec(yaml);
    if (!parsed.ok) throw new Error(`bench spec invalid: ${JSON.stringify(parsed.problems)}`);
    await store.insertShift({
      id: shiftId,
      name,
      owner_ref: 'group:default/developer-experience-squad',
      description: null,
      spec_yaml: yaml,
      spec_json: JSON.stringify(parsed.spec),
      plan_hash: 'bench',
      state: 'active',
      preview: 1,
      applied_by: 'bench',
      created_at: now,
      updated_at: now,
      rate_limited_until: null,
    });
    // Touch the services once, so their first-call allocations are not counted as growth.
    await backbeat.fleet.shifts.targets(name);
    await backbeat.fleet.shifts.detail(name);
    const start = mib();
    const points: MemoryPoint[] = [];
    let have = 0;
    for (const count of counts) {
      while (have < count) {
        const batch = Math.min(1000, count - have);
        const ids = await store.addTargets(
          shiftId,
          Array.from({ length: batch }, (_, i) => ({
            entityRef: `component:default/service-${String(have + i).padStart(5, '0')}`,
            repository: `/srv/git/service-${have + i}.git`,
            ownerRef: 'group:default/payments-squad',
            wave: 'main' as const,
            commitDate: now,
          })),
        );
        for (const id of ids) {
          await store.transition(
            id,
            ['pending'],
            'planned',
            {
              base_branch: 'main',
              base_commit: 'a'.repeat(40),
              change_commit: 'b'.repeat(40),
              diff: SAMPLE_DIFF,
              diff_files: 2,
              diff_additions: 2,
              diff_deletions: 4,
              plan_hash: 'bench',
              branch: 'backbeat/bump-log-lib',
              title: 'Upgrade log-lib to 2.17.1',
              body: 'log-lib versions below 2.17.1 are vulnerable.',
              commit_message: 'Upgrade log-lib to 2.17.1',
              labels_json: '["security"]',
              last_log: '# spec.steps[0] (bump-dependency)\npackage.json dependencies.log-lib: ^2.14.1 -> ^2.17.1\n',
            },
            { log: 'planned', attempt: 1 },
          );
        }
        have += batch;
      }
      const inserted = mib();
      let t = performance.now();
      let list: unknown[] | undefined = (await backbeat.fleet.shifts.targets(name)).items;
      const listMs = performance.now() - t;
      const listRows = list.length;
      const withList = mib();
      list = undefined;
      t = performance.now();
      let detail: unknown = await backbeat.fleet.shifts.detail(name);
      const detailMs = performance.now() - t;
      const withDetail = mib();
      detail = undefined;
      void list;
      void detail;
      points.push({
        targets: count,
        rssAfterInsertMiB: inserted.rss,
        heapAfterInsertMiB: inserted.heap,
        listRows,
        rssAfterListMiB: withList.rss,
        heapAfterListMiB: withList.heap,
        rssAfterDetailMiB: withDetail.rss,
        heapAfterDetailMiB: withDetail.heap,
        listMs,
        detailMs,
      });
      console.error(`  ${count} targets: RSS ${inserted.rss.toFixed(0)} MiB after insert`);
    }
    await backbeat.close();
    console.log(`MEMORY ${JSON.stringify({ startMiB: start.rss, points })}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- run ------------------------------------------------------------------------

if (args.has('memory-child')) {
  await memoryChild((args.value('targets') ?? '1000,10000').split(',').map(Number));
  process.exit(0);
}

console.log(`Machine: ${machineLine()}`);
const tables: Table[] = [];
const notes: string[] = [];
const targetRows: string[][] = [];

if (!memoryOnly) await throughput();
if (!args.has('no-memory') && !baselineOnly) await memory();

if (targetRows.length > 0) {
  tables.push({ title: 'Targets of the issue', columns: ['target', 'measured', 'met'], rows: targetRows });
}
report({
  record: !args.has('no-record'),
  name: `fleet-shift${fileUrl ? ' (file:// URLs)' : ''}${memoryOnly ? ' (memory)' : baselineOnly ? ' (baseline only)' : ''}`,
  command: args.command,
  tables,
  notes,
});
