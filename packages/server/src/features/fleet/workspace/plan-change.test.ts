import { readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGit } from '../../../platform/git/index.js';
import type { ShiftStep } from '../model/shift-spec.js';
import { resolveBase, syncMirror } from './mirror-sync.js';
import { PlanError, type PlanResult, planChange } from './plan-change.js';
import { recreateCommit } from './recreate-commit.js';
import { createFixtures, fakeBuiltinStep, TEST_COMMIT } from './testing/fixtures.js';

const fx = createFixtures();
afterAll(() => fx.dispose());

const PACKAGE_JSON = '{\n  "name": "web",\n  "dependencies": {\n    "log-lib": "2.14.1"\n  }\n}\n';

async function setup(files: Record<string, string> = { 'package.json': PACKAGE_JSON, 'README.md': '# Web\n' }) {
  const repo = await fx.remote(files);
  const mirrorsDir = fx.tempDir();
  const worktreesDir = fx.tempDir();
  const { mirrorDir } = await syncMirror(repo.dir, mirrorsDir);
  const base = await resolveBase(mirrorDir);
  const plan = (steps: ShiftStep[], env: Record<string, string> = {}) =>
    planChange({
      mirrorDir,
      worktreesDir,
      baseCommit: base.commit,
      steps,
      applyBuiltinStep: fakeBuiltinStep,
      commit: TEST_COMMIT,
      env,
    });
  return { repo, mirrorsDir, mirrorDir, worktreesDir, base, plan };
}

const bump: ShiftStep = { type: 'replace', files: 'package.json', pattern: '"2\\.14\\.1"', replacement: '"2.17.1"' };
const command = (run: string, timeoutSeconds = 30, env: Record<string, string> = {}): ShiftStep => ({
  type: 'command',
  run,
  timeoutSeconds,
  env,
});

async function git(gitDir: string, ...args: string[]): Promise<string> {
  return (await runGit(['--git-dir', gitDir, ...args])).stdout.toString('utf8').trim();
}

function changed(result: PlanResult) {
  if (result.status !== 'changed') throw new Error(`expected a change, got ${result.status}`);
  return result;
}

async function planError(promise: Promise<unknown>): Promise<PlanError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlanError);
  return error as PlanError;
}

describe('syncMirror and resolveBase', () => {
  it('clones once, fetches afterwards and resolves the default or a named branch', async () => {
    const repo = await fx.remote({ 'a.txt': 'one\n' });
    const mirrorsDir = fx.tempDir();
    const first = await syncMirror(repo.dir, mirrorsDir);
    expect(first.cloned).toBe(true);
    const head = await repo.commit({ 'a.txt': 'two\n' });
    await runGit(['branch', 'release'], { cwd: repo.dir });
    const second = await syncMirror(repo.dir, mirrorsDir);
    expect(second).toEqual({ mirrorDir: first.mirrorDir, cloned: false });
    expect(await resolveBase(first.mirrorDir)).toEqual({ branch: 'main', commit: head });
    expect(await resolveBase(first.mirrorDir, 'release')).toEqual({ branch: 'release', commit: head });
    await expect(resolveBase(first.mirrorDir, 'nope')).rejects.toThrow(/Branch "nope" does not exist/);
    await expect(resolveBase(first.mirrorDir, '--upload-pack=x')).rejects.toThrow(/not valid/);
  });

  it('runs concurrent syncs of one mirror one after the other', async () => {
    const repo = await fx.remote({ 'a.txt': 'one\n' });
    const mirrorsDir = fx.tempDir();
    const results = await Promise.all([1, 2, 3].map(() => syncMirror(repo.dir, mirrorsDir)));
    expect(results.map((r) => r.cloned)).toEqual([true, false, false]);
  });
});

