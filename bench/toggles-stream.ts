/**
 * How fast a flag change reaches connected SDKs: 1,000 clients hold Unleash's
 * streaming endpoint (GET /api/client/streaming, Server-Sent Events) open against
 * Backbeat, a flag is flipped through the admin API again and again (the kill switch,
 * then back on), and for every client and flip the delay from sending the flip
 * request to receiving the `unleash-updated` event that shows the new state is
 * measured. Baseline: Unleash's SDKs poll every 15 s by default, so a change waits
 * for the next poll: a delay spread evenly over 0 to 15 s (computed, 7.5 s mean).
 * Floor, measured in the same run with the same clients: a bare `node:http` server
 * that writes one pre-encoded event to every connection (what the machine allows).
 *
 *   npm run bench -- toggles-stream                   # 1,000 clients, 20 flips a second apart, SQLite
 *   npm run bench -- toggles-stream --pg              # Backbeat on PostgreSQL
 *   npm run bench -- toggles-stream --clients=200 --flips=5 --no-record
 *
 * Flags: --pg, --clients=N (default 1,000), --flips=N (default 20), --interval=S
 * (seconds between flips, default 1), --processes=N (client processes, default 2),
 * --no-floor (skip the floor run), --no-record.
 *
 * Backbeat runs in this process; the clients run in separate Node processes (plain
 * `http.get`, one connection each), so their parsing does not take the server's event
 * loop. Times come from the machine's monotonic clock, which all processes share.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { readArgs } from './support/args.js';
import { machineLine } from './support/machine.js';
import { PG_ADMIN_URL, postgresReachable } from './support/postgres.js';
import { report } from './support/results.js';
import { ms, percentile } from './support/stats.js';
import { BENCH_ENVIRONMENT, BENCH_PROJECT, startTogglesBackbeat } from './support/unleash-backbeat.js';
import { benchFlags, FLIP_FLAG } from './support/unleash-flags.js';
import type {
  SseClientsAwait,
  SseClientsReport,
  SseClientsSeen,
  SseClientsStart,
} from './support/unleash-sse-clients.js';
import { startSseFloor } from './support/unleash-sse-floor.js';

const args = readArgs();
const engine = args.has('pg') ? 'postgres' : 'sqlite';
const clientCount = Number(args.value('clients') ?? 1000);
const flipCount = Number(args.value('flips') ?? 20);
const intervalS = Number(args.value('interval') ?? 1);
const processCount = Number(args.value('processes') ?? 2);
for (const [name, value] of Object.entries({ clients: clientCount, flips: flipCount, processes: processCount })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive whole number`);
}
if (!(intervalS > 0)) throw new Error('--interval takes a positive number of seconds');
if (engine === 'postgres' && !(await postgresReachable()))
  throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL}`);

/** How long a flip may take to reach every client before the next one is sent anyway. */
const SEEN_TIMEOUT_MS = 30_000;
/** Unleash SDKs' default refresh interval. */
const POLL_INTERVAL_MS = 15_000;

console.log(`Machine: ${machineLine()}`);
const clockBase = process.hrtime.bigint();
const nowMs = () => Number(process.hrtime.bigint() - clockBase) / 1e6;

console.log(`Starting Backbeat (${engine}, in this process)...`);
const server = await startTogglesBackbeat({ engine, flags: benchFlags(50) });
const runs: Run[] = [];
try {
  if (!args.has('no-floor')) {
    // The floor serves Backbeat's own payload, so both send the same bytes.
    const response = await fetch(`${server.url}/api/client/features`, {
      headers: { authorization: server.clientToken },
    });
    const payload = await response.json();
    for (const delta of [false, true]) {
      const floor = await startSseFloor({ payload, flag: FLIP_FLAG, delta });
      try {
        runs.push(
          await measure({
            label: delta
              ? 'floor, delta: the same, the update holding only the changed flag'
              : 'floor: bare node:http, one encoded event written to every connection',
            url: floor.url,
            token: 'unused',
            flip: async (enabled) => {
              const answer = await fetch(`${floor.url}/flip?enabled=${enabled}`, { method: 'POST' });
              if (answer.status !== 204) throw new Error(`The floor server answered ${answer.status} to a flip`);
            },
          }),
        );
      } finally {
        await floor.close();
      }
    }
  }
  const flagPath = `/api/toggles/projects/${BENCH_PROJECT}/flags/${FLIP_FLAG}`;
  runs.unshift(
    await measure({
      label: `Backbeat (${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}): GET /api/client/streaming`,
      url: server.url,
      token: server.clientToken,
      flip: async (enabled) => {
        if (enabled) await server.admin('POST', `${flagPath}/environments/${BENCH_ENVIRONMENT}/on`);
        else {
          await server.admin('POST', `${flagPath}/kill`, { reason: 'benchmark flip', environment: BENCH_ENVIRONMENT });
        }
      },
    }),
  );
} finally {
  await server.close();
}

