import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningHttpServer {
  /** The port actually bound (the random one when 0 was asked for). */
  port: number;
  /** Stops accepting connections and resolves once open ones have finished. */
  close(): Promise<void>;
}

/**
 * Serves the app on Node's HTTP server and resolves once it listens.
 *
 * @example
 * const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
 * await fetch(`http://127.0.0.1:${server.port}/healthz`);
 * await server.close();
 */
// biome-ignore lint/suspicious/noExplicitAny: any app's environment will do
export function startHttpServer(app: Hono<any>, options: { port: number; host: string }): Promise<RunningHttpServer> {
  return new Promise((resolvePromise, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info: AddressInfo) => {
      server.off('error', reject);
      resolvePromise({
        port: info.port,
        close: () =>
          new Promise<void>((resolveClose, rejectClose) => {
            server.close((error) => (error ? rejectClose(error) : resolveClose()));
            // Idle keep-alive connections would otherwise hold close() open.
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
