import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backbeat, createBackbeat, loadConfig } from '@backbeat/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runForTest } from '../testing/cli-harness.js';
import { createPostgresDatabase, onPostgres } from '../testing/test-postgres.js';

const ADMIN_TOKEN = 'bb_admin_token_for_flags_cli_tests_0123456789';

describe('backbeat flags against a running server', () => {
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
    work = await mkdtemp(join(tmpdir(), 'backbeat-cli-flags-'));
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
    await api('POST', '/api/toggles/projects', { key: 'search', name: 'Search' });
    await api('POST', '/api/toggles/projects/checkout/flags', { name: 'new-cart' });
    await api('POST', '/api/toggles/projects/checkout/flags', { name: 'shared' });
    await api('POST', '/api/toggles/projects/search/flags', { name: 'shared', type: 'experiment' });
  });
  afterAll(async () => {
    await backbeat?.close();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('enables, rolls out, lists and kills a flag', async () => {
    const enabled = await flags('enable', 'new-cart', '--env', 'staging');
    expect(enabled).toMatchObject({ code: 0, stdout: 'checkout/new-cart staging: on\n' });

    const rollout = await flags('rollout', 'new-cart', '--env', 'staging', '--percent', '25');
    expect(rollout.stdout).toBe('checkout/new-cart staging: on (25%)\n');
    const again = await flags('rollout', 'new-cart', '--env', 'staging', '--percent', '50', '--json');
    const flag = JSON.parse(again.stdout);
    expect(flag.environments.staging.strategies).toHaveLength(1);
    expect(flag.environments.staging.strategies[0].parameters.rollout).toBe('50');

    const list = await flags('list', '--project', 'checkout');
    expect(list.stdout.split('\n')[0]).toBe('PROJECT   FLAG      TYPE     DEVELOPMENT  STAGING  PRODUCTION');
    expect(list.stdout).toContain('checkout  new-cart  release  off          on 50%   off');
    const one = JSON.parse((await flags('list', '--env', 'staging', '--json')).stdout);
    expect(one.items).toHaveLength(3);
    expect(Object.keys(one.items[0].environments)).toEqual(['staging']);

    const killed = await flags('kill', 'new-cart', '--reason', 'errors up');
    expect(killed.stdout).toBe('Killed checkout/new-cart: off in development, staging, production.\n');
    const history = await api('GET', '/api/toggles/projects/checkout/flags/new-cart/history');
    expect(history.items[0].data).toMatchObject({ action: 'killed', reason: 'errors up' });
    const disabled = await flags('disable', 'new-cart', '--env', 'staging', '--json');
    expect(JSON.parse(disabled.stdout).environments.staging.enabled).toBe(false);
  });

  it('asks for --project when a name is in several projects, and reports bad input', async () => {
    const ambiguous = await flags('enable', 'shared', '--env', 'staging');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('exists in projects checkout, search; pass --project');
    expect((await flags('enable', 'shared', '--env', 'staging', '--project', 'search')).stdout).toBe(
      'search/shared staging: on\n',
    );
    expect((await flags('enable', 'nope', '--env', 'staging')).stderr).toContain('No flag "nope"');
    const badPercent = await flags('rollout', 'new-cart', '--env', 'staging', '--percent', '120');
    expect(badPercent.code).not.toBe(0);
    expect(badPercent.stderr).toContain('--percent must be a whole number from 0 to 100');
    const badEnv = await flags('enable', 'new-cart', '--env', 'moon');
    expect(badEnv.code).not.toBe(0);
    expect(badEnv.stderr).toContain('No environment "moon"');
  });
});
