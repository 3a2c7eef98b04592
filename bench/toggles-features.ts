/**
 * Unleash's client API under load: GET /api/client/features of 50 flags, Backbeat
 * against the open-source Unleash server (7.5.1, the last release that declares Node
 * 20), same flags, same client token scope, same load, same run. Each path is
 * measured twice: a full answer (200) and a revalidation with If-None-Match (304).
 *
 *   npm run bench -- toggles-features                  # Backbeat on SQLite; 3 rounds of 5 s per row, 8 connections
 *   npm run bench -- toggles-features --pg             # Backbeat on PostgreSQL (Unleash always is)
 *   npm run bench -- toggles-features --concurrency=32 --duration=10 --rounds=1 --no-record
 *
 * Flags: --pg, --concurrency=N (wrk connections, default 8), --duration=S (seconds per
 * measured row, default 5), --rounds=N (default 3; rows interleave servers and the
 * median round is shown), --flags=N (default 50), --no-record.
 *
 * The load generator is wrk (one thread, C, keep-alive connections, each a closed
 * loop), so it takes little of the CPU the servers need. Backbeat runs in this
 * process, which sits idle in its event loop while wrk runs; Unleash runs as a child
 * process installed under bench/.out on a fresh PostgreSQL database.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readArgs } from './support/args.js';
import { machineLine } from './support/machine.js';
import { PG_ADMIN_URL, postgresReachable } from './support/postgres.js';
import { report, type Table } from './support/results.js';
import { ms, ratio } from './support/stats.js';
import { startTogglesBackbeat } from './support/unleash-backbeat.js';
import { benchFlags } from './support/unleash-flags.js';
import { startUnleash, UNLEASH_VERSION } from './support/unleash-server.js';

const args = readArgs();
const engine = args.has('pg') ? 'postgres' : 'sqlite';
const concurrency = Number(args.value('concurrency') ?? 8);
const durationS = Number(args.value('duration') ?? 5);
const rounds = Number(args.value('rounds') ?? 3);
const flagCount = Number(args.value('flags') ?? 50);
for (const [name, value] of Object.entries({ concurrency, duration: durationS, rounds, flags: flagCount })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
}
if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed (Debian: apt-get install -y wrk)');
if (!(await postgresReachable())) {
  throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}: the Unleash server needs it`);
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

console.log(`Machine: ${machineLine()}`);
const flags = benchFlags(flagCount);

interface Target {
  server: string;
  url: string;
  token: string;
  pid: number;
  etag: string;
  bytes200: number;
}

interface Row {
  server: string;
  path: '200' | '304';
  rps: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  requests: number;
  failures: number;
}

console.log(`Starting Backbeat (${engine}, in this process) with ${flagCount} flags...`);
const backbeat = await startTogglesBackbeat({ engine, flags });
let unleash: Awaited<ReturnType<typeof startUnleash>> | undefined;
const rows: Row[] = [];
const targets: Target[] = [];
let unleashStartupMs = 0;
try {
  console.log(`Starting unleash-server ${UNLEASH_VERSION} (child process, fresh PostgreSQL database)...`);
  unleash = await startUnleash({ flags });
  unleashStartupMs = unleash.startupMs;
  console.log(`  ready in ${ms(unleash.startupMs)} (fresh database: includes its migrations)`);

  const backbeatPayload = await clientFeatures(backbeat.url, backbeat.clientToken);
  const unleashPayload = await clientFeatures(unleash.url, unleash.clientToken);
  assertSameRules(backbeatPayload.features, unleashPayload.features);
  targets.push(
    {
      server: `Backbeat (${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'})`,
      url: backbeat.url,
      token: backbeat.clientToken,
      pid: process.pid,
      ...backbeatPayload,
    },
    {
      server: `Unleash ${UNLEASH_VERSION} (PostgreSQL)`,
      url: unleash.url,
      token: unleash.clientToken,
      pid: unleash.pid,
      ...unleashPayload,
    },
  );
  for (const target of targets) {
    const status = (await rawGet(target.url, target.token, target.etag)).status;
    if (status !== 304) throw new Error(`${target.server} answered ${status} to If-None-Match of its own ETag`);
  }

  for (let round = 1; round <= rounds; round++) {
    for (const path of ['200', '304'] as const) {
      for (const target of targets) {
        const headers: Record<string, string> = { authorization: target.token };
        if (path === '304') headers['if-none-match'] = target.etag;
        // Warm-up: JIT, caches, connection set-up.
        await runWrk({ url: target.url, headers, concurrency, durationS: 1 });
        const cpuBefore = cpuMs(target.pid);
        const result = await runWrk({ url: target.url, headers, concurrency, durationS });
        const cpu = cpuMs(target.pid) - cpuBefore;
        rows.push({
          server: target.server,
          path,
          ...result,
          cpuMsPerRequest: cpu / Math.max(1, result.requests),
        });
        console.log(
          `  round ${round}, ${target.server}, ${path}: ${result.rps.toFixed(0)} requests/s, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}` +
            (result.failures > 0 ? `, ${result.failures} FAILED` : ''),
        );
      }
    }
  }
} finally {
  await unleash?.stop();
  await backbeat.close();
}

/** The median round of a server and path, by requests/s. */
function medianRow(server: string, path: '200' | '304'): { row: Row; all: Row[] } {
  const all = rows.filter((r) => r.server === server && r.path === path);
  const sorted = [...all].sort((a, b) => a.rps - b.rps);
  return { row: sorted[Math.floor((sorted.length - 1) / 2)]!, all };
}

