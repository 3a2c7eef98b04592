import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import type { AppEnv } from './app-env.js';

/**
 * Access log line and duration histogram for every request. Logs the path without
 * its query string and with link secrets masked; never headers, cookies or bodies.
 * The metric is labelled by route pattern (`/api/catalog/entities/by-name/:kind/...`),
 * not raw path, so label cardinality stays bounded.
 */
export function observeRequestsMiddleware(options: { logger: Logger; metrics: Metrics }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = process.hrtime.bigint();
    let thrown: unknown;
    try {
      await next();
    } catch (error) {
      thrown = error;
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = thrown ? 500 : c.res.status;
      // After next(), the current route index is the handler that answered.
      const matched = routePath(c);
      const route = status === 404 && isCatchAll(matched) ? 'unmatched' : matched;
      options.metrics.httpRequestDuration.observe({ method: c.req.method, route, status: String(status) }, seconds);
      const actor = c.get('actor');
      options.logger.info(
        {
          requestId: c.get('requestId'),
          method: c.req.method,
          path: redactPath(c.req.path),
          status,
          ms: Math.round(seconds * 1000),
          ...(actor ? { actor: `${actor.kind}:${actor.id}` } : {}),
        },
        'request',
      );
    }
  };
}

function isCatchAll(path: string): boolean {
  return path === '*' || path === '/*' || path === '';
}

/** Masks secrets that travel in paths (one-time sign-in links). */
export function redactPath(path: string): string {
  return path.replace(/^(\/api\/auth\/link\/)[^/]+/, '$1[redacted]');
}
