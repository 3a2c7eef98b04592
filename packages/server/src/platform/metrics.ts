import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus registry and the HTTP metrics the app records. Features
 * register their own collectors on `registry`. Each call makes a fresh registry, so
 * tests (and several apps in one process) never collide on metric names.
 *
 * @example
 * const metrics = createMetrics();
 * new Counter({ name: 'backbeat_catalog_refreshes_total', help: '...', registers: [metrics.registry] });
 */
export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Prometheus text exposition of every registered metric. */
  render(): Promise<string>;
  contentType: string;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'backbeat_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    httpRequestDuration,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
