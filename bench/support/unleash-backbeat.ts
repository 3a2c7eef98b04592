/**
 * Backbeat serving Unleash's client API for the toggles benchmarks: in this
 * process (`createBackbeat`, as `backbeat serve` builds it) on a temporary SQLite
 * data directory or a fresh PostgreSQL database, loaded with the benchmark flags
 * through the admin API's client-format import, with a client token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backbeat } from '../../packages/server/src/main.js';
import { BENCH_ADMIN_TOKEN, startBackbeat } from './backbeat.js';
import { freshPostgresDatabase } from './postgres.js';
import type { BenchFlag } from './unleash-flags.js';

export const BENCH_PROJECT = 'bench';
export const BENCH_ENVIRONMENT = 'production';

export interface TogglesBackbeat {
  backbeat: Backbeat;
  url: string;
  engine: 'sqlite' | 'postgres';
  /** `<project>:<environment>.<secret>`, sent as is in Authorization, as Unleash SDKs do. */
  clientToken: string;
  /** An admin API call with the benchmark's admin token; anything but a 2xx throws. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * @example
 * const server = await startTogglesBackbeat({ engine: 'sqlite', flags: benchFlags(50) });
 * await server.admin('POST', `/api/toggles/projects/bench/flags/bench-flag-00/environments/production/off`);
 * await server.close();
 */
export async function startTogglesBackbeat(input: {
  engine: 'sqlite' | 'postgres';
  flags: BenchFlag[];
}): Promise<TogglesBackbeat> {
  const dataDir = mkdtempSync(join(tmpdir(), 'backbeat-bench-toggles-'));
  const pg = input.engine === 'postgres' ? await freshPostgresDatabase('toggles') : undefined;
  const backbeat = await startBackbeat({ dataDir, ...(pg ? { databaseUrl: pg.url } : {}) });
  const close = async () => {
    await backbeat.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { port } = await backbeat.listen();
    const url = `http://127.0.0.1:${port}`;
    const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${BENCH_ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`Backbeat ${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
      return text ? JSON.parse(text) : undefined;
    };
    await admin('POST', '/api/toggles/projects', { key: BENCH_PROJECT, name: 'Benchmark' });
    const report = (await admin(
      'PUT',
      `/api/toggles/projects/${BENCH_PROJECT}/environments/${BENCH_ENVIRONMENT}/import`,
      {
        version: 2,
        features: input.flags,
      },
    )) as { created: string[]; warnings: { field: string; message: string }[] };
    if (report.created.length !== input.flags.length || report.warnings.length > 0) {
      throw new Error(
        `The import created ${report.created.length} of ${input.flags.length} flags: ${JSON.stringify(report.warnings)}`,
      );
    }
    const token = (await admin('POST', '/api/toggles/tokens', {
      name: 'bench-client',
      type: 'client',
      project: BENCH_PROJECT,
      environment: BENCH_ENVIRONMENT,
    })) as { token: string };
    return { backbeat, url, engine: input.engine, clientToken: token.token, admin, close };
  } catch (error) {
    await close();
    throw error;
  }
}
