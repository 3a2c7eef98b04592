import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backbeat, createBackbeat, loadConfig } from '@backbeat/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runForTest } from '../testing/cli-harness.js';
import { createPostgresDatabase, onPostgres } from '../testing/test-postgres.js';

const ADMIN_TOKEN = 'bb_admin_token_for_flag_plans_cli_tests_012345';

describe('backbeat flags rollout plans and stale flags against a running server', () => {
  let work: string;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let backbeat: Backbeat;
  let url: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return response.json();
  };
  const flags = (...args: string[]) => runForTest(['--server', url, '--token', ADMIN_TOKEN, 'flags', ...args]);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'backbeat-cli-plans-'));
    if (onPostgres()) database = await createPostgresDatabase();
    backbeat = await createBackbeat({
      config: loadConfig({
        env: {},
        overrides: {
          dataDir: work,
          port: 0,
          host: '127.0.0.1',
          adminToken: ADMIN_TOKEN,
          databaseUrl: database?.url,
          runWorker: false,
          logLevel: 'silent',
        },
      }),
      mode: 'serve',
    });
    url = `http://127.0.0.1:${(await backbeat.listen()).port}`;
    await api('POST', '/api/toggles/projects', { key: 'checkout', name: 'Checkout' });
    await api('POST', '/api/toggles/projects/checkout/flags', { name: 'new-cart' });
    await api('POST', '/api/toggles/projects/checkout/flags', { name: 'ops', type: 'operational' });
  });
  afterAll(async () => {
    await backbeat?.close();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('creates and starts a plan, shows it, and advances, pauses and resumes it', async () => {
    const started = await flags(
      'rollout',
      'new-cart',
      '--env',
      'production',
      '--plan',
      '1,5,25,50,100',
      '--every',
      '1h',
    );
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^checkout\/new-cart production: running at 1% \(1\/5\), every 1h, next \S+\n$/);
    const flag = await api('GET', '/api/toggles/projects/checkout/flags/new-cart');
    expect(flag.environments.production.enabled).toBe(true);
    expect(flag.environments.production.strategies[0].parameters.rollout).toBe('1');

    const advanced = await flags('advance', 'new-cart', '--env', 'production');
    expect(advanced.stdout).toContain('running at 5% (2/5)');
    const paused = await flags('pause', 'new-cart', '--env', 'production', '--reason', 'checking dashboards');
    expect(paused.stdout).toContain('paused at 5% (2/5)');
    const resumed = JSON.parse((await flags('resume', 'new-cart', '--env', 'production', '--json')).stdout);
    expect(resumed).toMatchObject({ status: 'running', currentIndex: 1 });

    const shown = await flags('plan', 'new-cart', '--env', 'production');
    expect(shown.stdout).toContain('milestones: 1% → 5% → 25% → 50% → 100%');
    expect(shown.stdout).toContain('checking dashboards');
    expect(shown.stdout).toMatch(/milestone-reached\s+5%/);
  });

  it('refuses bad plans with clear messages', async () => {
    const both = await flags('rollout', 'new-cart', '--env', 'staging', '--percent', '5', '--plan', '1,5');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either --percent or --plan');
    const down = await flags('rollout', 'new-cart', '--env', 'staging', '--plan', '5,1');
    expect(down.code).not.toBe(0);
    expect(down.stderr).toContain('1 must be above the milestone before it (5)');
    const every = await flags('rollout', 'new-cart', '--env', 'staging', '--plan', '5,10', '--every', 'soon');
    expect(every.stderr).toContain('--every must be a number and a unit');
    const second = await flags('rollout', 'new-cart', '--env', 'production', '--plan', '10,20');
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain('abort it first');
    expect((await flags('plan', 'ops', '--env', 'production')).stderr).toContain('No rollout plan');
  });

  it('lists stale flags per owner, as text and JSON', async () => {
    const text = await flags('stale');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('0 of 2 flags are stale.');
    await api('PATCH', '/api/toggles/projects/checkout/flags/ops', { stale: true });
    const json = JSON.parse((await flags('stale', '--json')).stdout);
    expect(json.totals).toEqual({ flags: 2, stale: 1 });
    expect(json.squads[0].stale[0]).toMatchObject({ flag: 'ops', reasons: [{ reason: 'marked' }] });
    expect((await flags('stale')).stdout).toMatch(/\(no owner\)\s+checkout\/ops\s+operational\s+marked stale/);
    const other = await flags('stale', '--owner', 'group:default/nobody');
    expect(other.stdout).toContain('No stale flags.');
  });
});
