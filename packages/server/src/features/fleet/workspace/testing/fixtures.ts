import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGit } from '../../../../platform/git/index.js';
import { createTestRepo, type TestRepo } from '../../../../platform/git/testing/test-repo.js';
import type { ApplyBuiltinStep } from '../plan-change.js';

/** Temp dirs and repositories made by a test file, removed by {@link Fixtures.dispose}. */
export interface Fixtures {
  tempDir(prefix?: string): string;
  /** A repository with `main` checked out that accepts pushes to `main` (like the demo fleet's). */
  remote(files: Record<string, string>): Promise<TestRepo>;
  dispose(): void;
}

/**
 * Creates a fixtures collector for one test file.
 *
 * @example
 * const fx = createFixtures();
 * afterAll(() => fx.dispose());
 */
export function createFixtures(): Fixtures {
  const cleanups: (() => void)[] = [];
  return {
    tempDir(prefix = 'backbeat-fleet-') {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    async remote(files) {
      const repo = await createTestRepo(files);
      cleanups.push(() => repo.dispose());
      await runGit(['config', 'receive.denyCurrentBranch', 'updateInstead'], { cwd: repo.dir });
      return repo;
    },
    dispose() {
      for (const fn of cleanups.splice(0)) fn();
    },
  };
}

/**
 * A stand-in for the built-in transforms, enough to drive planning: `replace` on one
 * file named by `files` (no glob), `set-value` writes `String(value)` to `file` as is
 * (so tests can make a built-in step misbehave), `delete-value` deletes `file`.
 */
export const fakeBuiltinStep: ApplyBuiltinStep = async (step, workdir) => {
  switch (step.type) {
    case 'replace': {
      const file = join(workdir, step.files);
      const before = readFileSync(file, 'utf8');
      const after = before.replace(new RegExp(step.pattern, `g${step.flags ?? ''}`), step.replacement);
      writeFileSync(file, after);
      return { changedFiles: before === after ? [] : [step.files], log: `replaced in ${step.files}` };
    }
    case 'set-value': {
      const file = join(workdir, step.file);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, String(step.value));
      return { changedFiles: [step.file], log: `wrote ${step.file}` };
    }
    case 'delete-value':
      rmSync(join(workdir, step.file), { force: true });
      return { changedFiles: [step.file], log: `deleted ${step.file}` };
    default:
      throw new Error(`The fake does not do ${step.type}`);
  }
};

/** Fixed metadata for test commits. */
export const TEST_COMMIT = {
  message: 'Bump log-lib to 2.17.1\n\nPlanned by a test.',
  author: { name: 'Backbeat Bot', email: 'bot@backbeat.invalid' },
  date: '2025-03-01T10:00:00Z',
};
