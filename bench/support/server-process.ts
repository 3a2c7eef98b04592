import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  startupMs: number;
  /** How it was started: the built CLI, or the sources through tsx. */
  via: string;
  rssMiB(): { rss: number; peak: number };
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function statusKiB(pid: number, field: string): number {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/**
 * Starts `backbeat serve` as a child process on a free port and waits until it is
 * ready. Uses the built CLI when present, else the sources through tsx (whose
 * start-up then includes transpiling).
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const cli = join(ROOT, 'packages', 'cli', 'dist', 'index.js');
  const built = existsSync(cli) && existsSync(join(ROOT, 'packages', 'server', 'dist', 'index.js'));
  const args = built ? [cli, 'serve'] : ['--import', 'tsx', join(ROOT, 'bench', 'support', 'serve-entry.ts')];
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      BACKBEAT_PORT: String(port),
      BACKBEAT_HOST: '127.0.0.1',
      BACKBEAT_LOG_LEVEL: 'warn',
      BACKBEAT_CATALOG_REFRESH_SECONDS: '86400',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited !== null) throw new Error(`The server exited with code ${exited} before it was ready`);
    if (performance.now() - started > 300_000) {
      child.kill('SIGKILL');
      throw new Error('The server did not become ready within 5 minutes');
    }
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const startupMs = performance.now() - started;
  const pid = child.pid!;
  return {
    url,
    pid,
    startupMs,
    via: built
      ? 'built CLI (node packages/cli/dist/index.js serve)'
      : 'sources through tsx (start-up includes transpiling)',
    rssMiB: () => ({ rss: statusKiB(pid, 'VmRSS') / 1024, peak: statusKiB(pid, 'VmHWM') / 1024 }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
