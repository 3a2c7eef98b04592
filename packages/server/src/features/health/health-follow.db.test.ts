import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../platform/git/index.js';
import { REFRESH_ALL_JOB } from './jobs.js';
import {
  createHealthHarness,
  exampleDefinitionFiles,
  HEALTH_ADMIN,
  type HealthHarness,
} from './testing/health-harness.js';

let h: HealthHarness;
const componentRef = (name: string) => `component:default/${name}`;

async function commit(repoPath: string, file: string, content: string) {
  writeFileSync(join(repoPath, file), content);
  await runGit(['add', '--all'], { cwd: repoPath });
  await runGit(['-c', 'user.name=T', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', `change ${file}`], {
    cwd: repoPath,
  });
}

async function until(what: string, done: () => Promise<boolean>): Promise<void> {
  // Generous: under a full CI run the PostgreSQL queue can take tens of seconds to reach the job.
  const deadline = Date.now() + 100_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await createHealthHarness({ size: 4 });
  await h.health.service.loadDefinitionFiles(HEALTH_ADMIN, exampleDefinitionFiles());
  await h.queue.start();
  await h.queue.enqueue(REFRESH_ALL_JOB, {});
  await until(
    'every component is evaluated',
    async () =>
      (await h.store.entityStates()).filter((s) => s.entity_ref.startsWith('component:')).length ===
      h.demo.repos.length,
  );
}, 150_000);
afterAll(() => h?.dispose());

describe('tech health follows the catalog', () => {
  it('refreshes a changed descriptor in a job, and drops a removed entity from roll-ups', async () => {
    const repo = h.demo.repos[1]!;
    const ref = componentRef(repo.name);
    const descriptor = readFileSync(join(repo.path, 'catalog-info.yaml'), 'utf8');
    await commit(
      repo.path,
      'catalog-info.yaml',
      descriptor.replace(/description: .*/, 'description: Rewritten to test the follow-up'),
    );
    const location = (await h.catalog.service.listLocations()).find((l) => l.target === repo.path);
    if (!location) throw new Error('the repository is not a location');
    await h.catalog.service.refreshLocationNow(location.id);
    await until('the changed entity is collected again', async () => {
      const facts = (await h.health.service.entityHealth(ref)).facts.catalog?.facts as
        | { description?: string }
        | undefined;
      return facts?.description === 'Rewritten to test the follow-up';
    });

    const before = (await h.health.service.rollup('group:default/cadence-engineering')).components;
    expect(before).toBe(h.demo.repos.length);
    await h.catalog.service.deleteLocation(HEALTH_ADMIN, location.id);
    expect(await h.store.entityStates([ref])).toEqual([]);
    expect((await h.health.service.rollup('group:default/cadence-engineering')).components).toBe(before - 1);
    // History stays, so trends keep the past.
    expect((await h.health.service.entityHistory(ref)).results.length).toBeGreaterThan(0);
  }, 150_000);
});
