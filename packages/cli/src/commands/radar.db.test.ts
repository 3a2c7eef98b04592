import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backbeat, createBackbeat, loadConfig, SYSTEM_ACTOR } from '@backbeat/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runForTest } from '../testing/cli-harness.js';
import { createGitRepo } from '../testing/git-fixture.js';
import { createPostgresDatabase, onPostgres } from '../testing/test-postgres.js';

const ADMIN_TOKEN = 'bb_admin_token_for_radar_tests_0123456789';

const COMPONENT = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: web }
spec: { type: service, owner: team-a, lifecycle: production }
`;

const RADAR = `apiVersion: backbeat.dev/v1
kind: Radar
metadata: { name: golden-tech, title: Golden Tech }
spec:
  quadrants:
    - { id: frameworks, name: Frameworks }
    - { id: libraries, name: Libraries }
    - { id: tools, name: Tools }
    - { id: data, name: Data }
  entries:
    - id: express
      name: Express
      quadrant: frameworks
      ring: adopt
      match: { ecosystem: npm, name: express }
    - id: log-lib
      name: log-lib
      quadrant: libraries
      ring: adopt
      match: { ecosystem: npm, name: log-lib }
      versions:
        - { ring: hold, below: 2.17.1 }
`;

describe('backbeat radar against a real server', () => {
  let work: string;
  let backbeat: Backbeat;
  let env: NodeJS.ProcessEnv;
  let database: { url: string; drop(): Promise<void> } | undefined;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'backbeat-radar-cli-'));
    createGitRepo(join(work, 'web'), {
      'catalog-info.yaml': COMPONENT,
      'package.json': JSON.stringify({ name: 'web', dependencies: { express: '4.21.1', 'log-lib': '2.14.1' } }),
    });
    database = onPostgres() ? await createPostgresDatabase() : undefined;
    backbeat = await createBackbeat({
      config: loadConfig({
        env: {},
        overrides: {
          dataDir: join(work, 'data'),
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
    const { port } = await backbeat.listen();
    env = { BACKBEAT_URL: `http://127.0.0.1:${port}`, BACKBEAT_TOKEN: ADMIN_TOKEN };
    await backbeat.catalog.service.registerLocation({
      actor: SYSTEM_ACTOR,
      type: 'git',
      target: join(work, 'web'),
      options: { path: 'catalog-info.yaml' },
    });
    // The radar counts tech health's dependency facts; without a worker, collect them here.
    await backbeat.health.service.refresh();
    await writeFile(join(work, 'radar.yaml'), RADAR);
    await writeFile(
      join(work, 'broken.yaml'),
      RADAR.replace(
        'ring: adopt\n      match: { ecosystem: npm, name: express }',
        'ring: soon\n      match: { ecosystem: npm, name: express }',
      ),
    );
  });
  afterAll(async () => {
    await backbeat?.close();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('rejects a malformed file with file, line and field, then applies a good one', async () => {
    const bad = await runForTest(['radar', 'apply', '-f', 'broken.yaml'], { env, cwd: work });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('broken.yaml:14 spec.entries[0].ring');
    expect((await runForTest(['radar', 'list', '--json'], { env, cwd: work })).stdout.trim()).toBe('[]');
    const good = await runForTest(['radar', 'apply', '-f', 'radar.yaml', '--reason', 'first'], { env, cwd: work });
    expect(good.stderr).toBe('');
    expect(good.stdout).toContain('Applied radar golden-tech (2 entries)');
  });

  it('shows the radar with adoption, and an entry with its components and history', async () => {
    const show = await runForTest(['radar', 'show'], { env, cwd: work });
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/log-lib\s+Libraries\s+adopt\s+1\s+1\s+1\s+2\.14\.1/);
    const entry = await runForTest(['radar', 'entry', 'golden-tech', 'log-lib'], { env, cwd: work });
    expect(entry.stdout).toMatch(/component:default\/web\s+group:default\/team-a\s+log-lib\s+2\.14\.1\s+hold/);
    expect(entry.stdout).toMatch(/\(added\) -> adopt {2}Administrator.*: first\n/);
  });

  it('registers a radar file, reports its problems with file and line, and reads it again', async () => {
    await writeFile(join(work, 'platform.yaml'), RADAR.replace('name: golden-tech', 'name: platform'));
    const added = await runForTest(['radar', 'source', 'add', '--file', 'platform.yaml', '--json'], { env, cwd: work });
    expect(added.code).toBe(0);
    const status = JSON.parse(added.stdout);
    expect(status).toMatchObject({
      type: 'file',
      target: join(work, 'platform.yaml'),
      radar: 'platform',
      problems: [],
    });
    await writeFile(
      join(work, 'platform.yaml'),
      'apiVersion: backbeat.dev/v1\nkind: Radar\nmetadata: { name: platform }\nspec: {}\n',
    );
    const synced = await runForTest(['radar', 'source', 'sync', status.id], { env, cwd: work });
    expect(synced.code).toBe(1);
    expect(synced.stderr).toContain(`${join(work, 'platform.yaml')}:4 spec.quadrants: is required`);
    const list = await runForTest(['radar', 'source', 'list'], { env, cwd: work });
    expect(list.stdout).toMatch(/platform\.yaml\s+platform\s+\S+\s+.*was rejected/);
    expect((await runForTest(['radar', 'source', 'add'], { env, cwd: work })).code).toBe(2);
  });

  it('fails the CI check when a technology is in HOLD at the version used', async () => {
    const check = await runForTest(['radar', 'check', 'web'], { env, cwd: work });
    expect(check.code).toBe(1);
    // Both radars (golden-tech and the registered platform file) put log-lib 2.14.1 in hold.
    expect(check.stdout).toContain('FAIL: 2 in hold: log-lib 2.14.1, log-lib 2.14.1');
    const json = await runForTest(['radar', 'check', 'web', '--fail-on', 'assess', '--json'], { env, cwd: work });
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout);
    expect(answer.passed).toBe(true);
    expect(
      answer.items
        .map((i: { radar: string; entryId: string; ring: string }) => `${i.radar}/${i.entryId}:${i.ring}`)
        .sort(),
    ).toEqual([
      'golden-tech/express:adopt',
      'golden-tech/log-lib:hold',
      'platform/express:adopt',
      'platform/log-lib:hold',
    ]);
    expect((await runForTest(['radar', 'check', 'web', '--fail-on', 'never'], { env, cwd: work })).code).toBe(2);
  });
});