const unleashTarget = targets[1]!;
const table: Table = {
  title: `GET /api/client/features, ${flagCount} flags, ${concurrency} connections (wrk), ${durationS} s per row, median of ${rounds} round${rounds === 1 ? '' : 's'}`,
  columns: [
    'server',
    'answer',
    'requests/s',
    'vs Unleash',
    'p50',
    'p99',
    'server CPU / request',
    'response body',
    'requests/s per round',
    'failed',
  ],
  rows: (['200', '304'] as const).flatMap((path) => {
    const base = medianRow(unleashTarget.server, path).row;
    return targets.map((target) => {
      const { row, all } = medianRow(target.server, path);
      return [
        target.server,
        path === '200' ? '200 (full payload)' : '304 (If-None-Match)',
        row.rps.toFixed(0),
        target === unleashTarget ? '1.00× (baseline)' : ratio(row.rps, base.rps),
        ms(row.p50),
        ms(row.p99),
        ms(row.cpuMsPerRequest),
        path === '200' ? `${target.bytes200.toLocaleString('en-US')} B` : '0 B',
        all.map((r) => r.rps.toFixed(0)).join(' / '),
        String(all.reduce((n, r) => n + r.failures, 0)),
      ];
    });
  }),
};

report({
  record: !args.has('no-record'),
  name: 'toggles-features',
  command: args.command,
  tables: [table],
  notes: [
    `Same ${flagCount} flags on both (mostly flexibleRollout, a third with constraints, a quarter with strategy variants), checked rule by rule before timing; both tokens read one project in production.`,
    `Backbeat runs in the benchmark process (createBackbeat, as \`backbeat serve\` builds it), Unleash as a child process (\`node dist/server.js\`, default settings, version check and telemetry off, started in ${ms(unleashStartupMs)} on a fresh database). Each is one Node process.`,
    'wrk sends no Accept-Encoding, so neither server compresses; the body column is the uncompressed payload.',
    `Server CPU / request: user + system CPU time of the server process during the row (from /proc) over its requests; it depends less on other work on the machine than the rates do. PostgreSQL's own CPU is not in it${engine === 'postgres' ? ', which flatters Backbeat on PostgreSQL: it reads the token and the revision from the database on every request, while Unleash answers from memory' : ''}.`,
    'Target: Backbeat at least 3× the requests/s of the Unleash server.',
  ],
});

/** A client-features answer fetched the way wrk will ask for it (no compression): its ETag, size and features. */
async function clientFeatures(
  url: string,
  token: string,
): Promise<{ etag: string; bytes200: number; features: ClientFeature[] }> {
  const answer = await rawGet(url, token);
  if (answer.status !== 200 || !answer.etag) {
    throw new Error(`GET ${url}/api/client/features answered ${answer.status} (ETag ${answer.etag ?? 'none'})`);
  }
  const payload = JSON.parse(answer.body) as { features: ClientFeature[] };
  return { etag: answer.etag, bytes200: Buffer.byteLength(answer.body), features: payload.features };
}