const backbeatRun = runs[0]!;
const p95 = percentile(backbeatRun.delays, 95);
// Polling: the change waits for the next poll, at a uniformly random point of the interval.
const poll = (p: number) => (POLL_INTERVAL_MS * p) / 100;

report({
  record: !args.has('no-record'),
  name: 'toggles-stream',
  command: args.command,
  tables: [
    {
      title: `Flag change to ${clientCount.toLocaleString('en-US')} connected SSE clients, ${flipCount} flips at least ${intervalS} s apart (loopback): flip request sent → unleash-updated received`,
      columns: ['delivery', 'p50', 'p95', 'p99', 'max', 'p95 vs polling', 'delivered'],
      rows: [
        ...runs.map((run) => [
          run.label,
          ms(percentile(run.delays, 50)),
          ms(percentile(run.delays, 95)),
          ms(percentile(run.delays, 99)),
          ms(Math.max(...run.delays)),
          `${(poll(95) / percentile(run.delays, 95)).toFixed(0)}× sooner`,
          `${run.delays.length.toLocaleString('en-US')} of ${run.expected.toLocaleString('en-US')}`,
        ]),
        [
          'baseline: Unleash SDK polling every 15 s (computed)',
          ms(poll(50)),
          ms(poll(95)),
          ms(poll(99)),
          ms(POLL_INTERVAL_MS),
          '1×',
          'all, at the next poll',
        ],
      ],
    },
    {
      title: 'Per flip (median over the flips)',
      columns: ['server', 'first client', 'last client', 'flip request answered', 'server CPU per flip'],
      rows: runs.map((run) => [
        run.label,
        ms(percentile(run.firstPerFlip, 50)),
        ms(percentile(run.lastPerFlip, 50)),
        ms(percentile(run.adminMs, 50)),
        ms(run.cpuPerFlipMs),
      ]),
    },
  ],
  notes: [
    `Backbeat runs in the benchmark process (createBackbeat, as \`backbeat serve\` builds it) with 50 flags; the flipped flag alternates between the kill switch (POST .../kill) and back on (POST .../environments/production/on), each an audited admin request; a flip is sent ${intervalS} s after the previous one, or once every client has the previous one if that took longer (at most ${SEEN_TIMEOUT_MS / 1000} s), so each flip is measured on its own.`,
    `${clientCount.toLocaleString('en-US')} clients in ${processCount} separate Node processes, one plain http.get each with the client token in Authorization, connected in ${runs.map((r) => ms(r.connectMs)).join(' and ')} (including the client processes' start-up); the connect event carries the full payload (about 22 KB) and each update only the changed flag. A client checks the flipped flag's state in each update by a string search, confirmed by a full JSON parse on one client per process (${sum(runs, (r) => r.verified)} confirmed, ${sum(runs, (r) => r.disagreed)} disagreed).`,
    `Delays run from sending the flip request to the moment the client has read the whole event, on the machine's monotonic clock; Backbeat's include the admin request's own write and its audit entry. Missed: ${runs.map((r) => r.missed).join(' and ')}; connections dropped: ${runs.map((r) => r.dropped).join(' and ')}.`,
    "The floor is a bare node:http server in the benchmark process that serves the same payload and, on a flip, serializes and encodes the event once and writes the same bytes to every connection (no database, auth or framework): what this machine allows. The delta floor's update holds only the changed flag, in the delta format of Unleash's streaming (`{ events: [{ type: 'feature-updated', feature }] }`), which unleash-client 6 also accepts.",
    'Server CPU per flip: user + system CPU of the benchmark process (the server, plus its flip requests and idle heartbeats) over the flip phase, divided by the flips.',
    'Baseline: Unleash SDKs refresh every 15 s by default, so a change lands at a uniformly random point of the interval: p50 7.5 s, p95 14.25 s (computed, not measured; request time on top).',
    `Target: p95 at most 100 ms for 1,000 clients on loopback (Backbeat: ${ms(p95)}).`,
  ],
});

interface Run {
  label: string;
  /** Per client and flip: milliseconds from sending the flip to having the update. */
  delays: number[];
  firstPerFlip: number[];
  lastPerFlip: number[];
  adminMs: number[];
  expected: number;
  missed: number;
  verified: number;
  disagreed: number;
  dropped: number;
  connectMs: number;
  cpuPerFlipMs: number;
}

