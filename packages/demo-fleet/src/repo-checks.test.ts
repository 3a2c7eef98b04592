import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildDemoOrg } from './demo-org.js';
import { planFleet } from './fleet-plan.js';
import { type Fleet, generateFleet } from './generate-fleet.js';
import { CHECK_SCRIPT, CHECKS_FILE } from './repo-checks.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const root = mkdtempSync(join(tmpdir(), 'demo-fleet-checks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SIZE = 20;
let fleet: Fleet;
beforeAll(async () => {
  fleet = await generateFleet({ dir: join(root, 'fleet'), size: SIZE, seed: 3 });
});

function runCheck(repoPath: string) {
  return spawnSync('sh', [CHECK_SCRIPT], { cwd: repoPath, encoding: 'utf8' });
}

describe('demo fleet checks', () => {
  it('declares a check command in every repository', () => {
    for (const repo of fleet.repos) {
      expect(readFileSync(join(repo.path, CHECKS_FILE), 'utf8')).toContain(`command: sh ${CHECK_SCRIPT}\n`);
    }
  });

  it('passes where the plan has tests and fails honestly where it has none', () => {
    const plans = planFleet(buildDemoOrg({ size: SIZE, seed: 3 }), { size: SIZE, seed: 3 });
    const kinds = new Set<string>();
    for (const [index, repo] of fleet.repos.entries()) {
      const result = runCheck(repo.path);
      if (plans[index]!.health.tests) {
        expect({ repo: repo.name, status: result.status, out: result.stdout }).toEqual({
          repo: repo.name,
          status: 0,
          out: 'checks passed\n',
        });
        kinds.add(repo.kind);
      } else {
        expect(result.status).toBe(1);
        expect(result.stderr).toMatch(/^check failed: no tests: /);
      }
    }
    expect(kinds.size).toBeGreaterThan(2);
    expect(plans.some((p) => !p.health.tests)).toBe(true);
  });

  it('catches a manifest that no longer parses', () => {
    const plans = planFleet(buildDemoOrg({ size: SIZE, seed: 3 }), { size: SIZE, seed: 3 });
    const index = plans.findIndex((p) => p.kind === 'node-service' && p.health.tests);
    const repo = fleet.repos[index]!;
    writeFileSync(join(repo.path, 'package.json'), '{ "name": ');
    const result = runCheck(repo.path);
    git(repo.path, 'checkout', '--', 'package.json');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('check failed: package.json is not valid JSON');
  });

  it('accepts a push to the checked-out main and updates the work tree', () => {
    const repo = fleet.repos[0]!;
    const clone = join(root, 'clone');
    git(root, 'clone', '--quiet', repo.path, clone);
    writeFileSync(join(clone, 'NOTES.md'), 'merged by a shift\n');
    git(clone, 'add', 'NOTES.md');
    git(clone, '-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '--quiet', '-m', 'notes');
    git(clone, 'push', '--quiet', 'origin', 'main');
    expect(readFileSync(join(repo.path, 'NOTES.md'), 'utf8')).toBe('merged by a shift\n');
    expect(git(repo.path, 'status', '--porcelain')).toBe('');
  });
});
