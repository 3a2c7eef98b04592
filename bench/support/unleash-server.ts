/**
 * The open-source Unleash server as a benchmark peer: installed once under
 * bench/.out (never a dependency of the project), run as a child process on a fresh
 * PostgreSQL database with known tokens, loaded with the benchmark flags through its
 * admin API, and stopped (database dropped) afterwards.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT_DIR } from './catalog-fixture.js';
import { freshPostgresDatabase } from './postgres.js';
import { freePort } from './server-process.js';
import type { BenchFlag } from './unleash-flags.js';

/** The last release that declares Node 20 in its engines. */
export const UNLEASH_VERSION = '7.5.1';
const INSTALL_DIR = join(OUT_DIR, 'unleash-server');
const PACKAGE_DIR = join(INSTALL_DIR, 'node_modules', 'unleash-server');

/** Unleash's tokens are `<project>:<environment>.<secret>`; these are local, throw-away ones. */
export const UNLEASH_ADMIN_TOKEN = '*:*.bench-unleash-admin-0000000000000000';
export const UNLEASH_CLIENT_TOKEN = 'default:production.bench-unleash-client-00000000000000';
const PROJECT = 'default';
const ENVIRONMENT = 'production';

export interface UnleashServer {
  url: string;
  pid: number;
  version: string;
  /** Milliseconds from spawn until /health answered (fresh database, so it includes Unleash's migrations). */
  startupMs: number;
  clientToken: string;
  adminToken: string;
  stop(): Promise<void>;
}

/** Installs unleash-server into bench/.out/unleash-server unless that version is there already. */
export function ensureUnleashInstalled(): string {
  const manifest = join(PACKAGE_DIR, 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === UNLEASH_VERSION) {
    return PACKAGE_DIR;
  }
  mkdirSync(INSTALL_DIR, { recursive: true });
  console.log(`Installing unleash-server@${UNLEASH_VERSION} for the benchmark (about 2 minutes, cached afterwards)...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(
    npm,
    ['install', '--prefix', INSTALL_DIR, `unleash-server@${UNLEASH_VERSION}`, '--no-audit', '--no-fund'],
    { stdio: 'inherit' },
  );
  if (result.status !== 0 || !existsSync(manifest)) {
    throw new Error(`npm install unleash-server@${UNLEASH_VERSION} failed (exit ${result.status})`);
  }
  return PACKAGE_DIR;
}

/**
 * Starts Unleash on a fresh PostgreSQL database and a free port, waits until it
 * answers, and creates `flags` in its `default` project's production environment.
 * Outbound calls (version check, telemetry) are off.
 *
 * @example
 * const unleash = await startUnleash({ flags: benchFlags(50) });
 * await fetch(`${unleash.url}/api/client/features`, { headers: { authorization: unleash.clientToken } });
 * await unleash.stop();
 */
export async function startUnleash(input: { flags: BenchFlag[] }): Promise<UnleashServer> {
  const packageDir = ensureUnleashInstalled();
  const db = await freshPostgresDatabase('unleash');
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [join(packageDir, 'dist', 'server.js')], {
    cwd: packageDir,
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      DATABASE_SSL: 'false',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      INIT_ADMIN_API_TOKENS: UNLEASH_ADMIN_TOKEN,
      INIT_BACKEND_API_TOKENS: UNLEASH_CLIENT_TOKEN,
      CHECK_VERSION: 'false',
      SEND_TELEMETRY: 'false',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  let exited: number | null = null;
  child.on('exit', (code) => {
    exited = code ?? -1;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    await db.drop();
  };

  try {
    for (;;) {
      if (exited !== null) throw new Error(`Unleash exited with code ${exited} before it was ready:\n${stderr}`);
      if (performance.now() - started > 300_000) throw new Error(`Unleash was not ready within 5 minutes:\n${stderr}`);
      try {
        if ((await fetch(`${url}/health`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const startupMs = performance.now() - started;
    for (const flag of input.flags) await createUnleashFlag(url, flag);
    return {
      url,
      pid: child.pid!,
      version: UNLEASH_VERSION,
      startupMs,
      clientToken: UNLEASH_CLIENT_TOKEN,
      adminToken: UNLEASH_ADMIN_TOKEN,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Unleash's admin API: the flag, its one strategy in production, then the switch. */
async function createUnleashFlag(url: string, flag: BenchFlag): Promise<void> {
  const base = `${url}/api/admin/projects/${PROJECT}/features`;
  await unleashAdmin('POST', base, {
    name: flag.name,
    type: flag.type,
    description: flag.description,
    impressionData: false,
  });
  const envBase = `${base}/${encodeURIComponent(flag.name)}/environments/${ENVIRONMENT}`;
  for (const strategy of flag.strategies) await unleashAdmin('POST', `${envBase}/strategies`, strategy);
  if (flag.enabled) await unleashAdmin('POST', `${envBase}/on`);
}

/** One admin call; anything but a 2xx is an error carrying Unleash's answer. */
export async function unleashAdmin(method: string, url: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    headers: {
      authorization: UNLEASH_ADMIN_TOKEN,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`Unleash ${method} ${new URL(url).pathname}: ${response.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}