/** Connects the clients to `url`, flips `--flips` times and gathers every client's updates. */
async function measure(target: {
  label: string;
  url: string;
  token: string;
  flip(enabled: boolean): Promise<void>;
}): Promise<Run> {
  console.log(`${target.label}:`);
  const children: ChildProcess[] = [];
  const flips: { sentAt: number; answeredAt: number; enabled: boolean }[] = [];
  const reports: SseClientsReport[] = [];
  let connectMs = 0;
  let flipCpuMs = 0;
  try {
    const connectStarted = nowMs();
    const perProcess = Math.ceil(clientCount / processCount);
    await Promise.all(
      Array.from({ length: processCount }, (_, i) => {
        const clients = Math.min(perProcess, clientCount - i * perProcess);
        // The same loader this script runs under (tsx), so the child runs from its TypeScript source.
        const child = fork(join(import.meta.dirname, 'support', 'unleash-sse-clients.ts'), [], {
          execArgv: process.execArgv,
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          child.once('message', (message: { type: string; message?: string }) => {
            if (message.type === 'connected') resolve();
            else reject(new Error(`A client process failed to connect: ${message.message}`));
          });
          child.once('exit', (code) => reject(new Error(`A client process exited with code ${code}`)));
          const start: SseClientsStart = {
            type: 'start',
            url: target.url,
            token: target.token,
            clients,
            flag: FLIP_FLAG,
            clockBase: clockBase.toString(),
          };
          child.send(start);
        });
      }),
    );
    connectMs = nowMs() - connectStarted;
    console.log(`  ${clientCount} clients connected in ${ms(connectMs)} (${processCount} client processes)`);
    await sleep(1000);

    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < flipCount; i++) {
      // Starts on: odd flips are the kill switch, even ones switch it back on.
      const enabled = i % 2 === 1;
      const sentAt = nowMs();
      await target.flip(enabled);
      flips.push({ sentAt, answeredAt: nowMs(), enabled });
      // Each flip is measured on its own: the next waits until every client has this one (or the timeout).
      const seen = await Promise.all(children.map((child) => awaitSeen(child, { enabled, sinceMs: sentAt })));
      const count = seen.reduce((n, s) => n + s, 0);
      if (count < clientCount) {
        console.log(`  flip ${i + 1}: ${count} of ${clientCount} clients within ${SEEN_TIMEOUT_MS / 1000} s`);
      }
      await sleep(Math.max(0, sentAt + intervalS * 1000 - nowMs()));
    }
    const cpu = process.cpuUsage(cpuBefore);
    flipCpuMs = (cpu.user + cpu.system) / 1000;
    for (const child of children) {
      reports.push(
        await new Promise<SseClientsReport>((resolve) => {
          child.removeAllListeners('exit');
          child.once('message', (message: SseClientsReport) => resolve(message));
          child.send({ type: 'report' });
        }),
      );
    }
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill();
  }

  // For every flip and client: the first update after the flip that shows the new state, before the next flip.
  const delays: number[] = [];
  const firstPerFlip: number[] = [];
  const lastPerFlip: number[] = [];
  let missed = 0;
  const clients = reports.flatMap((r) => r.updates);
  flips.forEach((flip, i) => {
    const until = flips[i + 1]?.sentAt ?? Number.POSITIVE_INFINITY;
    const flipDelays: number[] = [];
    for (const updates of clients) {
      const hit = updates.find(([at, enabled]) => at >= flip.sentAt && at < until && enabled === flip.enabled);
      if (hit) flipDelays.push(hit[0] - flip.sentAt);
      else missed++;
    }
    delays.push(...flipDelays);
    if (flipDelays.length > 0) {
      firstPerFlip.push(Math.min(...flipDelays));
      lastPerFlip.push(Math.max(...flipDelays));
    }
  });
  console.log(`  p50 ${ms(percentile(delays, 50))}, p95 ${ms(percentile(delays, 95))}, missed ${missed}`);
  return {
    label: target.label,
    delays,
    firstPerFlip,
    lastPerFlip,
    adminMs: flips.map((f) => f.answeredAt - f.sentAt),
    expected: flips.length * clients.length,
    missed,
    verified: reports.reduce((n, r) => n + r.verified, 0),
    disagreed: reports.reduce((n, r) => n + r.disagreed, 0),
    dropped: reports.reduce((n, r) => n + r.dropped, 0),
    connectMs,
    cpuPerFlipMs: flipCpuMs / Math.max(1, flips.length),
  };
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((n, item) => n + value(item), 0);
}

/** How many of a client process's clients have seen the state (an update showing it since `sinceMs`). */
function awaitSeen(child: ChildProcess, input: { enabled: boolean; sinceMs: number }): Promise<number> {
  return new Promise((resolve) => {
    const listener = (message: SseClientsSeen) => {
      if (message.type !== 'seen') return;
      child.off('message', listener);
      resolve(message.count);
    };
    child.on('message', listener);
    const ask: SseClientsAwait = { type: 'await', ...input, timeoutMs: SEEN_TIMEOUT_MS };
    child.send(ask);
  });
}

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}
