import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './program.js';
import { captureIo, runForTest } from './testing/cli-harness.js';
import { createGitRepo } from './testing/git-fixture.js';
import { createPostgresDatabase, onPostgres } from './testing/test-postgres.js';

const ADMIN_TOKEN = 'bb_admin_token_for_cli_tests_0123456789';

const DESCRIPTOR = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: playlist-api
  description: Builds and serves playlists
spec:
  type: service
  owner: team-playlists
  lifecycle: production
`;

/** Waits (bounded) for a long-running verb to print `pattern`; fails fast if it stopped instead. */
async function waitForOutput(
  pattern: RegExp,
  output: { stdout: () => string; stderr: () => string },
  running: Promise<number>,
): Promise<RegExpExecArray> {
  let exited: number | undefined;
  running.then((code) => {
    exited = code;
  });
  for (let attempt = 0; attempt < 600; attempt++) {
    const match = pattern.exec(output.stdout());
    if (match) return match;
    if (exited !== undefined) throw new Error(`exited with ${exited}:\n${output.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`did not print ${pattern}:\n${output.stdout()}\n${output.stderr()}`);
}

describe('backbeat serve, then client commands against it', () => {
  let work: string;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let env: NodeJS.ProcessEnv;
  const stop = new AbortController();
  let serving: Promise<number>;
  let serveOutput: ReturnType<typeof captureIo>;
  let client: NodeJS.ProcessEnv;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'backbeat-cli-serve-'));
    createGitRepo(join(work, 'playlist-api'), { 'catalog-info.yaml': DESCRIPTOR });
    if (onPostgres()) database = await createPostgresDatabase();
    env = {
      BACKBEAT_ADMIN_TOKEN: ADMIN_TOKEN,
      BACKBEAT_LOG_LEVEL: 'warn',
      ...(database ? { BACKBEAT_DATABASE_URL: database.url } : {}),
    };

    const migrate = await runForTest(['db', 'migrate', '--data-dir', join(work, 'data'), '--json'], { env, cwd: work });
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(JSON.parse(migrate.stdout).applied).toContainEqual(expect.stringMatching(/^catalog\//));

    serveOutput = captureIo({ env, cwd: work, stopSignal: stop.signal });
    serving = runCli(['serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', 'data'], serveOutput.io);
    const [, url] = await waitForOutput(/Backbeat is listening on (http:\/\/\S+)/, serveOutput, serving);
    client = { BACKBEAT_URL: url, BACKBEAT_TOKEN: ADMIN_TOKEN };
  });

  afterAll(async () => {
    stop.abort();
    await serving;
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('db migrate has nothing left to apply after the first run', async () => {
    const again = await runForTest(['db', 'migrate', '--data-dir', 'data'], { env, cwd: work });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('no migrations to apply');
  });

  it('prints the first-start admin sign-in link', () => {
    expect(serveOutput.stdout()).toMatch(/one-time link.*\n\s+http:\/\/\S+\/api\/auth\/link\/\S+/);
  });

  it('registers a local git repository and shows the entity it holds', async () => {
    const register = await runForTest(['catalog', 'register', 'playlist-api'], { env: client, cwd: work });
    expect(register.stderr).toBe('');
    expect(register.code).toBe(0);
    expect(register.stdout).toContain(`(git ${join(work, 'playlist-api')}) with 1 entity.`);
    expect(register.stdout).toMatch(/^component:default\/playlist-api\s+service\s+\S*team-playlists\s+production$/m);

    // Ingestion may finish after the registration answer; the entity appears within a bounded wait.
    let get = await runForTest(['catalog', 'get', 'playlist-api'], { env: client });
    for (let attempt = 0; get.code !== 0 && attempt < 100; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      get = await runForTest(['catalog', 'get', 'playlist-api'], { env: client });
    }
    expect(get.stderr).toBe('');
    expect(get.code).toBe(0);
    expect(get.stdout).toContain('component:default/playlist-api\n');
    expect(get.stdout).toContain('  description: Builds and serves playlists\n');
    expect(get.stdout).toMatch(/^ {2}owner: \S*team-playlists$/m);

    const json = await runForTest(['catalog', 'get', 'component:default/playlist-api', '--json'], { env: client });
    expect(JSON.parse(json.stdout)).toMatchObject({ kind: 'Component', metadata: { name: 'playlist-api' } });

    const list = await runForTest(['catalog', 'list', '--filter', 'kind=component'], { env: client });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^component:default\/playlist-api\s+service/m);
  });

  it('shows the registration in the audit trail', async () => {
    const audit = await runForTest(['audit', 'list', '--type-prefix', 'catalog.location.', '--json'], { env: client });
    expect(audit.code, audit.stderr).toBe(0);
    const { items } = JSON.parse(audit.stdout);
    expect(items.map((e: { type: string }) => e.type)).toContain('catalog.location.registered');

    const table = await runForTest(['audit', 'list', '--type-prefix', 'catalog.location.registered'], { env: client });
    expect(table.stdout).toMatch(/^\S+\s+catalog\.location\.registered\s+/m);
  });

  it('creates, lists, uses and revokes an API token', async () => {
    const created = await runForTest(['token', 'create', 'ci-reader', '--scope', 'read', '--json'], { env: client });
    expect(created.code, created.stderr).toBe(0);
    const { token, id } = JSON.parse(created.stdout);
    expect(token).toEqual(expect.any(String));

    const list = await runForTest(['token', 'list'], { env: client });
    expect(list.stdout).toMatch(new RegExp(`^${id}\\s+ci-reader\\s+\\S+\\s+read\\s+active`, 'm'));

    const reader = { ...client, BACKBEAT_TOKEN: token };
    expect((await runForTest(['catalog', 'list'], { env: reader })).code).toBe(0);

    const revoke = await runForTest(['token', 'revoke', id], { env: client });
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(`Revoked token ${id} "ci-reader".`);
    const refused = await runForTest(['catalog', 'list'], { env: reader });
    expect(refused.code).toBe(1);
  });

  it('answers an unknown entity with the server’s problem detail and exit 1', async () => {
    const get = await runForTest(['catalog', 'get', 'no-such-thing'], { env: client });
    expect(get.code).toBe(1);
    expect(get.stderr).toMatch(/^Error: .*component:default\/no-such-thing/m);
  });

  it('says so when the port is taken, and exits 1', async () => {
    const port = new URL(client.BACKBEAT_URL!).port;
    const second = await runForTest(['serve', '--port', port, '--host', '127.0.0.1', '--data-dir', 'data-2'], {
      env,
      cwd: work,
    });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
  });

  it.runIf(onPostgres())('runs a jobs-only worker on PostgreSQL until stopped', async () => {
    const stopWorker = new AbortController();
    const output = captureIo({ env, cwd: work, stopSignal: stopWorker.signal });
    const running = runCli(['worker', '--data-dir', 'data'], output.io);
    await waitForOutput(/Backbeat worker is processing jobs/, output, running);
    stopWorker.abort();
    expect(await running).toBe(0);
  });

  it('refuses client commands without a token', async () => {
    const list = await runForTest(['catalog', 'list'], { env: { BACKBEAT_URL: client.BACKBEAT_URL } });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('BACKBEAT_TOKEN');
  });
});
