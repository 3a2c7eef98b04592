import type { Hono } from 'hono';
import type { Logger } from '../logging.js';
import type { Metrics } from '../metrics.js';
import type { AppEnv } from './app-env.js';
import type { ReadinessCheck } from './readiness.js';

/**
 * GET /healthz (the process is up: always 200), GET /readyz (dependencies answer:
 * 200 or 503 with each check), GET /metrics (Prometheus text). Public, because
 * load balancers and scrapers do not sign in.
 */
export function registerHealthRoutes(
  app: Hono<AppEnv>,
  options: { metrics: Metrics; readiness?: ReadinessCheck; logger: Logger },
): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }, 200));

  app.get('/readyz', async (c) => {
    if (!options.readiness) return c.json({ status: 'ready', checks: {} }, 200);
    try {
      const report = await options.readiness();
      if (!report.ok) options.logger.warn({ checks: report.checks }, 'not ready');
      return c.json({ status: report.ok ? 'ready' : 'unavailable', checks: report.checks }, report.ok ? 200 : 503);
    } catch (error) {
      options.logger.warn({ err: error }, 'readiness check failed');
      return c.json({ status: 'unavailable', error: (error as Error).message }, 503);
    }
  });

  app.get('/metrics', async (c) => {
    const body = await options.metrics.render();
    return c.body(body, 200, { 'content-type': options.metrics.contentType });
  });
}
