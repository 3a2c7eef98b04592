import { describe, expect, it } from 'vitest';
import { GitError, runGit } from './run-git.js';
import { type ChildRequest, helperPid, runDirect, runInHelper } from './spawn-helper.js';

const request = (command: string, args: string[], extra: Partial<ChildRequest> = {}): ChildRequest => ({
  command,
  args,
  env: { PATH: process.env.PATH },
  input: '',
  timeoutMs: 10_000,
  ...extra,
});

describe('the process helper', () => {
  it('gives the same outcome as starting the process here: exit code, output bytes and stdin', async () => {
    const script = 'process.stdin.pipe(process.stdout); process.stderr.write("to stderr"); process.exitCode = 3;';
    const bytes = Buffer.from([0, 255, 10, 200, 1]);
    const cases = [
      request(process.execPath, ['-e', script], { input: bytes }),
      request('head', ['-c', '3000000', '/dev/urandom']),
    ];
    for (const child of cases) {
      const [direct, helped] = [await runDirect(child), await runInHelper(child)];
      expect(helped.code).toBe(direct.code);
      expect(helped.stderr.toString()).toBe(direct.stderr.toString());
      if (child.command === 'head') {
        expect(helped.stdout).toHaveLength(3_000_000);
      } else {
        expect(helped.stdout.equals(bytes)).toBe(true);
        expect(direct.stdout.equals(bytes)).toBe(true);
      }
      expect(Buffer.isBuffer(helped.stdout)).toBe(true);
    }
    expect(helperPid()).toBeGreaterThan(0);
    expect(helperPid()).not.toBe(process.pid);
  });

  it('kills a process at its timeout and reports a program that cannot start', async () => {
    const slow = await runInHelper(request('sleep', ['5'], { timeoutMs: 200 }));
    expect(slow.timedOut).toBe(true);
    const missing = await runInHelper(request('no-such-program-for-backbeat', []));
    expect(missing.startError).toMatch(/ENOENT/);
    await expect(runGit(['--no-such-git-option'])).rejects.toThrow(GitError);
  });

  it('answers the requests of a helper that died, and starts a new one for the next', async () => {
    await runInHelper(request('true', []));
    const first = helperPid() as number;
    const pending = runInHelper(request('sleep', ['5']));
    process.kill(first, 'SIGKILL');
    const outcome = await pending;
    expect(outcome.startError).toMatch(/helper exited/);
    expect(outcome.code).toBeNull();

    const again = await runInHelper(request('git', ['--version']));
    expect(again.stdout.toString()).toMatch(/^git version/);
    expect(helperPid()).not.toBe(first);
  });
});
