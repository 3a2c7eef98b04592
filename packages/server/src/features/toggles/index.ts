import type { OpenAPIHono } from '@hono/zod-openapi';
import type { MembershipResolver } from '../../platform/auth/actor.js';
import type { Database } from '../../platform/db/database.js';
import type { MigrationSet } from '../../platform/db/migrations.js';
import type { EventLog } from '../../platform/events/event-log.js';
import type { AppEnv } from '../../platform/http/app-env.js';
import type { CatalogReader } from '../catalog/index.js';
import { togglesMigrations } from './migrations.js';
import { registerToggleAdminRoutes } from './routes/admin-routes.js';
import { registerClientRoutes } from './routes/client-routes.js';
import { registerFrontendRoutes } from './routes/frontend-routes.js';
import { registerOfrepRoutes } from './routes/ofrep-routes.js';
import { createChangeFeed } from './service/change-feed.js';
import { type ClientService, createClientService } from './service/client-service.js';
import { createEvaluationService } from './service/evaluation-service.js';
import { createTogglesService, type TogglesService } from './service/toggles-service.js';
import { createTogglesStore } from './store/toggles-store.js';

export { DEMO_TOGGLES_PROJECT, seedDemoToggles } from './demo/seed-demo-toggles.js';
export { togglesMigrations } from './migrations.js';
export type { ClientFeaturesPayload } from './model/client-payload.js';
export type { ClientToken, Environment, Flag, Project, Segment } from './model/records.js';
export type { ClientService } from './service/client-service.js';
export { flagSubject, TOGGLE_UPDATED, type TogglesService } from './service/toggles-service.js';

/**
 * Paths whose clients send toggle tokens (`Authorization: Bearer <project>:<env>.<secret>`
 * from OFREP providers, raw tokens from Unleash SDKs); the HTTP layer leaves bearer
 * values it does not know there to these routes.
 */
export const TOGGLE_TOKEN_PATHS = ['/api/client/', '/api/frontend', '/ofrep/'];

export interface TogglesOptions {
  database: Database;
  events: EventLog;
  membership: MembershipResolver;
  /** Checks that a project's entity exists and takes its owner; without it links are not checked. */
  catalog?: CatalogReader;
  config?: {
    /** How often streaming connections look for changes made by other processes. */
    streamPollIntervalMs?: number;
  };
}

export interface Toggles {
  migrations: MigrationSet;
  service: TogglesService;
  client: ClientService;
  registerRoutes(app: OpenAPIHono<AppEnv>): void;
  /** Stops the change feed's polling. */
  close(): void;
}

/**
 * Wires feature toggles: the store, the admin service (rules, history), the client
 * service (SDK payloads, metrics), the change feed behind streaming, and routes for
 * the admin API (/api/toggles), Unleash's client API (/api/client), its frontend
 * API (/api/frontend) and OFREP (/ofrep/v1).
 *
 * @example
 * const toggles = createToggles({ database, events, membership: catalog.membership, catalog: catalog.reader });
 * toggles.registerRoutes(app);
 */
export function createToggles(options: TogglesOptions): Toggles {
  const store = createTogglesStore(options.database);
  const service = createTogglesService({
    store,
    events: options.events,
    membership: options.membership,
    ...(options.catalog ? { catalog: options.catalog } : {}),
  });
  const client = createClientService({ store });
  const feed = createChangeFeed({ store, pollIntervalMs: options.config?.streamPollIntervalMs ?? 250 });
  const evaluation = createEvaluationService({ client });
  service.onChange((revision) => feed.notify(revision));
  return {
    migrations: togglesMigrations,
    service,
    client,
    registerRoutes(app) {
      registerToggleAdminRoutes(app, { service, client });
      registerClientRoutes(app, { client, feed });
      registerFrontendRoutes(app, { client, evaluation });
      registerOfrepRoutes(app, { client, evaluation });
    },
    close: () => feed.close(),
  };
}
