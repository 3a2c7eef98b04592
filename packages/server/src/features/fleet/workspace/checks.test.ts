import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckConfigError, parseChecksFile, readCheckCommand, runChecks } from './checks.js';
import { resolveBase, syncMirror } from './mirror-sync.js';
import { createFixtures } from './testing/fixtures.js';

const fx = createFixtures();
afterAll(() => fx.dispose());

async function mirrorOf(files: Record<string, string>) {
  const repo = await fx.remote(files);
  const { mirrorDir } = await syncMirror(repo.dir, fx.tempDir());
  const { commit } = await resolveBase(mirrorDir);
  return { mirrorDir, commit };
}

const CHECK_SCRIPT =
  'set -e\nnode -e \'JSON.parse(require("fs").readFileSync("package.json","utf8"))\'\ntest -d test\necho checks ok\n';

describe('readCheckCommand', () => {
  it('reads .backbeat/checks.yaml at the commit, and lets the annotation win', async () => {
    const { mirrorDir, commit } = await mirrorOf({
      '.backbeat/checks.yaml': '# how to check\ncommand: sh scripts/check.sh\ntimeoutSeconds: 120\n',
    });
    expect(await readCheckCommand(mirrorDir, commit)).toEqual({
      command: 'sh scripts/check.sh',
      timeoutSeconds: 120,
      source: '.backbeat/checks.yaml',
    });
    expect(await readCheckCommand(mirrorDir, commit, ' npm test ')).toEqual({
      command: 'npm test',
      source: 'annotation',
    });
  });

  it('is undefined when nothing declares a command', async () => {
    const { mirrorDir, commit } = await mirrorOf({ 'README.md': '# r\n' });
    expect(await readCheckCommand(mirrorDir, commit)).toBeUndefined();
    expect(await readCheckCommand(mirrorDir, commit, '  ')).toBeUndefined();
  });

  it('names the line or field of a malformed file', async () => {
    const { mirrorDir, commit } = await mirrorOf({ '.backbeat/checks.yaml': 'command: [unclosed\n' });
    await expect(readCheckCommand(mirrorDir, commit)).rejects.toThrow(/^\.backbeat\/checks\.yaml line 2, column 1: /);
    expect(() => parseChecksFile('timeoutSeconds: 5\n')).toThrow(/field "command" must be a non-empty string/);
    expect(() => parseChecksFile('command: x\ntimeoutSeconds: soon\n')).toThrow(CheckConfigError);
    expect(() => parseChecksFile('- a list\n')).toThrow(/must be a mapping/);
  });
});

describe('runChecks', () => {
  const files = { 'package.json': '{"name":"web"}\n', 'scripts/check.sh': CHECK_SCRIPT };

  it("passes when the command succeeds in the change's work tree", async () => {
    const { mirrorDir, commit } = await mirrorOf({ ...files, 'test/a.test.js': '' });
    const worktreesDir = fx.tempDir();
    const result = await runChecks({
      mirrorDir,
      worktreesDir,
      commit,
      command: 'sh scripts/check.sh',
      timeoutSeconds: 30,
    });
    expect(result.passed).toBe(true);
    expect(result.log).toBe('$ sh scripts/check.sh\nchecks ok\nPassed.\n');
    expect(result.durationMs).toBeGreaterThan(0);
    expect(readdirSync(worktreesDir)).toEqual([]);
  });

  it('fails honestly when what the check requires is missing', async () => {
    const { mirrorDir, commit } = await mirrorOf(files);
    const result = await runChecks({
      mirrorDir,
      worktreesDir: fx.tempDir(),
      commit,
      command: 'sh scripts/check.sh',
      timeoutSeconds: 30,
    });
    expect(result.passed).toBe(false);
    expect(result.log).toMatch(/Failed with exit code 1\.\n$/);
  });

  it('fails a check that runs past its timeout', async () => {
    const { mirrorDir, commit } = await mirrorOf(files);
    const result = await runChecks({
      mirrorDir,
      worktreesDir: fx.tempDir(),
      commit,
      command: 'sleep 30',
      timeoutSeconds: 1,
    });
    expect(result.passed).toBe(false);
    expect(result.log).toMatch(/Timed out after 1 s\.\n$/);
    expect(result.durationMs).toBeLessThan(10_000);
  });
});
