import { OpenAPIHono } from '@hono/zod-openapi';
import { createAuthRoutes } from '../auth/auth-routes.js';
import type { AuthService } from '../auth/auth-service.js';
import { createAuditRoutes } from '../events/audit-routes.js';
import type { EventLog } from '../events/event-log.js';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import { validationHook } from './api-router.js';
import type { AppEnv } from './app-env.js';
import { authMiddleware, csrfMiddleware } from './auth-middleware.js';
import { registerHealthRoutes } from './health-routes.js';
import { observeRequestsMiddleware } from './observe-requests.js';
import { NotFoundError } from './problem.js';
import { problemResponse } from './problem-response.js';
import type { ReadinessCheck } from './readiness.js';
import { requestIdMiddleware } from './request-id.js';

export { startHttpServer } from './http-server.js';
export { mountWebApp } from './web-app.js';

export interface CreateHttpAppOptions {
  logger: Logger;
  auth: AuthService;
  metrics: Metrics;
  /** Backs GET /readyz (resolve `{ ok, checks }`, or throw when not ready); without it the app reports ready. */
  readiness?: ReadinessCheck;
  /** Whether one-click demo sign-in (POST /api/auth/demo) is allowed. */
  demo: boolean;
  /** The event log behind GET /api/audit. */
  events: EventLog;
  /** Public base URL, used in sign-in links the API hands out. */
  baseUrl?: string;
  /**
   * Path prefixes whose clients send their own bearer tokens (Unleash SDKs); unknown
   * tokens there are left to the routes. Default: /api/client/ and /api/frontend.
   */
  foreignTokenPrefixes?: string[];
  /** Version shown in the OpenAPI document. */
  version?: string;
}

/**
 * The HTTP application core: request ids, access log and metrics, authentication
 * (session cookie or bearer token), CSRF guard, problem+json errors, health and
 * metrics endpoints, the auth (and audit) API and /api/openapi.json. Features add
 * their routers with `app.route('/', router)`; call `mountWebApp` last.
 *
 * @example
 * const app = createHttpApp({ logger, auth, metrics, readiness, demo: config.demo, events, baseUrl: config.baseUrl });
 * app.route('/', catalogRoutes);
 * mountWebApp(app, { webDistDir: config.webDistDir });
 * const server = await startHttpServer(app, { port: config.port, host: config.host });
 */
export function createHttpApp(options: CreateHttpAppOptions): OpenAPIHono<AppEnv> {
  const { logger } = options;
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use('*', requestIdMiddleware());
  app.use('*', observeRequestsMiddleware({ logger, metrics: options.metrics }));
  app.use(
    '*',
    authMiddleware(
      options.auth,
      options.foreignTokenPrefixes ? { foreignTokenPrefixes: options.foreignTokenPrefixes } : {},
    ),
  );
  app.use('*', csrfMiddleware());

  app.onError((error, c) => problemResponse(c, error, logger));
  app.notFound((c) => {
    if (c.req.path.startsWith('/api/') || c.req.path === '/api') {
      return problemResponse(c, new NotFoundError(`No API route ${c.req.method} ${c.req.path}`), logger);
    }
    return c.text('Not found', 404);
  });

  registerHealthRoutes(app, { metrics: options.metrics, readiness: options.readiness, logger });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API token (bb_...) created under /api/auth/tokens',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'sessionCookie', {
    type: 'apiKey',
    in: 'cookie',
    name: 'backbeat_session',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Backbeat',
      version: options.version ?? '0.1.0',
      description: 'Backbeat internal developer platform API. Errors are RFC 9457 problem+json.',
    },
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
  });

  app.route('/', createAuthRoutes({ auth: options.auth, demo: options.demo, baseUrl: options.baseUrl }));
  app.route('/', createAuditRoutes({ events: options.events }));
  return app;
}
