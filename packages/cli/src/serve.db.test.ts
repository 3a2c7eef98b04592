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

/** Waits (bounded) for `serve` to print where it listens; fails fast if it stopped instead. */
async function listeningUrl(stdout: () => string, stderr: () => string, serving: Promise<number>): Promise<string> {
  let exited: number | undefined;
  serving.then((code) => {
    exited = code;
  });
  for (let attempt = 0; attempt < 600; attempt++) {
    const match = /Backbeat is listening on (http:\/\/\S+)/.exec(stdout());
    if (match?.[1]) return match[1];
    if (exited !== undefined) throw new Error(`serve exited with ${exited}:\n${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`serve did not start:\n${stdout()}\n${stderr()}`);
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
    const url = await listeningUrl(serveOutput.stdout, serveOutput.stderr, serving);
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
    expect(serveOutput.stdout()).toMatch(/one-time link.*\n\s+http:\/\/\S+/);
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

  it('answers an unknown entity with the server’s problem detail and exit 1', async () => {
    const get = await runForTest(['catalog', 'get', 'no-such-thing'], { env: client });
    expect(get.code).toBe(1);
    expect(get.stderr).toMatch(/^Error: .*component:default\/no-such-thing/m);
  });

  it('refuses client commands without a token', async () => {
    const list = await runForTest(['catalog', 'list'], { env: { BACKBEAT_URL: client.BACKBEAT_URL } });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('BACKBEAT_TOKEN');
  });
});
