import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../program.js';
import {
  type CannedResponse,
  captureIo,
  type RecordedRequest,
  runForTest,
  startFakeServer,
} from '../testing/cli-harness.js';
import type { ShiftDetail, TargetDetail, TargetRow } from './shift-format.js';

const SPEC = `apiVersion: backbeat.dev/v1
kind: Shift
metadata:
  name: bump-log-lib
  owner: group:default/platform
`;

function shift(extra: Partial<ShiftDetail> = {}): ShiftDetail {
  return {
    name: 'bump-log-lib',
    owner: 'group:default/platform',
    state: 'active',
    preview: false,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:05:00Z',
    appliedBy: 'user:default/jane',
    total: 2,
    merged: 1,
    totals: { merged: 1, 'checks-pending': 1 },
    specYaml: SPEC,
    burndown: [],
    ...extra,
  };
}

function target(repository: string, state: TargetRow['state'], extra: Partial<TargetRow> = {}): TargetRow {
  const name = repository.split('/').pop() ?? repository;
  return {
    id: `t-${name}`,
    entityRef: `component:default/${name}`,
    repository,
    owner: 'group:default/squad-a',
    state,
    checks: 'none',
    attempts: 1,
    updatedAt: '2026-01-01T00:00:00Z',
    wave: 'main',
    ...extra,
  };
}

function detail(row: TargetRow, diff: string): TargetDetail {
  return { ...row, diff, history: [], mergeable: false };
}