function rawGet(
  url: string,
  token: string,
  ifNoneMatch?: string,
): Promise<{ status: number; etag: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/client/features`,
      { headers: { authorization: token, ...(ifNoneMatch ? { 'if-none-match': ifNoneMatch } : {}) } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          const etag = res.headers.etag;
          resolve({ status: res.statusCode ?? 0, etag: typeof etag === 'string' ? etag : undefined, body });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

interface ClientFeature {
  name: string;
  enabled: boolean;
  strategies: {
    name: string;
    parameters?: Record<string, string>;
    constraints?: {
      contextName: string;
      operator: string;
      values?: string[];
      value?: string;
      inverted?: boolean;
      caseInsensitive?: boolean;
    }[];
    variants?: { name: string; weight: number; payload?: unknown }[];
  }[];
}

/** Both servers must serve the same rules, or the comparison is between different work. */
function assertSameRules(backbeatFeatures: ClientFeature[], unleashFeatures: ClientFeature[]): void {
  const rule = (f: ClientFeature) =>
    JSON.stringify([
      f.name,
      f.enabled,
      f.strategies.map((s) => [
        s.name,
        Object.entries(s.parameters ?? {}).sort(([a], [b]) => a.localeCompare(b)),
        (s.constraints ?? []).map((c) => [
          c.contextName,
          c.operator,
          c.values ?? [],
          c.value ?? '',
          c.inverted ?? false,
          c.caseInsensitive ?? false,
        ]),
        (s.variants ?? []).map((v) => [v.name, v.weight, v.payload ?? null]),
      ]),
    ]);
  const ours = backbeatFeatures.map(rule).sort();
  const theirs = unleashFeatures.map(rule).sort();
  if (ours.length !== flagCount || theirs.length !== flagCount) {
    throw new Error(`Expected ${flagCount} features, Backbeat served ${ours.length} and Unleash ${theirs.length}`);
  }
  const differing = ours.findIndex((r, i) => r !== theirs[i]);
  if (differing >= 0) {
    throw new Error(
      `The servers serve different rules:\n  Backbeat: ${ours[differing]}\n  Unleash:  ${theirs[differing]}`,
    );
  }
}

/**
 * wrk against /api/client/features: one thread, `concurrency` keep-alive
 * connections, exact percentiles printed by a Lua `done` hook. Asynchronous, so the
 * in-process server keeps its event loop.
 */
async function runWrk(input: {
  url: string;
  headers: Record<string, string>;
  concurrency: number;
  durationS: number;
}): Promise<{ rps: number; p50: number; p99: number; requests: number; failures: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'backbeat-wrk-'));
  try {
    const script = join(dir, 'percentiles.lua');
    writeFileSync(
      script,
      [
        'done = function(summary, latency, requests)',
        '  io.write(string.format("PERCENTILES %d %d\\n", latency:percentile(50), latency:percentile(99)))',
        'end',
      ].join('\n'),
    );
    const { stdout } = await promisify(execFile)(
      'wrk',
      [
        '-t1',
        `-c${input.concurrency}`,
        `-d${input.durationS}s`,
        '-s',
        script,
        ...Object.entries(input.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
        `${input.url}/api/client/features`,
      ],
      { encoding: 'utf8' },
    );
    const exact = /PERCENTILES (\d+) (\d+)/.exec(stdout);
    if (!exact) throw new Error(`wrk printed no percentiles:\n${stdout}`);
    const failures =
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0) +
      (/Socket errors: (.*)/.exec(stdout)?.[1] ?? '')
        .split(',')
        .reduce((n, part) => n + Number(/\d+/.exec(part)?.[0] ?? 0), 0);
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? 0),
      p50: Number(exact[1]) / 1000,
      p99: Number(exact[2]) / 1000,
      requests: Number(/(\d+) requests in/.exec(stdout)?.[1] ?? 0),
      failures,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** User + system CPU time a process has used so far, from /proc (Linux). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS);
}