describe('planChange', () => {
  it('runs built-in and command steps, commits with fixed metadata and returns diff and stats', async () => {
    const { mirrorDir, worktreesDir, base, plan } = await setup();
    const result = changed(
      await plan(
        [
          bump,
          command('printf "%s %s\\n" "$BACKBEAT_SHIFT" "$STEP_VAR" > env.txt; echo step ran', 30, { STEP_VAR: 'v' }),
        ],
        { BACKBEAT_SHIFT: 'bump-log-lib' },
      ),
    );
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(result.stats).toEqual({ files: 2, additions: 2, deletions: 1 });
    expect(result.diff).toContain('-    "log-lib": "2.14.1"');
    expect(result.diff).toContain('+    "log-lib": "2.17.1"');
    expect(result.diff).toContain('+bump-log-lib v');
    expect(result.log).toContain('# spec.steps[0] (replace)');
    expect(result.log).toContain('replaced in package.json');
    expect(result.log).toContain('step ran');
    // The commit lives in the mirror, on the base, with exactly the given metadata.
    expect(await git(mirrorDir, 'rev-parse', `${result.commit}^`)).toBe(base.commit);
    expect(await git(mirrorDir, 'show', '-s', '--format=%an <%ae> %aI|%cn <%ce> %cI|%B', result.commit)).toBe(
      'Backbeat Bot <bot@backbeat.invalid> 2025-03-01T10:00:00+00:00|Backbeat Bot <bot@backbeat.invalid> 2025-03-01T10:00:00+00:00|' +
        TEST_COMMIT.message,
    );
    // The stored diff is what git says between base and commit.
    expect(result.diff).toBe(`${await git(mirrorDir, 'diff', '--binary', base.commit, result.commit)}\n`);
    // No worktree is left behind, on disk or in the mirror's bookkeeping.
    expect(readdirSync(worktreesDir)).toEqual([]);
    expect((await git(mirrorDir, 'worktree', 'list')).split('\n')).toHaveLength(1);
  });

  it('gives the same commit id when re-planned, and recreateCommit rebuilds it in another mirror', async () => {
    const { repo, plan } = await setup({ 'package.json': PACKAGE_JSON, 'logo.bin': '\0\u0001\u0002' });
    const steps = [
      bump,
      command("printf '\\000\\003' > logo.bin; rm -f README.md; mkdir -p docs && echo hi > docs/x.md"),
    ];
    const first = changed(await plan(steps));
    const second = changed(await plan(steps));
    expect(second.commit).toBe(first.commit);
    expect(second.diff).toBe(first.diff);
    expect(first.diff).toContain('GIT binary patch');

    const other = await syncMirror(repo.dir, fx.tempDir());
    const base = await resolveBase(other.mirrorDir);
    await expect(git(other.mirrorDir, 'cat-file', '-e', first.commit)).rejects.toThrow();
    const recreated = await recreateCommit({
      mirrorDir: other.mirrorDir,
      worktreesDir: fx.tempDir(),
      baseCommit: base.commit,
      diff: first.diff,
      commit: TEST_COMMIT,
    });
    expect(recreated).toBe(first.commit);
    expect(await git(other.mirrorDir, 'cat-file', '-t', recreated)).toBe('commit');
  });

  it('reports no change when the steps change nothing', async () => {
    const { worktreesDir, plan } = await setup();
    const result = await plan([command('echo looked around; touch README.md')]);
    expect(result).toEqual({ status: 'no-change', log: expect.stringContaining('looked around') });
    expect(readdirSync(worktreesDir)).toEqual([]);
  });

  it('fails with the step index, type and the log so far when a command fails', async () => {
    const { worktreesDir, plan } = await setup();
    const error = await planError(plan([bump, command('echo about to fail; exit 3')]));
    expect(error.message).toBe('spec.steps[1] (command) failed with exit code 3');
    expect(error.stepIndex).toBe(1);
    expect(error.log).toContain('replaced in package.json');
    expect(error.log).toContain('about to fail');
    expect(readdirSync(worktreesDir)).toEqual([]);
  });

  it('fails a command that runs past its timeout', async () => {
    const { plan } = await setup();
    const started = Date.now();
    const error = await planError(plan([command('echo waiting; sleep 30', 1)]));
    expect(error.message).toBe('spec.steps[0] (command) timed out after 1 s');
    expect(error.log).toContain('waiting');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails a built-in step that throws, naming it', async () => {
    const { plan } = await setup();
    const missing: ShiftStep = { type: 'replace', files: 'nope.json', pattern: 'x', replacement: 'y' };
    const error = await planError(plan([missing]));
    expect(error.message).toMatch(/^spec\.steps\[0\] \(replace\) failed: ENOENT/);
  });

  it('refuses to commit a symlink that points outside the workspace', async () => {
    const { plan } = await setup();
    const absolute = await planError(plan([command('ln -s /etc/passwd leak')]));
    expect(absolute.message).toBe(
      'spec.steps[0] (command) left the workspace unsafe to commit: symlink "leak" points outside the workspace (to "/etc/passwd")',
    );
    const relative = await planError(plan([command('mkdir -p a/b && ln -s ../../.. a/b/up')]));
    expect(relative.message).toMatch(/symlink "a\/b\/up" points outside/);
    // Through a link to "." the text "self/.." looks inside but really leaves.
    const sneaky = await planError(plan([command('ln -s . self && ln -s self/.. escape')]));
    expect(sneaky.message).toMatch(/symlink "escape" points outside/);
    // Links that stay inside are fine.
    const inside = changed(await plan([command('mkdir -p docs && ln -s ../README.md docs/readme')]));
    expect(inside.diff).toContain('new file mode 120000');
  });

  it('keeps symlinks the repository already had', async () => {
    const repo = await fx.remote({ 'package.json': PACKAGE_JSON });
    symlinkSync('/etc/hostname', join(repo.dir, 'hostname'));
    await repo.commit({}, 'add a link');
    const { mirrorDir } = await syncMirror(repo.dir, fx.tempDir());
    const base = await resolveBase(mirrorDir);
    const result = await planChange({
      mirrorDir,
      worktreesDir: fx.tempDir(),
      baseCommit: base.commit,
      steps: [bump],
      applyBuiltinStep: fakeBuiltinStep,
      commit: TEST_COMMIT,
      env: {},
    });
    expect(result.status).toBe('changed');
  });

  it('refuses changes to the worktree .git file and nested .git entries', async () => {
    const { plan } = await setup();
    const fromCommand = await planError(plan([command('echo "gitdir: /tmp/elsewhere" > .git')]));
    expect(fromCommand.message).toBe('spec.steps[0] (command) failed with exit code 2');
    const fromBuiltin = await planError(plan([{ type: 'set-value', file: '.git', path: 'x', value: 'gitdir: /x' }]));
    expect(fromBuiltin.message).toMatch(/left the workspace unsafe to commit: the workspace's ".git" file was changed/);
    const nested = await planError(plan([command('mkdir -p sub/.git && echo x > sub/.git/config')]));
    expect(nested.message).toMatch(/"sub\/\.git" is a "\.git" entry inside the workspace/);
  });

  it('fails on commit metadata git would not store as given', async () => {
    const { mirrorDir, worktreesDir, base } = await setup();
    const error = await planError(
      planChange({
        mirrorDir,
        worktreesDir,
        baseCommit: base.commit,
        steps: [bump],
        applyBuiltinStep: fakeBuiltinStep,
        commit: { ...TEST_COMMIT, author: { name: 'Eve <eve@x>', email: 'e@x' } },
        env: {},
      }),
    );
    expect(error.message).toMatch(/Commit author\.name "Eve <eve@x>" must be/);
  });

  it('refuses a change whose diff would not survive being stored as text', async () => {
    const { plan } = await setup();
    const error = await planError(plan([command("printf 'caf\\351\\n' > latin1.txt")]));
    expect(error.message).toMatch(/not UTF-8 text.*latin1\.txt/);
  });
});