describe('backbeat shift', () => {
  let server: Awaited<ReturnType<typeof startFakeServer>>;
  let reply: (request: RecordedRequest) => CannedResponse;
  let dir: string;
  const env = () => ({ BACKBEAT_URL: server.url, BACKBEAT_TOKEN: 'bb_test' });
  const sent = () => server.requests.map((r) => `${r.method} ${r.path}${r.query.size ? `?${r.query}` : ''}`);
  /** The reads of a target list (one per poll while a shift has a single page). */
  const targetReads = () => server.requests.filter((r) => r.path.endsWith('/targets'));

  beforeAll(async () => {
    server = await startFakeServer((request) => reply(request));
    dir = mkdtempSync(join(tmpdir(), 'shift-cli-'));
    writeFileSync(join(dir, 'shift.yaml'), SPEC);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.requests.length = 0;
    reply = () => ({ status: 500, body: { detail: 'unexpected request' } });
  });

  /** Answers `GET .../targets` with each list in turn, repeating the last one. */
  function scriptTargets(lists: TargetRow[][], applied: ShiftDetail = shift()) {
    let poll = 0;
    reply = (request) => {
      if (request.method === 'POST' && request.path === '/api/fleet/shifts') return { body: applied };
      if (request.path.endsWith('/targets')) {
        const items = lists[Math.min(poll, lists.length - 1)] ?? [];
        poll++;
        return { body: { items } };
      }
      if (request.path === '/api/fleet/shifts/bump-log-lib') return { body: applied };
      return { status: 404, body: { detail: 'no such thing' } };
    };
  }

  it('apply sends the file text and the preview flag, and reports the new shift', async () => {
    reply = () => ({ body: shift({ preview: true, total: 0 }) });
    const run = await runForTest(['shift', 'apply', '-f', 'shift.yaml', '--preview'], { env: env(), cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/fleet/shifts',
      body: { yaml: SPEC, preview: true },
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer bb_test');
    expect(run.stdout).toContain('Previewing shift bump-log-lib (0 targets so far); nothing is published.');

    reply = () => ({ body: shift({ warnings: ['component:default/legacy has no source location'] }) });
    const applied = await runForTest(['shift', 'apply', '-f', 'shift.yaml'], { env: env(), cwd: dir });
    expect(applied.stdout).toBe(
      [
        'Applied shift bump-log-lib: active, 2 targets so far.',
        '  warning: component:default/legacy has no source location',
        '',
      ].join('\n'),
    );

    reply = () => ({ body: shift() });
    const json = await runForTest(['shift', 'apply', '-f', join(dir, 'shift.yaml'), '--json'], { env: env() });
    expect(json.code).toBe(0);
    expect(server.requests[2]?.body).toEqual({ yaml: SPEC, preview: false });
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'bump-log-lib', state: 'active', total: 2 });
  });

  it('apply prints each spec error as file:line: field: message and exits 1', async () => {
    const problem = {
      type: 'https://backbeat.dev/problems/invalid-shift-spec',
      title: 'Invalid shift spec',
      status: 400,
      detail: 'The shift spec has 2 errors',
      errors: [
        { field: 'spec.steps[0].type', line: 14, column: 9, message: 'unknown step type "bump"' },
        { field: 'metadata.owner', message: 'is required' },
      ],
    };
    reply = () => ({ status: 400, contentType: 'application/problem+json', body: problem });
    const run = await runForTest(['shift', 'apply', '-f', 'shift.yaml'], { env: env(), cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        'shift.yaml:14: spec.steps[0].type: unknown step type "bump"',
        'shift.yaml: metadata.owner: is required',
        '',
      ].join('\n'),
    );

    const json = await runForTest(['shift', 'apply', '-f', 'shift.yaml', '--json'], { env: env(), cwd: dir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr).error.errors).toEqual(problem.errors);
  });

  it('apply passes other failures through and refuses a file it cannot read', async () => {
    reply = () => ({ status: 403, body: { status: 403, detail: 'Only members of the owning group may apply' } });
    const denied = await runForTest(['shift', 'apply', '-f', 'shift.yaml'], { env: env(), cwd: dir });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Error: Only members of the owning group may apply');

    const missing = await runForTest(['shift', 'apply', '-f', 'nope.yaml'], { env: env(), cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Cannot read nope.yaml (ENOENT)');
    expect(server.requests).toHaveLength(1);
  });

  it('apply --wait prints a line per state change without a terminal and exits 0 when nothing failed', async () => {
    scriptTargets([
      [],
      [target('org/web', 'pending'), target('org/api', 'pending')],
      [target('org/web', 'published'), target('org/api', 'no-change')],
      [target('org/web', 'checks-pending', { checks: 'pending' }), target('org/api', 'no-change')],
      [target('org/web', 'merged', { checks: 'passed' }), target('org/api', 'no-change')],
    ]);
    const run = await runForTest(['shift', 'apply', '-f', 'shift.yaml', '--wait', '--poll-interval', '5'], {
      env: env(),
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      [
        'Applied shift bump-log-lib: active, 2 targets so far.',
        'org/web: pending',
        'org/api: pending',
        'org/web: pending -> published',
        'org/api: pending -> no-change',
        'org/web: published -> checks-pending',
        'org/web: checks-pending -> merged',
        '2/2 settled · no-change 1 · merged 1',
        '',
      ].join('\n'),
    );
    expect(targetReads()).toHaveLength(5);
  });

  it('apply --wait exits 1 when a target failed, and --json prints the final targets', async () => {
    scriptTargets([
      [target('org/web', 'pending'), target('org/api', 'pending')],
      [target('org/web', 'merged'), target('org/api', 'plan-failed', { error: 'npm install timed out' })],
    ]);
    const run = await runForTest(['shift', 'apply', '-f', 'shift.yaml', '--wait', '--poll-interval', '5'], {
      env: env(),
      cwd: dir,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('org/api: pending -> plan-failed (npm install timed out)\n');

    scriptTargets([[target('org/web', 'merged'), target('org/api', 'failed')]]);
    const json = await runForTest(['shift', 'apply', '-f', 'shift.yaml', '--wait', '--json'], { env: env(), cwd: dir });
    expect(json.code).toBe(1);
    const printed = JSON.parse(json.stdout);
    expect(printed.shift.name).toBe('bump-log-lib');
    expect(printed.targets.map((t: TargetRow) => t.state)).toEqual(['merged', 'failed']);
  });

  it('apply --preview --wait stops once every target is planned', async () => {
    scriptTargets(
      [[target('org/web', 'pending')], [target('org/web', 'planned')], [target('org/web', 'scheduled')]],
      shift({ preview: true }),
    );
    const run = await runForTest(
      ['shift', 'apply', '-f', 'shift.yaml', '--preview', '--wait', '--poll-interval', '5'],
      { env: env(), cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('org/web: pending -> planned\n1/1 settled · planned 1\n');
    expect(targetReads()).toHaveLength(2);
  });

  it('apply --wait gives up on a shift whose target query matches nothing', async () => {
    scriptTargets([[]]);
    const run = await runForTest(['shift', 'apply', '-f', 'shift.yaml', '--wait', '--poll-interval', '5'], {
      env: env(),
      cwd: dir,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No repositories matched');
    expect(targetReads()).toHaveLength(3);
  });

  it('apply --wait redraws a compact table in place on a terminal', async () => {
    scriptTargets([
      [target('org/web', 'published')],
      [target('org/web', 'checks-pending', { checks: 'pending' })],
      [target('org/web', 'merged', { checks: 'passed' })],
    ]);
    const { io, stdout } = captureIo({ env: env(), cwd: dir });
    Object.assign(io.stdout, { isTTY: true, rows: 30 });
    const code = await runCli(['shift', 'apply', '-f', 'shift.yaml', '--wait', '--poll-interval', '5'], io);
    expect(code).toBe(0);
    const frames = stdout().split('\x1b[3A\r\x1b[0J');
    expect(frames).toHaveLength(3);
    expect(frames[1]).toMatch(/^REPOSITORY\s+STATE\s+CHECKS\norg\/web\s+checks-pending\s+pending\n0\/1 settled/);
    expect(frames[2]).toMatch(/^REPOSITORY\s+STATE\s+CHECKS\norg\/web\s+merged\s+passed\n1\/1 settled · merged 1\n$/);
  });

  it('status --watch follows until settled and can be stopped', async () => {
    scriptTargets([[target('org/web', 'published')]]);
    const stop = new AbortController();
    const { io, stdout } = captureIo({ env: env(), stopSignal: stop.signal });
    const running = runCli(['shift', 'status', 'bump-log-lib', '--watch', '--poll-interval', '5'], io);
    await new Promise((resolve) => setTimeout(resolve, 60));
    stop.abort();
    expect(await running).toBe(1);
    expect(stdout()).toContain('bump-log-lib  active\n');
    expect(stdout()).toContain('org/web: published\n0/1 settled · published 1\n');
  });

  it('list prints every shift with its progress', async () => {
    reply = () => ({
      body: {
        items: [
          shift(),
          shift({ name: 'yaml-field', preview: true, state: 'paused', total: 4, merged: 0, totals: { failed: 2 } }),
        ],
      },
    });
    const run = await runForTest(['shift', 'list'], { env: env() });
    expect(run.code).toBe(0);
    expect(sent()).toEqual(['GET /api/fleet/shifts']);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+STATE\s+OWNER\s+MERGED\s+FAILED\s+UPDATED$/);
    expect(lines[1]).toMatch(/^bump-log-lib\s+active\s+group:default\/platform\s+1\/2\s+0\s+2026/);
    expect(lines[2]).toMatch(/^yaml-field\s+paused \(preview\)\s+group:default\/platform\s+0\/4\s+2\s+2026/);

    reply = () => ({ body: { items: [] } });
    expect((await runForTest(['shift', 'list'], { env: env() })).stdout).toContain('No shifts yet.');
  });

  it('status prints totals, then the target table, with filters passed to the server', async () => {
    const rows = [
      target('org/web', 'merged', { checks: 'passed', branch: 'backbeat/bump-log-lib', attempts: 2 }),
      target('org/api', 'checks-failed', { checks: 'failed', lastLog: 'npm test\n3 tests failed\n' }),
    ];
    scriptTargets([rows]);
    const run = await runForTest(['shift', 'status', 'bump-log-lib', '--owner', 'group:default/squad-a'], {
      env: env(),
    });
    expect(run.code).toBe(0);
    expect(sent()).toEqual([
      'GET /api/fleet/shifts/bump-log-lib',
      'GET /api/fleet/shifts/bump-log-lib/targets?owner=group%3Adefault%2Fsquad-a&limit=1000',
    ]);
    expect(run.stdout).toContain('  merged: 1/2 (50%)\n  totals: checks-pending 1 · merged 1\n');
    expect(run.stdout).toMatch(/^REPOSITORY\s+STATE\s+CHECKS\s+OWNER\s+BRANCH\s+ATTEMPTS\s+LAST LOG$/m);
    expect(run.stdout).toMatch(
      /^org\/web\s+merged\s+passed\s+group:default\/squad-a\s+backbeat\/bump-log-lib\s+2\s+-$/m,
    );
    expect(run.stdout).toMatch(
      /^org\/api\s+checks-failed\s+failed\s+group:default\/squad-a\s+-\s+1\s+3 tests failed$/m,
    );

    const json = await runForTest(['shift', 'status', 'bump-log-lib', '--json'], { env: env() });
    expect(JSON.parse(json.stdout)).toEqual({ shift: shift(), targets: rows });

    const bad = await runForTest(['shift', 'status', 'bump-log-lib', '--state', 'sleeping'], { env: env() });
    expect(bad.code).toBe(2);
  });

  it('status reads every page of a large shift, passing each nextCursor back with the filters', async () => {
    const pages = [
      { items: [target('org/a', 'merged'), target('org/b', 'merged')], nextCursor: 'c1', total: 3 },
      { items: [target('org/c', 'failed')], total: 3 },
    ];
    reply = (request) => {
      if (request.path === '/api/fleet/shifts/bump-log-lib') return { body: shift({ total: 3 }) };
      return { body: request.query.get('cursor') === 'c1' ? pages[1] : pages[0] };
    };
    const run = await runForTest(['shift', 'status', 'bump-log-lib', '--state', 'merged', '--json'], { env: env() });
    expect(run.code).toBe(0);
    expect(sent().slice(1)).toEqual([
      'GET /api/fleet/shifts/bump-log-lib/targets?state=merged&limit=1000',
      'GET /api/fleet/shifts/bump-log-lib/targets?state=merged&limit=1000&cursor=c1',
    ]);
    expect(JSON.parse(run.stdout).targets.map((t: TargetRow) => t.repository)).toEqual(['org/a', 'org/b', 'org/c']);
  });

  it('diff prints the diffs of planned and published targets, or of one target', async () => {
    const rows = [
      target('org/web', 'planned'),
      target('org/api', 'merged'),
      target('org/lib', 'checks-pending'),
      target('org/doc', 'no-change'),
    ];
    const diffs: Record<string, string> = {
      't-web': 'diff --git a/package.json b/package.json\n-a\n+b\n',
      't-lib': 'diff --git a/pom.xml b/pom.xml\n-c\n+d',
      't-api': 'diff --git a/x b/x\n',
    };
    reply = (request) => {
      if (request.path.endsWith('/targets')) return { body: { items: rows } };
      const id = decodeURIComponent(request.path.split('/').pop() ?? '');
      const row = rows.find((r) => r.id === id);
      return row ? { body: detail(row, diffs[id] ?? '') } : { status: 404, body: { detail: 'no target' } };
    };
    const run = await runForTest(['shift', 'diff', 'bump-log-lib'], { env: env() });
    expect(run.code).toBe(0);
    expect(sent()).toEqual([
      'GET /api/fleet/shifts/bump-log-lib/targets?limit=1000',
      'GET /api/fleet/shifts/bump-log-lib/targets/t-web',
      'GET /api/fleet/shifts/bump-log-lib/targets/t-lib',
    ]);
    expect(run.stdout).toBe(
      [
        '# org/web (component:default/web, planned)',
        'diff --git a/package.json b/package.json',
        '-a',
        '+b',
        '# org/lib (component:default/lib, checks-pending)',
        'diff --git a/pom.xml b/pom.xml',
        '-c',
        '+d',
        '',
      ].join('\n'),
    );

    server.requests.length = 0;
    const one = await runForTest(['shift', 'diff', 'bump-log-lib', '--target', 'api', '--json'], { env: env() });
    expect(one.code).toBe(0);
    expect(sent().at(-1)).toBe('GET /api/fleet/shifts/bump-log-lib/targets/t-api');
    expect(JSON.parse(one.stdout).items).toEqual([
      { id: 't-api', entityRef: 'component:default/api', repository: 'org/api', state: 'merged', diff: diffs['t-api'] },
    ]);

    const unknown = await runForTest(['shift', 'diff', 'bump-log-lib', '--target', 'nothing'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Shift bump-log-lib has no target "nothing"');
  });

  it('pause, resume and close post to their routes and report the new state', async () => {
    for (const [verb, state] of [
      ['pause', 'paused'],
      ['resume', 'active'],
      ['close', 'closed'],
    ] as const) {
      reply = () => ({ body: shift({ state }) });
      const run = await runForTest(['shift', verb, 'bump-log-lib'], { env: env() });
      expect(run.code, verb).toBe(0);
      expect(sent().at(-1)).toBe(`POST /api/fleet/shifts/bump-log-lib/${verb}`);
      expect(run.stdout).toContain(`it is now ${state}.`);
    }
    const json = await runForTest(['shift', 'pause', 'bump-log-lib', '--json'], { env: env() });
    expect(JSON.parse(json.stdout).state).toBe('closed');
  });

  it('retry sends no ids for every failed target, and resolves --target to ids', async () => {
    const rows = [target('org/web', 'failed'), target('org/api', 'checks-failed')];
    reply = (request) =>
      request.path.endsWith('/targets') ? { body: { items: rows } } : { body: { retried: request.body ? 2 : 0 } };
    const all = await runForTest(['shift', 'retry', 'bump-log-lib'], { env: env() });
    expect(all.code).toBe(0);
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/fleet/shifts/bump-log-lib/retry' });
    expect(server.requests.at(-1)?.body).toEqual({});
    expect(all.stdout).toContain('Retrying 2 targets of bump-log-lib.');

    const some = await runForTest(
      ['shift', 'retry', 'bump-log-lib', '--target', 'component:default/web', '--target', 'org/api', '--json'],
      { env: env() },
    );
    expect(some.code).toBe(0);
    expect(server.requests.at(-1)?.body).toEqual({ targetIds: ['t-web', 't-api'] });
    expect(JSON.parse(some.stdout)).toEqual({ retried: 2 });
  });

  it('offers --json on every verb', async () => {
    for (const verb of ['apply', 'list', 'status', 'diff', 'pause', 'resume', 'close', 'retry']) {
      const run = await runForTest(['shift', verb, '--help']);
      expect(run.code, verb).toBe(0);
      expect(run.stdout, verb).toContain('--json');
      expect(run.stdout, verb).not.toContain('--poll-interval');
    }
  });
});
