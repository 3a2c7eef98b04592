import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, sep } from 'node:path';
import { bwrapArgs, VISIBLE_SYSTEM_DIRS } from './bwrap-args.js';

/** Output kept per run: the last 64 KiB, where the error usually is. */
export const SANDBOX_OUTPUT_LIMIT = 64 * 1024;

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Thrown when bubblewrap cannot run here; commands are never run without it. */
export class SandboxUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `Command steps need bubblewrap (the "bwrap" program, Debian/Ubuntu package "bubblewrap") ` +
        `to run sandboxed, and it cannot run here: ${reason}`,
    );
    this.name = 'SandboxUnavailableError';
  }
}

export interface SandboxRun {
  /** Shell text, run as `sh -c <command>`. */
  command: string;
  /** Absolute path of the workspace: the only host directory the command may write. */
  workdir: string;
  /** The command's whole environment besides PATH, LANG, HOME and TMPDIR; nothing of the server's leaks in. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Paths inside `workdir` the command may read but not change or remove (e.g. a worktree's `.git` file). */
  readOnlyPaths?: readonly string[];
}

export interface SandboxResult {
  /** Exit code of the command; null when it was killed. */
  exitCode: number | null;
  timedOut: boolean;
  /** stdout and stderr interleaved, at most {@link SANDBOX_OUTPUT_LIMIT} bytes (the end). */
  output: string;
}

/**
 * Runs `sh -c <command>` under bubblewrap: the system directories read-only, the
 * workspace read-write at its own path, a private /tmp, /dev and /proc, no network,
 * no capabilities, HOME set to the workspace, and only the given environment. The
 * data dir, other workspaces and the server's files are not visible. On timeout the
 * whole sandbox is killed. A command that fails is a result, not an exception; a
 * missing bubblewrap or a bad argument throws.
 *
 * @example
 * const { exitCode, output } = await runSandboxed({
 *   command: 'npm pkg set version=2.0.0',
 *   workdir: '/data/worktrees/3f2a9c',
 *   env: { BACKBEAT_SHIFT: 'bump-log-lib' },
 *   timeoutMs: 60_000,
 * });
 */
export async function runSandboxed(run: SandboxRun): Promise<SandboxResult> {
  const status = sandboxStatus();
  if (!status.available) throw new SandboxUnavailableError(status.reason ?? 'unknown reason');
  if (!run.command.trim()) throw new Error('Sandboxed command must not be empty');
  if (!Number.isFinite(run.timeoutMs) || run.timeoutMs <= 0) {
    throw new Error(`Sandbox timeout must be a positive number of milliseconds, got ${run.timeoutMs}`);
  }
  const workdir = checkedWorkdir(run.workdir);
  const readOnlyPaths = (run.readOnlyPaths ?? []).map((path) => {
    const real = realpathSync(path);
    if (!isInside(workdir, real)) throw new Error(`Read-only path "${path}" must be inside the workspace ${workdir}`);
    return real;
  });
  const env = sandboxEnv(run.env, workdir);
  // `exec 2>&1` first so stdout and stderr share one pipe and keep their real order.
  const args = [...bwrapArgs({ workdir, readOnlyPaths }), '--', '/bin/sh', '-c', `exec 2>&1\n${run.command}`];
  return spawnBwrap(args, env, run.timeoutMs);
}

let cachedStatus: { available: boolean; reason?: string } | undefined;

/**
 * Whether commands can run sandboxed here; checked once per process by starting a
 * trivial sandbox. When not, `reason` says why (not installed, user namespaces off).
 *
 * @example
 * const { available, reason } = sandboxStatus();
 * if (!available) logger.warn(`command steps disabled: ${reason}`);
 */
