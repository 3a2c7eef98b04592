import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSandboxed, SANDBOX_OUTPUT_LIMIT, sandboxStatus } from './run-sandboxed.js';

let root: string;
let workdir: string;
let sibling: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'backbeat-sandbox-test-'));
  workdir = join(root, 'workspace');
  sibling = join(root, 'neighbour');
  mkdirSync(workdir);
  mkdirSync(sibling);
  writeFileSync(join(sibling, 'secret.txt'), 'neighbour data\n');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(command: string, options: { env?: Record<string, string>; timeoutMs?: number } = {}) {
  return runSandboxed({ command, workdir, env: options.env ?? {}, timeoutMs: options.timeoutMs ?? 10_000 });
}

describe('runSandboxed', () => {
  it('is available on this machine', () => {
    expect(sandboxStatus()).toEqual({ available: true });
  });

  it('lets a command write its workspace and captures stdout and stderr in order', async () => {
    const result = await run(
      'echo one; echo two >&2; printf "%s" "$HOME" > home.txt; mkdir -p out && echo kept > out/f',
    );
    expect(result).toEqual({ exitCode: 0, timedOut: false, output: 'one\ntwo\n' });
    expect(readFileSync(join(workdir, 'out/f'), 'utf8')).toBe('kept\n');
    expect(readFileSync(join(workdir, 'home.txt'), 'utf8')).toBe(workdir);
  });

  it('reports the exit code of a failing command', async () => {
    const result = await run('echo about to fail; exit 7');
    expect(result.exitCode).toBe(7);
    expect(result.output).toBe('about to fail\n');
  });

  it('cannot write or read outside its workspace', async () => {
    const outsideFile = join(sibling, 'secret.txt');
    const write = await run(`echo pwned > '${outsideFile}'`);
    expect(write.exitCode).not.toBe(0);
    expect(readFileSync(outsideFile, 'utf8')).toBe('neighbour data\n');

    const read = await run(`cat '${outsideFile}'`);
    expect(read.exitCode).not.toBe(0);
    expect(read.output).not.toContain('neighbour data');
    const list = await run(`ls '${root}'`);
    expect(list.output).not.toContain('neighbour');

    const hostHomeFile = join(homedir(), `backbeat-sandbox-test-${process.pid}`);
    const home = await run(`echo pwned > '${hostHomeFile}'`);
    expect(home.exitCode).not.toBe(0);
    expect(existsSync(hostHomeFile)).toBe(false);

    const system = await run('echo pwned > /usr/backbeat-test; echo pwned > /backbeat-test');
    expect(system.output).toMatch(/Read-only file system/);
    expect(existsSync('/usr/backbeat-test')).toBe(false);
  });

  it('sees only the environment it is given', async () => {
    process.env.BACKBEAT_TEST_SERVER_SECRET = 'server-token-123';
    try {
      const result = await run('env', { env: { BACKBEAT_SHIFT: 'bump-log-lib' } });
      expect(result.exitCode).toBe(0);
      expect(result.output).toContain('BACKBEAT_SHIFT=bump-log-lib');
      expect(result.output).not.toContain('server-token-123');
      expect(result.output).not.toContain('BACKBEAT_TEST_SERVER_SECRET');
    } finally {
      delete process.env.BACKBEAT_TEST_SERVER_SECRET;
    }
  });

  it('has no network access', async () => {
    // Only a loopback interface of its own exists.
    const interfaces = await run("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    expect(interfaces.output).toBe('lo\n');
    // And a server listening on the host's loopback cannot be reached (when node is visible inside).
    if (!process.execPath.startsWith('/usr/')) return;
    const server: Server = createServer((socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const script = `const s=require('net').connect(${port},'127.0.0.1');s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(3))`;
      const result = await run(`node -e "${script}"`);
      expect(result.exitCode).toBe(3);
    } finally {
      server.close();
    }
  });

  it('kills the whole sandbox when the timeout passes', async () => {
    const started = Date.now();
    const result = await run('sleep 31.4159 & sleep 31.4159', { timeoutMs: 500 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(5_000);
    // Neither the shell's foreground nor its background sleep survives.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const survivors = readdirSync('/proc')
      .filter((pid) => /^\d+$/.test(pid))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('31.4159');
        } catch {
          return false;
        }
      });
    expect(survivors).toEqual([]);
  });

  it('keeps only the end of a long output', async () => {
    const result = await run('head -c 200000 /dev/zero | tr "\\0" a; echo; echo END');
    expect(result.exitCode).toBe(0);
    expect(result.output.endsWith('\nEND\n')).toBe(true);
    expect(result.output).toMatch(/^\[\.\.\. \d+ bytes of earlier output omitted \.\.\.\]\n/);
    expect(result.output.length).toBeLessThan(SANDBOX_OUTPUT_LIMIT + 100);
  });

  it('keeps read-only paths inside the workspace unchanged', async () => {
    writeFileSync(join(workdir, '.git'), 'gitdir: /somewhere\n');
    const result = await runSandboxed({
      command: 'echo "gitdir: /elsewhere" > .git; rm -f .git; mv .git moved',
      workdir,
      env: {},
      timeoutMs: 10_000,
      readOnlyPaths: [join(workdir, '.git')],
    });
    expect(result.exitCode).not.toBe(0);
    expect(readFileSync(join(workdir, '.git'), 'utf8')).toBe('gitdir: /somewhere\n');
  });

  it('rejects bad workspaces and environment names before running anything', async () => {
    await expect(runSandboxed({ command: 'true', workdir: 'relative', env: {}, timeoutMs: 1000 })).rejects.toThrow(
      /absolute/,
    );
    await expect(runSandboxed({ command: 'true', workdir: '/usr/lib', env: {}, timeoutMs: 1000 })).rejects.toThrow(
      /must not be under \/usr/,
    );
    await expect(run('true', { env: { 'BAD NAME': 'x' } })).rejects.toThrow(/"BAD NAME"/);
  });
});
