import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { testDialect, testPostgresAdminUrl } from '../../../platform/db/testing/test-database.js';
import { newId } from '../../../platform/ids.js';

/** The built CLI launcher (`npm run build` first): tests run Backbeat as its users do. */
const CLI = fileURLToPath(new URL('../../../../../cli/bin/backbeat.js', import.meta.url));

export const PROCESS_ADMIN_TOKEN = 'bb_admin_token_for_process_tests_0123456789';

export interface BackbeatProcess {
  /** The API's base URL (`serve` only; '' for a worker). */
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends `signal` and waits until the process is gone. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  child: ChildProcess;
}

/**
 * Starts `backbeat serve` (on a free port) or `backbeat worker` as a child process
 * and waits until it says it is ready; fails with its output when it exits first.
 *
 * @example
 * const server = await startBackbeat({ verb: 'serve', dataDir, env: { BACKBEAT_ADMIN_TOKEN: token } });
 * await fetch(`${server.url}/api/fleet/shifts`);
 * await server.stop('SIGKILL');
 */
export async function startBackbeat(options: {
  verb: 'serve' | 'worker';
  dataDir: string;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<BackbeatProcess> {
  const args =
    options.verb === 'serve'
      ? [CLI, 'serve', '--port', '0', '--host', '127.0.0.1', '--data-dir', options.dataDir]
      : [CLI, 'worker', '--data-dir', options.dataDir];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const ready = options.verb === 'serve' ? /Backbeat is listening on (http:\/\/\S+)/ : /worker is processing jobs/;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let url = '';
  for (;;) {
    const match = ready.exec(output);
    if (match) {
      url = options.verb === 'serve' ? (match[1] ?? '') : '';
      break;
    }
    if (gone) throw new Error(`backbeat ${options.verb} exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`backbeat ${options.verb} was not ready in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    child,
    output: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (gone) return;
      child.kill(signal);
      await exited;
    },
  };
}

/**
 * What a Backbeat process needs to reach the test project's database: nothing on
 * SQLite (the file lives in the data directory), a new PostgreSQL database otherwise.
 *
 * @example
 * const db = await createProcessDatabase();
 * await startBackbeat({ verb: 'serve', dataDir, env: { ...db.env } });
 * await db.drop();
 */
export async function createProcessDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (testDialect() !== 'postgres') return { env: {}, drop: async () => undefined };
  const adminUrl = testPostgresAdminUrl();
  const name = `backbeat_proc_${newId().toLowerCase()}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name} TEMPLATE template0`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { BACKBEAT_DATABASE_URL: url.toString() },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * A small JSON client for a running Backbeat: throws with the status and body on
 * any non-2xx answer, so a test failure names what the server said.
 *
 * @example
 * const api = apiClient(server.url, PROCESS_ADMIN_TOKEN);
 * const shift = await api<{ merged: number }>('GET', '/api/fleet/shifts/bump');
 */
export function apiClient(baseUrl: string, token: string) {
  return async function call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

export type ApiClient = ReturnType<typeof apiClient>;
