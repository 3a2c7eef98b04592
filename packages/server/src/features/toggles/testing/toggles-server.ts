import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { type Backbeat, createBackbeat } from '../../../main.js';
import { type Actor, SYSTEM_ACTOR } from '../../../platform/auth/actor.js';
import { loadConfig } from '../../../platform/config.js';
import type { Database } from '../../../platform/db/database.js';
import { createTestDatabase, testDialect } from '../../../platform/db/testing/test-database.js';

export const ADMIN_TOKEN = 'bb_toggles_admin_token_for_tests_0123456789';

const CATALOG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-checkout }
spec: { type: squad, children: [], members: [jane] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: team-other }
spec: { type: squad, children: [], members: [bob] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: jane }
spec: { memberOf: [team-checkout] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: bob }
spec: { memberOf: [team-other] }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec: { type: service, lifecycle: production, owner: team-checkout }
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: shop }
spec: { owner: team-other }
`;

export interface ApiResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API returned
  body: any;
  headers: Headers;
}

export interface TogglesServer {
  backbeat: Backbeat;
  baseUrl: string;
  /** Bearer tokens of jane (member of team-checkout) and bob (member of team-other), neither admin. */
  tokens: { admin: string; jane: string; bob: string };
  api(method: string, path: string, body?: unknown, token?: string): Promise<ApiResult>;
  /** A new client token (the kind SDKs send) for one project in production, made by the admin. */
  clientToken(project: string, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole server as `backbeat serve` builds it, on the test project's engine, with
 * a small catalog (two squads, jane and bob, the `checkout` component and the `shop`
 * system) and API tokens for an admin, jane and bob.
 *
 * @example
 * const server = await startTogglesServer();
 * await server.api('POST', '/api/toggles/projects', { key: 'checkout', name: 'Checkout' });
 */
export async function startTogglesServer(): Promise<TogglesServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'backbeat-toggles-'));
  const pgDatabase = testDialect() === 'postgres' ? await createTestDatabase() : undefined;
  const backbeat = await createBackbeat({
    config: loadConfig({
      env: {},
      overrides: {
        dataDir,
        port: 0,
        host: '127.0.0.1',
        adminToken: ADMIN_TOKEN,
        databaseUrl: pgDatabase?.connectionString,
        runWorker: false,
        logLevel: 'silent',
      },
    }),
    mode: 'serve',
  });
  const { port } = await backbeat.listen();
  const catalogFile = join(dataDir, 'catalog-info.yaml');
  writeFileSync(catalogFile, CATALOG);
  await backbeat.catalog.service.registerLocation({ actor: SYSTEM_ACTOR, type: 'url', target: catalogFile });

  const admin: Actor = { ...SYSTEM_ACTOR };
  const tokenFor = async (username: string): Promise<string> => {
    const account = await backbeat.auth.createAccount(admin, { username, userRef: `user:default/${username}` });
    const actor: Actor = {
      kind: 'user',
      id: account.id,
      accountId: account.id,
      userRef: `user:default/${username}`,
      displayName: username,
      isAdmin: false,
      scopes: ['read', 'write'],
    };
    return (await backbeat.auth.createApiToken(actor, { name: `${username}-tests`, scopes: ['write'] })).token;
  };
  const tokens = { admin: ADMIN_TOKEN, jane: await tokenFor('jane'), bob: await tokenFor('bob') };
  const baseUrl = `http://127.0.0.1:${port}`;

  const server: TogglesServer = {
    backbeat,
    baseUrl,
    tokens,
    async api(method, path, body, token = ADMIN_TOKEN) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: keep the text.
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async clientToken(project, name) {
      const created = await server.api('POST', '/api/toggles/tokens', {
        name,
        type: 'client',
        project,
        environment: 'production',
      });
      if (created.status !== 201)
        throw new Error(`Creating client token ${name} failed: ${JSON.stringify(created.body)}`);
      return created.body.token as string;
    },
    async close() {
      await backbeat.close();
      if (pgDatabase) await waitForOtherConnectionsToClose(pgDatabase);
      await pgDatabase?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

async function waitForOtherConnectionsToClose(database: Database): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid()`.execute(database.db);
    if (Number(rows[0]?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
