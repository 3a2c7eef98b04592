import type { Unleash } from 'unleash-client';

/** Long enough for a loopback poll already on the wire to finish. */
const IN_FLIGHT_GRACE_MS = 250;

/**
 * Destroys `unleash-client` instances, then waits a moment before the caller closes
 * the server. Why: a poll already sent when `destroy()` runs still finishes. If the
 * server is gone by then, the client emits `error` after `destroy()` removed its
 * listeners, and that surfaces as an unhandled rejection in the test run.
 *
 * @example
 * afterAll(async () => { await destroyUnleashClients(clients); await server.close(); });
 */
export async function destroyUnleashClients(clients: readonly (Unleash | undefined)[]): Promise<void> {
  for (const client of clients) client?.destroy();
  await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_GRACE_MS));
}