export function sandboxStatus(): { available: boolean; reason?: string } {
  if (cachedStatus) return cachedStatus;
  // The probe uses the real layout with an empty workspace, so that any mount
  // bubblewrap refuses here shows up now rather than in the first shift.
  const workdir = realpathSync(mkdtempSync(join(tmpdir(), 'backbeat-sandbox-probe-')));
  const probe = spawnSync('bwrap', [...bwrapArgs({ workdir, readOnlyPaths: [] }), '--', '/bin/sh', '-c', 'true'], {
    env: { PATH: DEFAULT_PATH },
    encoding: 'utf8',
    timeout: 10_000,
  });
  rmSync(workdir, { recursive: true, force: true });
  if (probe.error) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    cachedStatus = {
      available: false,
      reason: code === 'ENOENT' ? 'bwrap is not installed' : `bwrap could not start: ${probe.error.message}`,
    };
  } else if (probe.status !== 0) {
    cachedStatus = {
      available: false,
      reason: `bwrap exited with ${probe.status ?? probe.signal}: ${(probe.stderr || '').trim() || 'no message'}`,
    };
  } else {
    cachedStatus = { available: true };
  }
  return cachedStatus;
}

function checkedWorkdir(path: string): string {
  if (!isAbsolute(path)) throw new Error(`Sandbox workspace "${path}" must be an absolute path`);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new Error(`Sandbox workspace "${path}" does not exist`);
  }
  if (!statSync(real).isDirectory()) throw new Error(`Sandbox workspace "${path}" is not a directory`);
  // Under a directory every sandbox sees, a workspace's neighbours (other workspaces,
  // mirrors) would be readable; refuse rather than leak.
  if (real === '/') throw new Error(`Sandbox workspace "${path}" must not be the root directory`);
  for (const dir of VISIBLE_SYSTEM_DIRS) {
    if (real === dir || isInside(dir, real)) {
      throw new Error(`Sandbox workspace "${path}" must not be under ${dir} (visible to every sandbox)`);
    }
  }
  return real;
}

function sandboxEnv(given: Record<string, string>, workdir: string): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, LANG: 'C.UTF-8' };
  for (const [name, value] of Object.entries(given)) {
    if (!ENV_NAME.test(name)) throw new Error(`Environment variable name "${name}" is not valid`);
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new Error(`Environment variable "${name}" must be a string without NUL characters`);
    }
    env[name] = value;
  }
  // The host's HOME (dotfiles, credentials) is not visible; tools that write caches
  // under HOME write them into the workspace instead, where they are seen and dropped.
  env.HOME = workdir;
  env.TMPDIR = '/tmp';
  return env;
}

function isInside(dir: string, path: string): boolean {
  const prefix = dir.endsWith(sep) ? dir : `${dir}${sep}`;
  return path.startsWith(prefix);
}

function spawnBwrap(args: string[], env: Record<string, string>, timeoutMs: number): Promise<SandboxResult> {
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout can kill bwrap and everything it started at once.
    const child = spawn('bwrap', args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const output = new TailBuffer(SANDBOX_OUTPUT_LIMIT);
    let timedOut = false;
    let settled = false;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
      // A process that kept the pipes open elsewhere must not keep us waiting.
      setTimeout(() => finish(null), 2_000).unref();
    }, timeoutMs);
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode: timedOut ? null : code, timedOut, output: output.text() });
    };
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', (error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new SandboxUnavailableError(error.message));
    });
    child.on('close', (code) => finish(code));
  });
}

/** Keeps the last `limit` bytes of a stream without holding everything before them. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    // Compact only when well over the limit, so long outputs cost amortised O(n).
    if (this.size > this.limit * 2) this.compact();
  }

  text(): string {
    this.compact();
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `[... ${this.dropped} bytes of earlier output omitted ...]\n${body}` : body;
  }

  private compact(): void {
    if (this.size <= this.limit) return;
    const all = Buffer.concat(this.chunks);
    const kept = all.subarray(all.length - this.limit);
    this.dropped += all.length - kept.length;
    this.chunks = [Buffer.from(kept)];
    this.size = kept.length;
  }
}
